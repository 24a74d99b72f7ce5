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
from typing import Sequence

import regex

from cleaner.document import Document, Removal
from cleaner.heuristics.base import Heuristic
from cleaner.heuristics.classes import CHROME, NEUTRAL, PROSE, body_span, is_dated, line_classes
from cleaner.heuristics.spec import thresholds
from cleaner.prose import Features

# The thresholds, each with where its number came from, are data: heuristics.toml
# ([outside-body], [chrome-run]); `cleaner rules show heuristic/outside-body` prints them. Those
# of the line classes and the span are read by heuristics/classes.py.
_T = thresholds("outside-body") | thresholds("chrome-run")
OUTSIDE_MIN_CHROME = _T["OUTSIDE_MIN_CHROME"]
TITLE_LOOKBACK = _T["TITLE_LOOKBACK"]
TITLE_MIN_WORDS = _T["TITLE_MIN_WORDS"]
TITLE_MIN_CJK_CHARS = _T["TITLE_MIN_CJK_CHARS"]
TITLE_MAX_CHARS = _T["TITLE_MAX_CHARS"]
RUN_MIN_LINES = _T["RUN_MIN_LINES"]

__all__ = ["CHROME", "NEUTRAL", "PROSE", "Layout", "layout", "OUTSIDE_BODY", "CHROME_RUN"]

_RUN = regex.compile(f"{CHROME}{{{RUN_MIN_LINES},}}")


@dataclass(frozen=True)
class Layout:
    """Line classes of the kept non-blank lines, and the body span over them."""

    order: Sequence[int]        # document indices of kept non-blank lines (kept_text_indices())
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
    codes, weights = classes_by_number(doc)
    got = body_span(doc.lines, doc.kept_text_indices(), codes, weights)  # (its order is then that array)
    return None if got is None else Layout(*got)


def classes_by_number(doc: Document) -> tuple[bytes, list[int]]:
    """The lines' classes and weights by input line (Line.number - 1), as body_span reads
    them: with a profile, every input line's, classified once per document (each pass of the
    fixpoint and both layout heuristics read them); without one, the kept lines'."""
    profile = doc.profile
    if profile is not None:
        done = profile.derived.get("layout")
        if done is None:
            done = profile.derived["layout"] = line_classes(profile.features, profile.texts)
        return done
    lines, order = doc.lines, doc.kept_text_indices()
    codes, weights = line_classes([doc.features(i) for i in order], [lines.stripped[i] for i in order])
    at = [lines.number(i) - 1 for i in order]
    size = max(at, default=-1) + 1
    by_number, weight_of = bytearray(b" " * size), [0] * size
    for k, n in enumerate(at):
        by_number[n], weight_of[n] = codes[k], weights[k]
    return bytes(by_number), weight_of


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
        f, text = doc.features(lay.order[k]), doc.lines.stripped[lay.order[k]]
        if not _title_shaped(f, text):
            continue
        if f.words < 8 and is_dated(text):
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
