"""Teaser lists at the tail: short headline-like lines after the last body paragraph.

After the article, pages list other stories: a run of short lines shaped like headlines (no
sentence punctuation at the end, few words), often each headline twice (title, then a
shortened title or a dek). No header may announce the list, so no rule can find it; what
marks it is its shape and its place after the last paragraph of prose.
"""
from __future__ import annotations

from cleaner.document import Document, Removal
from cleaner.heuristics.base import Heuristic
from cleaner.heuristics.spec import thresholds
from cleaner.prose import Features

# The thresholds, each with where its number came from: heuristics.toml [teaser-tail].
_T = thresholds("teaser-tail")
MIN_ITEMS = _T["MIN_ITEMS"]
MAX_ITEM_CHARS = _T["MAX_ITEM_CHARS"]
BODY_MIN_CHARS = _T["BODY_MIN_CHARS"]

def is_headline_like(f: Features) -> bool:
    """Headline shape: a few words, no closing sentence punctuation, not a long paragraph."""
    return 2 <= f.words and f.chars <= MAX_ITEM_CHARS and not f.sentence_end


def is_body_paragraph(f: Features) -> bool:
    return f.chars >= BODY_MIN_CHARS and f.sentence_end


def _teaser_tail(doc: Document) -> dict[int, Removal]:
    kept = doc.kept_text_indices()
    headline_like = 0
    start = len(kept)  # the tail is kept[start:], walked from the end
    while start:
        f = doc.features(kept[start - 1])
        if is_body_paragraph(f):
            break
        headline_like += is_headline_like(f)
        start -= 1
    else:
        return {}  # no body paragraph at all: nothing to call a tail
    tail = len(kept) - start
    if tail < MIN_ITEMS or headline_like * 4 < tail * 3:
        return {}
    reason = (f"{tail} short lines after the last body paragraph, "
              f"{headline_like} of them headline-shaped (no sentence end, <= {MAX_ITEM_CHARS} chars)")
    return dict.fromkeys(reversed(kept[start:]), TEASER_TAIL.removal(reason))  # one Removal, shared by the lines


TEASER_TAIL = Heuristic(
    id="heuristic/teaser-tail",
    family="teaser",
    summary=__doc__ or "",
    run=_teaser_tail,
    idempotent=True,  # what it keeps ends with a body paragraph: no tail left to drop
)
