"""All-capitals blocks: broadcast transcripts and promo text pasted above or below a story.

TV station pages put the on-air script, in capitals, next to the web story; the policy drops
it. News prose is never set in capitals for a whole long line (a shouted quote or a
"DEAR ABBY:" opening is a few words), so a long line that is almost all capitals is not body.
"""
from __future__ import annotations

import regex

from cleaner.document import Document, Removal
from cleaner.heuristics.base import Heuristic
from cleaner.prose import SAMPLE_CHARS

# A line needs at least this many words: headlines and short shouted quotes stay.
MIN_WORDS = 15
# Share of cased letters that are capitals; 0.9 leaves room for "McDONALD" or "iPhone".
MIN_UPPER_SHARE = 0.9


_UPPER = regex.compile(r"\p{Lu}")
_LOWER = regex.compile(r"\p{Ll}")
_LETTER = regex.compile(r"\p{L}")
# More than six lower-case letters (within the first 60 characters, as used below): plainly
# not shouting. A match stops at the seventh, where counting them all would not.
_LOWER_START = regex.compile(r"(?:\P{Ll}*\p{Ll}){7}")


def upper_share(text: str) -> float:
    """Share of capitals among cased letters; 0 for text mostly in an uncased script (Korean,
    Chinese), where a few Latin acronyms would otherwise count as shouting. Measured on the
    first SAMPLE_CHARS characters, which bounds the work on a huge line."""
    text = text[:SAMPLE_CHARS]
    upper, lower = len(_UPPER.findall(text)), len(_LOWER.findall(text))
    cased = upper + lower
    if not cased or cased * 2 < len(_LETTER.findall(text)):
        return 0.0
    return upper / cased


def _shouting(doc: Document) -> dict[int, Removal]:
    out: dict[int, Removal] = {}
    for i in doc.kept_indices():
        text = doc.lines[i].stripped
        if len(text) < MIN_WORDS * 2 or text.count(" ") + 1 < MIN_WORDS or _LOWER_START.match(text, 0, 60):
            continue  # short, or plainly lower-case from the start (the cheap tests first)
        share = upper_share(text)
        if share >= MIN_UPPER_SHARE:
            out[i] = SHOUTING.removal(f"{len(text.split())} words, {share:.0%} of letters in capitals (a transcript or promo block)")
    return out


SHOUTING = Heuristic(id="heuristic/all-caps", family="other", summary=__doc__ or "", run=_shouting, settles=True)
