"""Second copies: a line, or a run of lines, that repeats text already kept.

Scraped pages often carry the body twice (a hidden mobile copy, a print copy), a standfirst
repeated as the first paragraph, or a pull quote that repeats a body quote. The policy keeps
only the first copy. Exact repeats (outer whitespace aside) of any kept line go, so the output
never holds two copies of one line; near-exact repeats (case, punctuation and spacing folded)
and lines contained in an earlier kept line go when they are long enough to be unmistakable.
"""
from __future__ import annotations

import regex

from cleaner.document import Document, Removal
from cleaner.heuristics.base import Heuristic

# Near-exact and contained repeats must be at least this long (folded characters): shorter
# lines ("News", "Photo", a one-word subheading) repeat innocently. 40 is about seven words;
# no body line of the Multi-News dev split shorter than that is a folded repeat of another.
NEAR_MIN_CHARS = 40
# Containment is checked against at most this many earlier long lines, which bounds the
# cost on huge inputs (a news body has a few dozen such lines).
CONTAIN_MAX_LINES = 400
# Lines longer than this are compared exactly only (folding copies the text).
FOLD_MAX_CHARS = 100_000

_FOLD = regex.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Case, punctuation and spacing folded away: the text as a key for near-repeats."""
    return _FOLD.sub(" ", text.casefold()).strip()


def _second_copies(doc: Document) -> dict[int, Removal]:
    out: dict[int, Removal] = {}
    exact: dict[str, int] = {}
    near: dict[str, int] = {}
    kept_folded: list[tuple[int, str]] = []
    for i in doc.kept_indices():
        line = doc.lines[i]
        if line.blank:
            continue
        text = line.stripped
        key = fold(text) if len(text) <= FOLD_MAX_CHARS else ""
        if text in exact:
            out[i] = SECOND_COPY.removal(f"exact second copy of line {exact[text]}")
            continue
        if len(key) >= NEAR_MIN_CHARS:
            if key in near:
                out[i] = SECOND_COPY.removal(f"near-exact second copy of line {near[key]} (case/punctuation aside)")
                continue
            holder = next((n for n, other in kept_folded if len(other) > len(key) and key in other), None)
            if holder is not None:
                out[i] = SECOND_COPY.removal(f"repeats text already kept in line {holder} (pull quote or teaser copy)")
                continue
            near[key] = line.number
            if len(kept_folded) < CONTAIN_MAX_LINES:
                kept_folded.append((line.number, key))
        exact[text] = line.number
    return out


SECOND_COPY = Heuristic(
    id="heuristic/second-copy",
    family="duplicate",
    summary=__doc__ or "",
    run=_second_copies,
)
