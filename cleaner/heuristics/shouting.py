"""All-capitals blocks: broadcast transcripts and promo text pasted above or below a story.

TV station pages put the on-air script, in capitals, next to the web story; the policy drops
it. News prose is never set in capitals for a whole long line (a shouted quote or a
"DEAR ABBY:" opening is a few words), so a long line that is almost all capitals is not body.
"""
from __future__ import annotations


from cleaner import native
from cleaner.document import Document, Removal
from cleaner.heuristics.base import Heuristic
from cleaner.heuristics.capitals import letter_counts
from cleaner.heuristics.spec import thresholds

# The thresholds, each with where its number came from: heuristics.toml [all-caps]. The cheap
# tests' ones (MIN_WORDS, MAX_LOWER, LOWER_WINDOW) are read by heuristics/capitals.py.
_T = thresholds("all-caps")
MIN_WORDS = _T["MIN_WORDS"]
MIN_UPPER_SHARE = _T["MIN_UPPER_SHARE"]
MAX_LOWER = _T["MAX_LOWER"]
LOWER_WINDOW = _T["LOWER_WINDOW"]


def share(upper: int, lower: int, letters: int) -> float:
    """Share of capitals among cased letters; 0 for text mostly in an uncased script (Korean,
    Chinese), where a few Latin acronyms would otherwise count as shouting."""
    cased = upper + lower
    if not cased or cased * 2 < letters:
        return 0.0
    return upper / cased


def _shouting(doc: Document) -> dict[int, Removal]:
    out: dict[int, Removal] = {}
    profile = doc.profile
    if profile is not None and len(profile.texts) == len(doc.lines):
        texts = profile.texts  # the input's lines, whose stripped texts the profile holds
    else:  # a later pass: fewer lines than the input (in practice settled before it)
        texts = doc.lines.stripped
    for i, upper, lower, letters in letter_counts(texts, native.class_table()):
        capitals = share(upper, lower, letters)
        if capitals >= MIN_UPPER_SHARE and i not in doc.removed:
            out[i] = SHOUTING.removal(f"{len(texts[i].split())} words, {capitals:.0%} of letters in capitals (a transcript or promo block)")
    return out


SHOUTING = Heuristic(id="heuristic/all-caps", family="other", summary=__doc__ or "", run=_shouting, settles=True)
