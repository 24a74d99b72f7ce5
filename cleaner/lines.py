"""Lines in and out: a text split into its lines, and what is built from the lines and their
removals (which lines are kept, the cleaned text, a Decision per line, the removed lines per
family). Nothing here decides; the outputs read what the pipeline decided (`removed` maps
0-based line indices to Removals; any other key removes nothing). Every function runs once
or more per document and pass, so per line.

One source: Cython compiles this module where built (setup.py), typing the loops for C; run
as Python it is the reference and the fallback. A document's lines are columns (a
document.Lines: texts, stripped texts, ending codes, and for a later pass the origin of each
line), read here column by column: no object per line but its text.
"""
from __future__ import annotations

from array import array

try:
    import cython
except ImportError:  # Cython is a build requirement only
    from cleaner import _cython_shim as cython

# Line numbers up to this many are handed out from one tuple rather than made per call (most
# documents have fewer lines): decisions are built for every line.
_INDICES = cython.declare(tuple, tuple(range(1 << 13)))
_N_INDICES = cython.declare(cython.Py_ssize_t, 1 << 13)


@cython.cfunc
def _index(k: cython.Py_ssize_t) -> object:
    return _INDICES[k] if k < _N_INDICES else k


@cython.cfunc
@cython.inline
def _record(kind: type, plain: cython.bint, line: object, kept: object, text: object, rule: object,
            source: object, reason: object, family: object) -> object:
    """A named tuple of `kind` with these seven fields. Compiled, in one allocation (the C API,
    cimported by lines.pxd), and left to the cyclic collector only when a field could close a
    cycle (as CPython does for plain tuples of atoms; `plain`: `kind` adds no slots or
    __dict__ to a tuple's layout); interpreted, by tuple.__new__, which skips the named
    tuple's Python-level __new__ but copies the tuple it is given."""
    if not cython.compiled:
        return tuple.__new__(kind, (line, kept, text, rule, source, reason, family))
    out = PyType_GenericAlloc(kind, 7)  # noqa: F821 (these names: lines.pxd)
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


# Only LF, CRLF and CR end a line: `str.splitlines` would also split on form feeds and
# U+2028, and joining those back would change the file. A line's ending is held as its code,
# one byte per line: ENDINGS[code].
LF, CRLF, CR, NO_ENDING = "\n", "\r\n", "\r", ""
ENDINGS = ("", "\n", "\r\n", "\r")
_ENDINGS = cython.declare(tuple, ENDINGS)
_NONE = cython.declare(cython.uchar, 0)
_LF = cython.declare(cython.uchar, 1)
_CRLF = cython.declare(cython.uchar, 2)
_CR = cython.declare(cython.uchar, 3)


def split(text: str, runs: list = None) -> tuple:
    """The text's lines as three columns (texts, stripped, endings): each line's text without
    its ending, its stripped text (str.strip, Python's own whitespace; the same object when
    there is nothing to strip) and its ending's code (bytes, one per line). A last line
    without an ending is kept when it is not empty.

    With the list `runs`, each run of two or more blank lines becomes one blank line whose
    text and ending are the run's (its text holds the endings between its members), and each
    such run's position and number of lines are appended to `runs` (see
    document.split_lines: memory then does not grow with blank lines)."""
    texts: list = []
    stripped_texts: list = []
    endings = bytearray()
    n: cython.Py_ssize_t = len(text)
    start: cython.Py_ssize_t = 0
    end: cython.Py_ssize_t
    after: cython.Py_ssize_t
    ending: cython.uchar
    next_lf: cython.Py_ssize_t = text.find(LF)
    next_cr: cython.Py_ssize_t = text.find(CR)
    held: cython.Py_ssize_t = 0  # blank lines held back (with `runs`): text[run_start:run_end]
    run_start: cython.Py_ssize_t = 0
    run_end: cython.Py_ssize_t = 0
    run_ending: cython.uchar = _NONE
    while start < n:
        if runs is not None:  # empty lines ended by LF, one character each: a run in one step
            while start < n and text[start] == LF:
                if held == 0:
                    run_start = start
                held += 1
                run_end, run_ending = start, _LF
                start += 1
            if start == n:
                break
        if 0 <= next_lf < start:
            next_lf = text.find(LF, start)
        if 0 <= next_cr < start:
            next_cr = text.find(CR, start)
        if next_cr < 0 or 0 <= next_lf < next_cr:  # LF (or no ending: the last line)
            end = n if next_lf < 0 else next_lf
            ending = _NONE if next_lf < 0 else _LF
            after = end + 1
        else:
            end = next_cr
            if end + 1 < n and text[end + 1] == LF:
                ending, after = _CRLF, end + 2
            else:
                ending, after = _CR, end + 1
        piece = text[start:end]
        if end > start and not text[start].isspace() and not text[end - 1].isspace():
            stripped = piece  # nothing to strip (the common case, without a call)
        else:
            stripped = piece.strip()
        if runs is not None:
            if not stripped:  # blank: held back until the run's length is known
                if held == 0:
                    run_start = start
                held += 1
                run_end, run_ending = end, ending
                start = after
                continue
            if held:
                _flush_run(text, texts, stripped_texts, endings, runs, held, run_start, run_end, run_ending)
                held = 0
        texts.append(piece)
        stripped_texts.append(stripped)
        endings.append(ending)
        start = after
    if held:
        _flush_run(text, texts, stripped_texts, endings, runs, held, run_start, run_end, run_ending)
    return texts, stripped_texts, bytes(endings)


@cython.cfunc
def _flush_run(text: str, texts: list, stripped_texts: list, endings: bytearray, runs: list,
               held: cython.Py_ssize_t, run_start: cython.Py_ssize_t, run_end: cython.Py_ssize_t,
               run_ending: cython.uchar) -> cython.void:
    """Emit the blank run held back (one member as the line it is, more as one line)."""
    piece = text[run_start:run_end]
    if held > 1:
        runs.append(len(texts))
        runs.append(held)
    texts.append(piece)
    stripped_texts.append(piece.strip() if held == 1 else NO_ENDING)
    endings.append(run_ending)


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


# Line indices are held as arrays of this type (8 bytes a line, where a list holds a slot and
# an int of some 32 bytes per line): the kept lines, a later pass's origin.
INDEX_TYPE = "q"
_NO_ORIGIN = array(INDEX_TYPE)  # origin_of's answer for lines numbered by position


_ZERO = array(INDEX_TYPE, [0])


def indices(count: cython.Py_ssize_t) -> array:
    """An array of `count` line indices, all 0, to be filled (repeated from one zero: array's
    constructor parses its arguments, at a cost that shows on small documents)."""
    return _ZERO * count


def origin_of(lines: object) -> object:
    """`lines.origin` (a document.Lines), checked to be an array of indices with one per line
    (the compiled readers index it without a check), or an empty array where there is none
    (the lines are numbered by position): a reader's view of it is renumbered where it is
    not empty."""
    origin = lines.origin
    if origin is None:
        return _NO_ORIGIN
    if type(origin) is not array or origin.typecode != INDEX_TYPE or len(origin) != len(lines.texts):
        raise ValueError("one origin per line")
    return origin


def kept_lines(lines: object, removed: dict) -> tuple:
    """(kept, kept_text): the indices of the lines (a document.Lines) not removed, and of
    those with text, as arrays (see INDEX_TYPE)."""
    stripped: list = lines.stripped
    n: cython.Py_ssize_t = len(stripped)
    gone = _removed_lines(removed, n)
    kept, text = indices(n), indices(n)
    n_kept, n_text = _fill_kept(stripped, gone, kept, text)
    del kept[n_kept:], text[n_text:]  # (an array gives back what it no longer needs)
    return kept, text


@cython.cfunc
def _fill_kept(stripped: list, gone_lines: bytearray, kept: cython.longlong[::1],
               text: cython.longlong[::1]) -> tuple:
    """Fill `kept` and `text` (each with room for every line) with kept_lines' indices; how
    many of each. (A function of its own: the arrays can shrink once it has returned.)"""
    gone: cython.p_uchar = gone_lines
    n_kept: cython.Py_ssize_t = 0
    n_text: cython.Py_ssize_t = 0
    k: cython.Py_ssize_t
    for k in range(len(stripped)):
        if gone[k]:
            continue
        kept[n_kept] = k
        n_kept += 1
        if stripped[k]:
            text[n_text] = k
            n_text += 1
    return n_kept, n_text


def assemble(lines: object, final_newline: cython.bint) -> str:
    """The lines' (a document.Lines) texts and endings joined, in order; without
    final_newline the last line's ending is left off."""
    texts: list = lines.texts
    codes: bytes = lines.endings
    ending: cython.p_uchar = codes
    n: cython.Py_ssize_t = len(texts)
    if len(codes) != n:
        raise ValueError("one ending per line")
    k: cython.Py_ssize_t
    if not cython.compiled:
        parts: list = []
        for k in range(n):
            parts.append(texts[k])
            if final_newline or k < n - 1:
                if ending[k] > _CR:
                    raise ValueError("an ending code names no ending")
                parts.append(_ENDINGS[ending[k]])
        return "".join(parts)
    # Compiled: the text made at its size and the lines copied in (the C API, cimported by
    # lines.pxd), without a list of two parts per line, which a join needs.
    size: cython.Py_ssize_t = 0
    widest: cython.Py_UCS4 = 0x7F
    for k in range(n):
        text: str = texts[k]
        size += len(text)
        widest = max(widest, PyUnicode_MAX_CHAR_VALUE(text))  # noqa: F821 (these names: lines.pxd)
        if final_newline or k < n - 1:
            if ending[k] > _CR:
                raise ValueError("an ending code names no ending")
            size += len(cython.cast(str, _ENDINGS[ending[k]]))
    out = PyUnicode_New(size, widest)  # noqa: F821
    at: cython.Py_ssize_t = 0
    for k in range(n):
        text = texts[k]
        if len(text):
            PyUnicode_CopyCharacters(out, at, text, 0, len(text))  # noqa: F821
            at += len(text)
        if (final_newline or k < n - 1) and ending[k] != _NONE:
            end: str = _ENDINGS[ending[k]]
            PyUnicode_CopyCharacters(out, at, end, 0, len(end))  # noqa: F821
            at += len(end)
    return out


@cython.cfunc
def _removals_by_line(removed: dict, n: cython.Py_ssize_t) -> list:
    """Each line's Removal, or None, by index (one walk over `removed`)."""
    why_of: list = [None] * n
    r: cython.Py_ssize_t
    for key, why in removed.items():
        r = _line_index(key, n)
        if r >= 0:
            why_of[r] = why
    return why_of


def decisions(lines: object, removed: dict, decision: type, removed_only: cython.bint = False) -> tuple:
    """A `decision` (the Decision type: line, kept, text, rule, source, reason, family) per
    line of `lines` (a document.Lines), in order, or with `removed_only` per removed line."""
    if not issubclass(decision, tuple):
        raise TypeError("decisions are made as a tuple type")
    texts: list = lines.texts
    at: cython.longlong[::1] = origin_of(lines)
    renumbered: cython.bint = len(at) > 0
    n: cython.Py_ssize_t = len(texts)
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
                out.append(_record(decision, plain, at[k] + 1 if renumbered else _index(k + 1), True, texts[k],
                                   None, None, None, None))
            continue
        if why is not last:
            rule, source, reason, family, last = why.rule, why.source, why.reason, why.family, why
        out.append(_record(decision, plain, at[k] + 1 if renumbered else _index(k + 1), False, texts[k],
                           rule, source, reason, family))
    return tuple(out)


def families(lines: object, removed: dict) -> dict:
    """{family: count} of the removed lines of `lines` (a document.Lines) that hold text (a
    missing family counted as it is)."""
    stripped: list = lines.stripped
    n: cython.Py_ssize_t = len(stripped)
    r: cython.Py_ssize_t
    run: cython.Py_ssize_t = 0  # lines of the Removal `last` not yet counted in `out`
    last = None
    family = None
    out: dict = {}
    for key, why in removed.items():
        r = _line_index(key, n)
        if r < 0 or not stripped[r]:  # no such line, or blank
            continue
        if why is not last:
            if run:
                out[family] = out.get(family, 0) + run
            last, family, run = why, why.family, 0
        run += 1
    if run:
        out[family] = out.get(family, 0) + run
    return out
