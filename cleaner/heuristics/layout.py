"""Where the body is: classify each line, then find the main run of prose.

In the spirit of jusText, but per line of text (a scrape has no markup left): a first pass
classifies each line as prose (long, sentence-shaped, with function words), chrome-shaped
(few words, no function words, no sentence end: menus, tags, buttons) or neutral (titles,
subheadings, short sentences). A second pass uses the neighbours: the body is the span of
lines with the greatest sum of prose characters minus chrome costs (the maximum-sum
subarray), which bridges a subheading or an ad slot between paragraphs but not a menu.

Two heuristics come out of this:
- `outside-body`: what lies before or after that span is page furniture when it holds a
  menu's worth of chrome-shaped lines; the headline just above the body stays.
- `chrome-run`: inside the body, a run of several chrome-shaped lines in a row is a list of
  links (tags, a teaser list), not prose.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import sub

import regex

from cleaner.document import Document, Removal, _native
from cleaner.heuristics.base import Heuristic
from cleaner.heuristics.spec import thresholds
from cleaner.native import remember
from cleaner.prose import CACHE_MAX_CHARS, Features, Profile, features

native_classify = _native.classify if _native is not None else None
native_span = _native.span if _native is not None else None
_dated: dict[str, bool] = {}  # does a short line hold a date (across documents, bounded)

# The thresholds, each with where its number came from, are data: heuristics.toml
# ([classes], [outside-body], [chrome-run]); `cleaner rules show heuristic/outside-body` prints them.
_T = thresholds("outside-body") | thresholds("chrome-run")
PROSE_MIN_WORDS = _T["PROSE_MIN_WORDS"]
PROSE_MIN_STOPWORDS = _T["PROSE_MIN_STOPWORDS"]
PROSE_LONG_WORDS = _T["PROSE_LONG_WORDS"]
PROSE_MIN_CJK_CHARS = _T["PROSE_MIN_CJK_CHARS"]
CJK_CHROME_MAX_CHARS = _T["CJK_CHROME_MAX_CHARS"]
CHROME_MAX_WORDS = _T["CHROME_MAX_WORDS"]
CHROME_MAX_STOPWORDS = _T["CHROME_MAX_STOPWORDS"]
DATE_MAX_WORDS = _T["DATE_MAX_WORDS"]
CHROME_COST = _T["CHROME_COST"]
NEUTRAL_COST = _T["NEUTRAL_COST"]
OUTSIDE_MIN_CHROME = _T["OUTSIDE_MIN_CHROME"]
TITLE_LOOKBACK = _T["TITLE_LOOKBACK"]
TITLE_MIN_WORDS = _T["TITLE_MIN_WORDS"]
TITLE_MIN_CJK_CHARS = _T["TITLE_MIN_CJK_CHARS"]
TITLE_MAX_CHARS = _T["TITLE_MAX_CHARS"]
RUN_MIN_LINES = _T["RUN_MIN_LINES"]

# The classes, one character each: a document's classes are a string, searched and counted
# by str methods rather than line by line in Python.
PROSE, NEUTRAL, CHROME = "p", "n", "c"
MAYBE_DATE = "d"  # (native classes only) chrome if it holds a date or time, else neutral

_CJK_END_CHARS = "。！？.!?」』”)"
_CJK_END = regex.compile(f"[{regex.escape(_CJK_END_CHARS)}]$")
_DATEISH = regex.compile(r"\b(?:\d{1,2}:\d{2}|(?:19|20)\d{2}|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\w*\b"
                         r"|\b(?:ago|updated|published|posted)\b", regex.I)
_RUN = regex.compile(f"{CHROME}{{{RUN_MIN_LINES},}}")


def classify(f: Features, text: str) -> str:
    """First pass: prose, neutral or chrome, from the line's own features."""
    if f.cjk:
        return PROSE if f.chars >= PROSE_MIN_CJK_CHARS and _CJK_END.search(text) else (
            CHROME if f.chars < CJK_CHROME_MAX_CHARS and not f.sentence_end else NEUTRAL)
    if f.words >= PROSE_MIN_WORDS and f.stopword_ratio >= PROSE_MIN_STOPWORDS and (
            f.sentence_end or f.sentences > 1 or f.words >= PROSE_LONG_WORDS):
        return PROSE
    if f.words <= CHROME_MAX_WORDS and not f.sentence_end and f.stopword_ratio <= CHROME_MAX_STOPWORDS:
        return CHROME
    if f.words <= DATE_MAX_WORDS and _DATEISH.search(text) and not f.sentence_end:
        return CHROME  # a date or time stamp ("Tuesday November 19, 2019", "Updated 2 hours ago")
    return NEUTRAL


def weight(cls: str, f: Features) -> int:
    """Second pass: what a line adds to a span's score (see CHROME_COST)."""
    return f.chars if cls == PROSE else (-CHROME_COST if cls == CHROME else -NEUTRAL_COST)


def line_class(text: str) -> tuple[Features, str]:
    """A line's features and first-pass class (cached like the features: each pass of the
    fixpoint, and both layout heuristics, classify the same lines)."""
    return _cached_class(text) if len(text) <= CACHE_MAX_CHARS else _measure_class(text)


def _measure_class(text: str) -> tuple[Features, str]:
    f = features(text)
    return f, classify(f, text)


_cached_class = lru_cache(maxsize=1 << 16)(_measure_class)

# What cleaner/_native.c's `classify` takes: the thresholds above, in its order.
_NATIVE_PARAMS = (PROSE_MIN_WORDS, PROSE_MIN_STOPWORDS, PROSE_MIN_CJK_CHARS, PROSE_LONG_WORDS, CJK_CHROME_MAX_CHARS,
                  CHROME_MAX_WORDS, CHROME_MAX_STOPWORDS, DATE_MAX_WORDS, CHROME_COST, NEUTRAL_COST, _CJK_END_CHARS)


def _is_dated(text: str) -> bool:
    """Does the line hold a date or time (_DATEISH)? Remembered for short lines, which
    repeat across a site's pages (stamps, headlines above the body)."""
    dated = _dated.get(text)
    if dated is None:
        dated = _DATEISH.search(text) is not None
        remember(_dated, text, dated)
    return dated


def profile_classes(profile: Profile) -> tuple[str, list[int]]:
    """Every line's class and weight, by original line index, for a document with a profile
    (each line classified once per document, in one native call, which also decides the date
    pattern on ASCII lines; the few other lines that are chrome only if they hold a date are
    looked at here, with the pattern `classify` uses)."""
    done = profile.derived.get("layout")
    if done is None:
        codes, weights = native_classify(profile.features, profile.texts, _NATIVE_PARAMS)
        if MAYBE_DATE in codes:
            chars = list(codes)
            n = codes.find(MAYBE_DATE)
            while n >= 0:
                chars[n] = CHROME if _is_dated(profile.texts[n]) else NEUTRAL
                weights[n] = weight(chars[n], profile.features[n])
                n = codes.find(MAYBE_DATE, n + 1)
            codes = "".join(chars)
        done = profile.derived["layout"] = (codes, weights)
    return done


@dataclass(frozen=True)
class Layout:
    """Line classes of the kept non-blank lines, and the body span over them."""

    order: list[int]            # document indices of kept non-blank lines
    classes: str                # their classes, one character each
    start: int                  # span over `order`, inclusive
    end: int


def layout(doc: Document) -> Layout | None:
    """The layout of the document's kept lines (the same lines and removals twice in a row,
    as when outside-body removes nothing before chrome-run: computed once). What it was
    computed for is remembered by the lines and the removals, not by the document, which
    holds the profile: a cycle, which only the cyclic collector would free, with the
    document's every line measurement in it."""
    if doc.profile is not None:
        last = doc.profile.derived.get("layout-last")
        if last is not None and last[0] is doc.lines and last[1] is doc.removed:
            return last[2]
        lay = _layout(doc)
        doc.profile.derived["layout-last"] = (doc.lines, doc.removed, lay)
        return lay
    return _layout(doc)


def _layout(doc: Document) -> Layout | None:
    lines = doc.lines
    if doc.profile is not None and native_classify is not None:  # the same, in one native call
        got = native_span(tuple(lines), doc.kept_indices(), *profile_classes(doc.profile))
        return None if got is None else Layout(*got)
    order = doc.kept_text_indices()
    measured = [line_class(lines[i].stripped) for i in order]
    classes = "".join(c for _, c in measured)
    if PROSE not in classes:
        return None
    return Layout(order, classes, *best_span([weight(c, f) for f, c in measured]))


def best_span(weights: list[int]) -> tuple[int, int]:
    """The span (first, last index, inclusive) with the greatest sum, the earliest-ending one
    on ties and, for that end, the shortest: what Kadane's scan gives when it restarts at
    a running sum <= 0 and keeps only a strictly better sum. Taken from prefix sums and
    their running minimum, so the work is done by C-level iteration."""
    prefix = list(accumulate(weights, initial=0))
    lowest = list(accumulate(prefix[:-1], min))   # lowest[e]: min of prefix[0..e]
    gains = list(map(sub, prefix[1:], lowest))    # the best sum of a span ending at e
    end = gains.index(max(gains))
    start = end - prefix[end::-1].index(lowest[end])  # the latest start reaching that low
    return start, end


def _title_shaped(f: Features, text: str) -> bool:
    """Long enough to be a headline, not too long, and not ending as a sentence or a label."""
    if f.chars > TITLE_MAX_CHARS or text.endswith((".", ":", ",", "。", "：", "，")):
        return False
    return f.chars >= TITLE_MIN_CJK_CHARS if f.cjk else f.words >= TITLE_MIN_WORDS


def _title_index(lay: Layout, doc: Document) -> int | None:
    """The headline: the longest title-shaped line shortly above the body (nearer wins ties)."""
    best, best_score = None, 0.0
    lo = max(0, lay.start - TITLE_LOOKBACK)
    for k in range(lay.start - 1, lo - 1, -1):
        f, text = doc.features(lay.order[k]), doc.lines[lay.order[k]].stripped
        if not _title_shaped(f, text):
            continue
        if f.words < 8 and _is_dated(text):
            continue
        score = f.chars - 4 * (lay.start - k)
        if score > best_score:
            best, best_score = k, score
    return best


def _outside_body(doc: Document) -> dict[int, Removal]:
    lay = layout(doc)
    if lay is None:
        return {}
    out: dict[int, Removal] = {}
    n_before = lay.classes.count(CHROME, 0, lay.start)
    n_after = lay.classes.count(CHROME, lay.end + 1)
    if n_before >= OUTSIDE_MIN_CHROME:
        title = _title_index(lay, doc)
        why = OUTSIDE_BODY.removal(
            f"before the main body (lines {doc.number(lay.order[lay.start])}-"
            f"{doc.number(lay.order[lay.end])}); the lead-in has {n_before} menu-like lines")
        out = dict.fromkeys(lay.order[:lay.start], why)
        if title is not None:
            del out[lay.order[title]]  # the headline just above the body stays
    if n_after >= OUTSIDE_MIN_CHROME:
        why = OUTSIDE_BODY.removal(
            f"after the main body (lines {doc.number(lay.order[lay.start])}-"
            f"{doc.number(lay.order[lay.end])}); the tail has {n_after} menu-like lines")
        out.update(dict.fromkeys(lay.order[lay.end + 1:], why))
    return out


def _chrome_run(doc: Document) -> dict[int, Removal]:
    lay = layout(doc)
    if lay is None:
        return {}
    out: dict[int, Removal] = {}
    for run in _RUN.finditer(lay.classes, lay.start, lay.end + 1):
        why = CHROME_RUN.removal(
            f"{run.end() - run.start()} short lines in a row with no sentence end and few function words (a link list)")
        out.update(dict.fromkeys(lay.order[run.start():run.end()], why))
    return out


# Both are idempotent (see Heuristic.idempotent). What outside-body keeps is the span, which
# stays the best one over fewer lines around it, and at most the headline above it, one line
# where three menu-like ones are needed (a prose-shaped headline joins the span instead).
# Chrome-run drops whole runs of chrome-shaped lines, which only raises the span's score over
# every other span's, and the lines on either side of a run are not chrome-shaped (a run is
# as long as it goes), so no new run forms.
OUTSIDE_BODY = Heuristic(id="heuristic/outside-body", family="nav", summary=__doc__ or "", run=_outside_body,
                         idempotent=True)
CHROME_RUN = Heuristic(id="heuristic/chrome-run", family="nav", summary=__doc__ or "", run=_chrome_run,
                       idempotent=True)
