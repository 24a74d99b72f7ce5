"""Each line's first-pass class for the layout heuristics (prose, neutral or chrome, from its
own Features), its weight in the body span, and the body span itself: the per-line part of
heuristics/layout.py, which holds the heuristics that read them.

One source: Cython compiles this module where built (setup.py), typing the per-line loops for
C; run as Python it is the reference and the fallback, with the same decisions. The
thresholds are data (heuristics.toml: [outside-body], [chrome-run]), read once at import.
"""
from __future__ import annotations

import regex

from cleaner.heuristics.spec import thresholds
from cleaner.lines import indices, origin_of
from cleaner.native import remember

try:
    import cython
except ImportError:  # Cython is a build requirement only
    from cleaner import _cython_shim as cython

_T = thresholds("outside-body") | thresholds("chrome-run")
PROSE_MIN_WORDS = cython.declare(cython.Py_ssize_t, _T["PROSE_MIN_WORDS"])
PROSE_MIN_STOPWORDS = cython.declare(cython.double, _T["PROSE_MIN_STOPWORDS"])
PROSE_LONG_WORDS = cython.declare(cython.Py_ssize_t, _T["PROSE_LONG_WORDS"])
PROSE_MIN_CJK_CHARS = cython.declare(cython.Py_ssize_t, _T["PROSE_MIN_CJK_CHARS"])
CJK_CHROME_MAX_CHARS = cython.declare(cython.Py_ssize_t, _T["CJK_CHROME_MAX_CHARS"])
CHROME_MAX_WORDS = cython.declare(cython.Py_ssize_t, _T["CHROME_MAX_WORDS"])
CHROME_MAX_STOPWORDS = cython.declare(cython.double, _T["CHROME_MAX_STOPWORDS"])
DATE_MAX_WORDS = cython.declare(cython.Py_ssize_t, _T["DATE_MAX_WORDS"])
# A chrome or neutral line's weight (a prose line's is its characters).
CHROME_WEIGHT = cython.declare(object, -_T["CHROME_COST"])
NEUTRAL_WEIGHT = cython.declare(object, -_T["NEUTRAL_COST"])



def thresholds_in_use() -> dict:
    """The thresholds this module decides with (C values when compiled, which Python does not
    see as module attributes): what the tests hold to heuristics.toml."""
    return {"PROSE_MIN_WORDS": PROSE_MIN_WORDS, "PROSE_MIN_STOPWORDS": PROSE_MIN_STOPWORDS,
            "PROSE_LONG_WORDS": PROSE_LONG_WORDS, "PROSE_MIN_CJK_CHARS": PROSE_MIN_CJK_CHARS,
            "CJK_CHROME_MAX_CHARS": CJK_CHROME_MAX_CHARS, "CHROME_MAX_WORDS": CHROME_MAX_WORDS,
            "CHROME_MAX_STOPWORDS": CHROME_MAX_STOPWORDS, "DATE_MAX_WORDS": DATE_MAX_WORDS,
            "CHROME_COST": -CHROME_WEIGHT, "NEUTRAL_COST": -NEUTRAL_WEIGHT}


# The classes, one character each: a document's classes are a string, searched and counted
# by str methods (layout.py) rather than line by line in Python.
PROSE, NEUTRAL, CHROME = "p", "n", "c"
_PROSE = cython.declare(cython.uchar, ord(PROSE))
_NEUTRAL = cython.declare(cython.uchar, ord(NEUTRAL))
_CHROME = cython.declare(cython.uchar, ord(CHROME))

_CJK_END = regex.compile("[。！？.!?」』”)]$")
# A date or time stamp ("Tuesday November 19, 2019", "Updated 2 hours ago").
DATEISH = regex.compile(r"\b(?:\d{1,2}:\d{2}|(?:19|20)\d{2}|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w*\b"
                        r"|\b(?:ago|updated|published|posted)\b", regex.I)
_dated: dict = {}  # does a short line hold a date (across documents, bounded: native.remember)


@cython.ccall
def is_dated(text: str) -> cython.bint:
    """Does the line hold a date or time (DATEISH)? Remembered for short lines, which
    repeat across a site's pages (stamps, headlines above the body)."""
    dated = _dated.get(text)
    if dated is None:
        dated = DATEISH.search(text) is not None
        remember(_dated, text, dated)
    return dated


@cython.cfunc
def _code(f: tuple, text: object) -> cython.uchar:
    """A line's class from its Features (chars, words, stopword_ratio, capitalised_ratio,
    sentence_end, sentences, cjk) and its text."""
    chars: cython.Py_ssize_t = f[0]
    words: cython.Py_ssize_t = f[1]
    stop: cython.double = f[2]
    sentence_end: cython.bint = f[4]
    if f[6]:  # CJK: characters, not words, and its own sentence ends
        if chars >= PROSE_MIN_CJK_CHARS and _CJK_END.search(text) is not None:
            return _PROSE
        return _CHROME if chars < CJK_CHROME_MAX_CHARS and not sentence_end else _NEUTRAL
    if words >= PROSE_MIN_WORDS and stop >= PROSE_MIN_STOPWORDS and (
            sentence_end or f[5] > 1 or words >= PROSE_LONG_WORDS):
        return _PROSE
    if words <= CHROME_MAX_WORDS and not sentence_end and stop <= CHROME_MAX_STOPWORDS:
        return _CHROME
    if words <= DATE_MAX_WORDS and not sentence_end and is_dated(text):
        return _CHROME
    return _NEUTRAL


def line_classes(features: list, texts: list) -> tuple:
    """(classes, weights): every line's class, as one ASCII bytes object, and its weight."""
    n: cython.Py_ssize_t = len(features)
    k: cython.Py_ssize_t
    code: cython.uchar
    if len(texts) != n:
        raise ValueError("one text per Features")
    codes = bytearray(n)
    out: cython.p_uchar = codes
    weights: list = [None] * n
    for k in range(n):
        f: tuple = cython.cast(tuple, features[k])
        code = _code(f, texts[k])
        out[k] = code
        weights[k] = f[0] if code == _PROSE else (CHROME_WEIGHT if code == _CHROME else NEUTRAL_WEIGHT)
    return bytes(codes), weights


def body_span(lines: object, kept: object, codes: bytes, weights: list) -> tuple | None:
    """(order, classes, start, end), or None without a prose line: the kept non-blank lines
    (indices into `lines`, a document.Lines, from `kept`: `kept` itself where none is
    blank, else an array of them), their classes as a str, and the
    span over them with the greatest sum of weights (inclusive). `codes` and `weights` are by
    input line (a line's number - 1). The span is Kadane's: restart where the running sum is
    <= 0, keep only a strictly better sum, so the earliest-ending best span, and for that end
    the shortest."""
    m: cython.Py_ssize_t = len(kept)
    n_codes: cython.Py_ssize_t = len(codes)
    if len(weights) != n_codes:
        raise ValueError("one class code and one weight per line")
    code_of: cython.p_uchar = codes
    orders = indices(m)
    order: cython.longlong[::1] = orders
    classes = bytearray(m)
    out: cython.p_uchar = classes
    count: cython.Py_ssize_t = 0
    start: cython.Py_ssize_t = 0
    end: cython.Py_ssize_t = 0
    run_start: cython.Py_ssize_t = 0
    run: cython.longlong = 0
    best: cython.longlong = 0
    w: cython.longlong
    n: cython.Py_ssize_t
    any_prose: cython.bint = False
    stripped: list = lines.stripped
    at: cython.longlong[::1] = origin_of(lines)
    renumbered: cython.bint = len(at) > 0
    n_lines: cython.Py_ssize_t = len(stripped)
    i: cython.Py_ssize_t
    for index in kept:
        i = index
        if i < 0 or i >= n_lines:
            raise IndexError("kept index out of range")
        if not stripped[i]:  # blank
            continue
        n = at[i] if renumbered else i
        if n < 0 or n >= n_codes:
            raise IndexError("line number out of range")
        w = weights[n]
        order[count] = i
        out[count] = code_of[n]
        if code_of[n] == _PROSE:
            any_prose = True
        if count == 0 or run <= 0:
            run = w
            run_start = count
        else:
            run += w
        if count == 0 or run > best:
            best = run
            start = run_start
            end = count
        count += 1
    if not any_prose:
        return None
    return kept if count == m else orders[:count], classes[:count].decode("ascii"), start, end
