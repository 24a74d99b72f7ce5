"""All-capitals blocks: broadcast transcripts and promo text pasted above or below a story.

TV station pages put the on-air script, in capitals, next to the web story; the policy drops
it. News prose is never set in capitals for a whole long line (a shouted quote or a
"DEAR ABBY:" opening is a few words), so a long line that is almost all capitals is not body.
"""
from __future__ import annotations

from operator import itemgetter

import regex

from cleaner.document import Document, Removal, _native
from cleaner.heuristics.base import Heuristic
from cleaner.heuristics.spec import thresholds
from cleaner.prose import SAMPLE_CHARS

# The thresholds, each with where its number came from: heuristics.toml [all-caps].
_T = thresholds("all-caps")
MIN_WORDS = _T["MIN_WORDS"]
MIN_UPPER_SHARE = _T["MIN_UPPER_SHARE"]
MAX_LOWER = _T["MAX_LOWER"]
LOWER_WINDOW = _T["LOWER_WINDOW"]

_UPPER = regex.compile(r"\p{Lu}")
_LOWER = regex.compile(r"\p{Ll}")
_LETTER = regex.compile(r"\p{L}")
# A match stops at the (MAX_LOWER + 1)th lower-case letter, where counting them all would not.
_LOWER_START = regex.compile(rf"(?:\P{{Ll}}*\p{{Ll}}){{{MAX_LOWER + 1}}}")


def upper_share(text: str) -> float:
    """Share of capitals among cased letters; 0 for text mostly in an uncased script (Korean,
    Chinese), where a few Latin acronyms would otherwise count as shouting. Measured on the
    first SAMPLE_CHARS characters, which bounds the work on a huge line."""
    text = text[:SAMPLE_CHARS]
    return share(len(_UPPER.findall(text)), len(_LOWER.findall(text)), len(_LETTER.findall(text)))


def share(upper: int, lower: int, letters: int) -> float:
    cased = upper + lower
    if not cased or cased * 2 < letters:
        return 0.0
    return upper / cased


def candidates(texts: list[str]) -> list[tuple[int, float]]:
    """(index, upper_share) of each line that passes the cheap tests: long enough, enough
    spaces for MIN_WORDS words, and not plainly lower-case from the start."""
    return [(i, upper_share(text)) for i, text in enumerate(texts)
            if len(text) >= MIN_WORDS * 2 and text.count(" ") + 1 >= MIN_WORDS
            and not _LOWER_START.match(text, 0, LOWER_WINDOW)]


def native_candidates(texts: list[str]) -> list[tuple[int, float]]:
    """`candidates`, the tests and letter counts in one native call (cleaner/_native.c)."""
    found = _native.capitals(texts, MIN_WORDS * 2, MIN_WORDS, LOWER_WINDOW, MAX_LOWER, SAMPLE_CHARS)
    return [(i, share(upper, lower, letters)) for i, upper, lower, letters in found]


def _shouting(doc: Document) -> dict[int, Removal]:
    out: dict[int, Removal] = {}
    profile = doc.profile
    if profile is not None and len(profile.texts) == len(doc.lines):
        texts = profile.texts  # the input's lines, whose stripped texts the profile holds
    else:  # a later pass: fewer lines than the input (in practice settled before it)
        texts = list(map(itemgetter(3), doc.lines))  # each line's `stripped`
    found = candidates(texts) if doc.profile is None or _native is None else native_candidates(texts)
    for i, upper in found:  # (a profile means the native class table is configured)
        if upper >= MIN_UPPER_SHARE and i not in doc.removed:
            out[i] = SHOUTING.removal(f"{len(texts[i].split())} words, {upper:.0%} of letters in capitals (a transcript or promo block)")
    return out


SHOUTING = Heuristic(id="heuristic/all-caps", family="other", summary=__doc__ or "", run=_shouting, settles=True)
