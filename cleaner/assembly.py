"""Outputs built from a document's lines and its removals: which lines are kept, the cleaned
text, a Decision per line, and the removed lines per family. Nothing here decides; it reads
what the pipeline decided (`removed` maps 0-based line indices to Removals; any other key
removes nothing) and runs once or more per document and pass, so per line.

One source: Cython compiles this module where built (setup.py), typing the loops for C; run
as Python it is the reference and the fallback. Lines are Line tuples (number, text, ending,
stripped, blank), read by position.
"""
from __future__ import annotations

try:
    import cython
except ImportError:  # Cython is a build requirement only
    from cleaner import _cython_shim as cython

# Line indices up to this many are handed out from one tuple rather than made per call (most
# documents have fewer lines): kept-line lists are built several times per document.
_INDICES = cython.declare(tuple, tuple(range(1 << 13)))
_N_INDICES = cython.declare(cython.Py_ssize_t, 1 << 13)


@cython.cfunc
@cython.boundscheck(False)
@cython.wraparound(False)
def _index(k: cython.Py_ssize_t) -> object:
    return _INDICES[k] if k < _N_INDICES else k


@cython.cfunc
@cython.inline
def _record(kind: type, plain: cython.bint, line: object, kept: object, text: object, rule: object,
            source: object, reason: object, family: object) -> object:
    """A named tuple of `kind` with these seven fields. Compiled, in one allocation (the C API,
    cimported by assembly.pxd), and left to the cyclic collector only when a field could
    close a cycle (as CPython does for plain tuples of atoms; `plain`: `kind` adds no slots or
    __dict__ to a tuple's layout); interpreted, by tuple.__new__,
    which skips the named tuple's Python-level __new__ but copies the tuple it is given."""
    if not cython.compiled:
        return tuple.__new__(kind, (line, kept, text, rule, source, reason, family))
    out = PyType_GenericAlloc(kind, 7)  # noqa: F821 (these names: assembly.pxd)
    _put(out, 0, line)
    _put(out, 1, kept)
    _put(out, 2, text)
    _put(out, 3, rule)
    _put(out, 4, source)
    _put(out, 5, reason)
    _put(out, 6, family)
    if (plain and _atom(rule) and _atom(source) and _atom(reason)
            and _atom(family) and type(text) is str and type(line) is int):
        PyObject_GC_UnTrack(out)  # noqa: F821
    return out


@cython.cfunc
@cython.inline
def _atom(item: object) -> cython.bint:
    """Can it hold no reference to another object (so be in no cycle)?"""
    return item is None or type(item) is str


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _put(record: object, k: cython.Py_ssize_t, item: object) -> cython.void:
    """(compiled only) record[k] = item, in a tuple being made."""
    Py_INCREF(item)  # noqa: F821 (a reference for the tuple, which SET_ITEM takes)
    PyTuple_SET_ITEM(record, k, item)  # noqa: F821


@cython.cfunc
@cython.exceptval(check=False)
def _line_index(key: object, n: cython.Py_ssize_t) -> cython.Py_ssize_t:
    """A key of `removed` as a line index, or -1 where it names no line (not an int, or out
    of range)."""
    r: cython.Py_ssize_t
    if type(key) is not int and not isinstance(key, int):
        return -1
    try:  # (an int too large for C: no line)
        r = key
    except OverflowError:
        return -1
    return r if 0 <= r < n else -1


@cython.cfunc
@cython.boundscheck(False)
@cython.wraparound(False)
def _removed_lines(removed: dict, n: cython.Py_ssize_t) -> bytearray:
    """One byte per line: 1 where a key of `removed` names it."""
    gone = bytearray(n)
    flags: cython.p_uchar = gone
    r: cython.Py_ssize_t
    for key in removed:
        r = _line_index(key, n)
        if r >= 0:
            flags[r] = 1
    return gone


@cython.boundscheck(False)
@cython.wraparound(False)
def kept_lines(lines: tuple, removed: dict) -> tuple:
    """(kept, kept_text): the indices of the lines not removed, and of those with text."""
    n: cython.Py_ssize_t = len(lines)
    k: cython.Py_ssize_t
    gone_lines = _removed_lines(removed, n)
    gone: cython.p_uchar = gone_lines
    kept: list = []
    text: list = []
    for k in range(n):
        if gone[k]:
            continue
        index = _index(k)
        kept.append(index)
        if cython.cast(tuple, lines[k])[3]:  # its stripped text
            text.append(index)
    return kept, text


@cython.boundscheck(False)
@cython.wraparound(False)
def assemble(lines: tuple, final_newline: cython.bint) -> str:
    """The lines' texts and endings joined, in order; without final_newline the last line's
    ending is left off."""
    n: cython.Py_ssize_t = len(lines)
    k: cython.Py_ssize_t
    parts: list = []
    for k in range(n):
        line: tuple = cython.cast(tuple, lines[k])
        parts.append(line[1])
        if final_newline or k < n - 1:
            parts.append(line[2])
    return "".join(parts)


@cython.cfunc
@cython.boundscheck(False)
@cython.wraparound(False)
def _removals_by_line(removed: dict, n: cython.Py_ssize_t) -> list:
    """Each line's Removal, or None, by index (one walk over `removed`)."""
    why_of: list = [None] * n
    r: cython.Py_ssize_t
    for key, why in removed.items():
        r = _line_index(key, n)
        if r >= 0:
            why_of[r] = why
    return why_of


@cython.boundscheck(False)
@cython.wraparound(False)
def decisions(lines: tuple, removed: dict, decision: type, removed_only: cython.bint = False) -> tuple:
    """A `decision` (the Decision type: line, kept, text, rule, source, reason, family) per
    line, in order, or with `removed_only` per removed line."""
    if not issubclass(decision, tuple):
        raise TypeError("decisions are made as a tuple type")
    n: cython.Py_ssize_t = len(lines)
    k: cython.Py_ssize_t
    why_of: list = _removals_by_line(removed, n)
    # a Removal's fields, read once per run of its lines (a document's lines share a few)
    last = None
    rule = source = reason = family = None
    plain: cython.bint = decision.__basicsize__ == tuple.__basicsize__
    out: list = []
    for k in range(n):
        why = why_of[k]
        if why is None:
            if not removed_only:
                line: tuple = cython.cast(tuple, lines[k])
                out.append(_record(decision, plain, line[0], True, line[1], None, None, None, None))
            continue
        if why is not last:
            rule, source, reason, family, last = why.rule, why.source, why.reason, why.family, why
        line = cython.cast(tuple, lines[k])
        out.append(_record(decision, plain, line[0], False, line[1], rule, source, reason, family))
    return tuple(out)


@cython.boundscheck(False)
@cython.wraparound(False)
def families(lines: tuple, removed: dict) -> dict:
    """{family: count} of the removed lines that hold text (a missing family counted as it is)."""
    n: cython.Py_ssize_t = len(lines)
    r: cython.Py_ssize_t
    run: cython.Py_ssize_t = 0  # lines of the Removal `last` not yet counted in `out`
    last = None
    family = None
    out: dict = {}
    for key, why in removed.items():
        r = _line_index(key, n)
        if r < 0 or cython.cast(tuple, lines[r])[4]:  # no such line, or blank
            continue
        if why is not last:
            if run:
                out[family] = out.get(family, 0) + run
            last, family, run = why, why.family, 0
        run += 1
    if run:
        out[family] = out.get(family, 0) + run
    return out
