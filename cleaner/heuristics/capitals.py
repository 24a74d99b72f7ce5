"""The letter counts of the all-capitals heuristic (heuristics/shouting.py): which lines pass
its cheap tests, and how many capitals, lower-case letters and letters each of those holds.

One source: Cython compiles this module where built (setup.py), typing the loop over each
line's characters for C; run as Python it is the reference and the fallback. A character's
classes (\\p{Lu}, \\p{Ll}, \\p{L}) come from the class table (cleaner/native.py), which the
`regex` module itself builds, so they are what those patterns mean. The thresholds are data
(heuristics.toml [all-caps]), read once at import.
"""
from __future__ import annotations

from cleaner.heuristics.spec import thresholds
from cleaner.native import CLASS_FLAGS, CODE_POINTS
from cleaner.prose import SAMPLE_CHARS

try:
    import cython
except ImportError:  # Cython is a build requirement only
    from cleaner import _cython_shim as cython

_T = thresholds("all-caps")
MIN_WORDS = cython.declare(cython.Py_ssize_t, _T["MIN_WORDS"])
MIN_CHARS = cython.declare(cython.Py_ssize_t, _T["MIN_WORDS"] * 2)  # a word and a space each, at least
MAX_LOWER = cython.declare(cython.Py_ssize_t, _T["MAX_LOWER"])
LOWER_WINDOW = cython.declare(cython.Py_ssize_t, _T["LOWER_WINDOW"])
SAMPLE = cython.declare(cython.Py_ssize_t, SAMPLE_CHARS)

_BITS = {cls: bit for bit, cls in CLASS_FLAGS}
UPPER = cython.declare(cython.uchar, _BITS[r"\p{Lu}"])
LOWER = cython.declare(cython.uchar, _BITS[r"\p{Ll}"])
LETTER = cython.declare(cython.uchar, _BITS[r"\p{L}"])
TABLE_SIZE = cython.declare(cython.Py_ssize_t, CODE_POINTS)


def thresholds_in_use() -> dict:
    """The thresholds this module decides with (C values when compiled): what the tests hold
    to heuristics.toml."""
    return {"MIN_WORDS": MIN_WORDS, "MAX_LOWER": MAX_LOWER, "LOWER_WINDOW": LOWER_WINDOW}


def letter_counts(texts: list, table: bytes) -> list:
    """(index, capitals, lower-case letters, letters) of each line that passes the cheap
    tests: at least MIN_CHARS characters, at least MIN_WORDS - 1 spaces, and no more than
    MAX_LOWER lower-case letters among its first LOWER_WINDOW characters (plainly not
    shouting); the letters are counted among its first SAMPLE_CHARS characters, which
    bounds the work on a huge line. `table` is native.class_table()."""
    if len(table) != TABLE_SIZE:
        raise ValueError("the class table has one byte per code point")
    flags: cython.p_uchar = table
    out: list = []
    k: cython.Py_ssize_t
    i: cython.Py_ssize_t
    n: cython.Py_ssize_t
    lower: cython.Py_ssize_t
    upper: cython.Py_ssize_t
    letters: cython.Py_ssize_t
    spaces: cython.Py_ssize_t
    fl: cython.uchar
    for k in range(len(texts)):
        text: str = texts[k]
        n = len(text)
        if n < MIN_CHARS:
            continue
        lower = 0
        for i in range(min(n, LOWER_WINDOW)):
            if flags[ord(text[i])] & LOWER:
                lower += 1
                if lower > MAX_LOWER:
                    break
        if lower > MAX_LOWER:
            continue
        spaces = 0
        for i in range(n):
            if text[i] == " ":
                spaces += 1
                if spaces >= MIN_WORDS - 1:
                    break
        if spaces < MIN_WORDS - 1:
            continue
        upper = lower = letters = 0
        for i in range(min(n, SAMPLE)):
            fl = flags[ord(text[i])]
            if fl & UPPER:
                upper += 1
            if fl & LOWER:
                lower += 1
            if fl & LETTER:
                letters += 1
        out.append((k, upper, lower, letters))
    return out
