"""The last stage of a pass: drop the blank lines that framed removed text, keeping the body's
own spacing. One source, compiled by Cython where built (setup.py): the walk over line
states below is typed for C when compiled and runs as plain Python otherwise."""
from __future__ import annotations


from cleaner.document import Document, Removal

try:
    import cython
except ImportError:  # Cython is a build requirement only
    from cleaner import _cython_shim as cython

TIDY = Removal(rule="layout/blank", source="layout",
               reason="blank line that framed removed text", family="layout")

# A line's state in the walk: removed, blank, or both (C constants when compiled).
REMOVED = cython.declare(cython.uchar, 1)
BLANK = cython.declare(cython.uchar, 2)


def tidy_blank_lines(doc: Document) -> Document:
    """Drop blank lines at the edges of removed text, keeping the body's own spacing.

    In a gap between two kept lines that held removed text, the blank lines before the first
    removed line stay (the paragraph break) and the rest go; at the start and end of the
    document every blank line of such a gap goes. Gaps with nothing removed are untouched.
    """
    if not doc.removed:
        return doc
    drop = blank_lines_to_drop(doc.lines, doc.removed)
    return doc.remove(dict.fromkeys(drop, TIDY))


def blank_lines_to_drop(lines: object, removed: dict) -> list:
    """The blank lines tidy_blank_lines drops (`lines`: a document.Lines; `removed`'s keys
    are the removed indices)."""
    stripped: list = lines.stripped
    n: cython.Py_ssize_t = len(stripped)
    k: cython.Py_ssize_t
    r: cython.Py_ssize_t
    i: cython.Py_ssize_t
    j: cython.Py_ssize_t
    done: cython.Py_ssize_t = -1  # where the last gap handled ends: removed lines before it were in it
    states = bytearray(n)
    state: cython.p_uchar = states
    for k in range(n):
        if not stripped[k]:  # blank
            state[k] = BLANK
    for key in removed:
        r = key
        if 0 <= r < n:
            state[r] |= REMOVED
    out: list = []
    for r in range(n):
        if not state[r] & REMOVED or r < done:
            continue
        i = r
        while i > 0 and state[i - 1]:  # removed or blank
            i -= 1
        j = r + 1
        while j < n and state[j]:
            j += 1
        done = j
        has_text: cython.bint = False
        for k in range(i, j):
            if state[k] == REMOVED:  # removed, not blank
                has_text = True
                break
        if not has_text:
            continue
        interior: cython.bint = i > 0 and j < n
        seen_removed: cython.bint = False
        for k in range(i, j):
            if state[k] & REMOVED:
                seen_removed = True
            elif not interior or seen_removed:
                out.append(k)
    return out
