"""The last stage of a pass: drop the blank lines that framed removed text, keeping the body's
own spacing (one decision, in Python, with its compiled twin in cleaner/_native.c)."""
from __future__ import annotations

from typing import Mapping, Sequence

from cleaner.document import Document, Line, Removal, _native

TIDY = Removal(rule="layout/blank", source="layout",
               reason="blank line that framed removed text", family="layout")


def tidy_blank_lines(doc: Document) -> Document:
    """Drop blank lines at the edges of removed text, keeping the body's own spacing.

    In a gap between two kept lines that held removed text, the blank lines before the first
    removed line stay (the paragraph break) and the rest go; at the start and end of the
    document every blank line of such a gap goes. Gaps with nothing removed are untouched.
    """
    if not doc.removed:
        return doc
    if doc.profile is not None and _native is not None:  # the native paths are on
        drop = _native.tidy(tuple(doc.lines), doc.removed)
    else:
        drop = blank_lines_to_drop(doc.lines, doc.removed)
    return doc.remove(dict.fromkeys(drop, TIDY))


def blank_lines_to_drop(lines: Sequence[Line], removed: Mapping[int, Removal]) -> list[int]:
    """The blank lines tidy_blank_lines drops (cleaner._native's `tidy` is held to this)."""
    out: list[int] = []
    n = len(lines)
    done = -1  # where the last gap handled ends: removed lines before it were in it
    for r in sorted(removed):  # every gap that holds removed text holds a removed line
        if r < done:
            continue
        i = r
        while i > 0 and (i - 1 in removed or lines[i - 1].blank):
            i -= 1
        j = r + 1
        while j < n and (j in removed or lines[j].blank):
            j += 1
        done = j
        gap = range(i, j)
        if any(k in removed and not lines[k].blank for k in gap):
            interior = i > 0 and j < n
            seen_removed = False
            for k in gap:
                if k in removed:
                    seen_removed = True
                elif not interior or seen_removed:
                    out.append(k)
    return out
