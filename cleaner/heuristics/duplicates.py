"""Second copies: a line, or a run of lines, that repeats text already kept.

Scraped pages often carry the body twice (a hidden mobile copy, a print copy), a standfirst
repeated as the first paragraph, or a pull quote that repeats a body quote. The policy keeps
only the first copy. Exact repeats (outer whitespace aside) of any kept line go, so the output
never holds two copies of one line; near-exact repeats (case, punctuation and spacing folded)
and lines contained in an earlier kept line go when they are long enough to be unmistakable.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from cleaner import native
from cleaner.document import Document, Removal
from cleaner.heuristics.base import Heuristic
from cleaner.heuristics.copies import CONTAINED, EXACT, MAX_FOLD_GROWTH, NEAR, second_copies
from cleaner.heuristics.spec import thresholds
from cleaner.prose import CACHE_MAX_CHARS

# The thresholds, each with where its number came from: heuristics.toml [second-copy] (the
# walk itself, heuristics/copies.py, reads them too).
_T = thresholds("second-copy")
NEAR_MIN_CHARS = _T["NEAR_MIN_CHARS"]
CONTAIN_MAX_LINES = _T["CONTAIN_MAX_LINES"]
FOLD_MAX_CHARS = _T["FOLD_MAX_CHARS"]

_FOLD = regex.compile(r"[^\w]+")


def fold(text: str) -> str:
    """Case, punctuation and spacing folded away: the text as a key for near-repeats (the
    compiled measurement's `fold` gives the same keys, faster; tests hold the two equal)."""
    return _fold_cached(text) if len(text) <= CACHE_MAX_CHARS else _FOLD.sub(" ", text.casefold()).strip()


@lru_cache(maxsize=1 << 16)
def _fold_cached(text: str) -> str:
    # every later pass of the fixpoint folds the same lines again
    return _FOLD.sub(" ", text.casefold()).strip()


_keys: dict[str, str] = {}  # the keys of short lines, across documents (bounded)

_REASONS = {
    EXACT: "exact second copy of line {}",
    NEAR: "near-exact second copy of line {} (case/punctuation aside)",
    CONTAINED: "repeats text already kept in line {} (pull quote or teaser copy)",
}


def _second_copies(doc: Document) -> dict[int, Removal]:
    native_paths = doc.profile is not None and native.compiled()  # the class table is configured
    found = iter(second_copies(doc.lines, doc.kept_text_indices(), native._native.fold if native_paths else fold, _keys))
    original = None if doc.numbering is None else doc.numbering.original  # compacted blank runs: the input's numbers
    # one Removal per line copied (and kind), shared by its copies: a line repeated a million
    # times costs a dict entry per copy, not a Removal and a reason each
    why: dict[tuple[int, int], Removal] = {}
    out: dict[int, Removal] = {}
    for i, kind, number in zip(found, found, found):  # (index, kind, number it repeats) per copy
        if original is not None:
            number = original(number)
        out[i] = why.get((kind, number)) or why.setdefault((kind, number), SECOND_COPY.removal(_REASONS[kind].format(number)))
    return out


def _no_holder_left_out(doc: Document) -> bool:
    """Is every line that could be a containment holder one (fewer such lines than the cap)?

    Then a later pass of the fixpoint finds no new copy: its lines are a subset of the ones
    kept here, every line it would compare with was compared with here, and a line that was
    no copy of the earlier lines here is no copy of a subset of them. Past the cap, removing
    lines would let later long lines become holders, so the heuristic runs again. Counted by
    length (a key of NEAR_MIN_CHARS needs this many characters), which needs no folding.
    """
    stripped, removed = doc.lines.stripped, doc.removed
    if len(stripped) - len(removed) < CONTAIN_MAX_LINES:
        return True  # fewer lines kept than the cap: the common case, without counting
    shortest = -(-NEAR_MIN_CHARS // MAX_FOLD_GROWTH)
    return sum(1 for i in doc.kept_text_indices() if len(stripped[i]) >= shortest) < CONTAIN_MAX_LINES


SECOND_COPY = Heuristic(
    id="heuristic/second-copy",
    family="duplicate",
    summary=__doc__ or "",
    run=_second_copies,
    settles=_no_holder_left_out,
)
