"""Credit lines at the tail that no pattern names: a closing bracketed line of names.

Wire and agency credits take many shapes ("(Reporting by ...; Editing by ...)", "(With AFP)",
"[Compiled by the desk]"); the general pack names the common ones. What they share is their
place (the last lines), their brackets, and their lack of prose. A bracketed closing line
that talks about the article itself ("This story has been updated ...") is a correction note
and stays.
"""
from __future__ import annotations

import regex

from cleaner.document import Document, Removal
from cleaner.heuristics.base import Heuristic
from cleaner.heuristics.spec import thresholds

# The thresholds, each with where its number came from: heuristics.toml [credit-tail].
_T = thresholds("credit-tail")
TAIL_LINES = _T["TAIL_LINES"]
MAX_CHARS = _T["MAX_CHARS"]
MIN_CAPITALISED = _T["MIN_CAPITALISED"]

_BRACKETED = regex.compile(r"^[(\[].*[)\]]\.?$")
_CREDIT_WORD = regex.compile(r"\b(?:by|with|from|via|reporting|writing|editing|contributed|compiled|agencies|wires?)\b", regex.I)
_NOTE_WORD = regex.compile(r"\b(?:story|article|report|post|updated?|corrected|correction|clarif\w*|amended|version)\b", regex.I)


def _credit_tail(doc: Document) -> dict[int, Removal]:
    kept = doc.kept_text_indices()
    out: dict[int, Removal] = {}
    for i in kept[-TAIL_LINES:]:
        text = doc.lines.stripped[i]
        if len(text) > MAX_CHARS or not _BRACKETED.match(text) or _NOTE_WORD.search(text):
            continue
        if not _CREDIT_WORD.search(text):
            continue
        f = doc.features(i)
        if f.capitalised_ratio < MIN_CAPITALISED:
            continue
        out[i] = CREDIT_TAIL.removal(
            f"bracketed closing line with a credit word and {f.capitalised_ratio:.0%} capitalised words (names)")
    return out


CREDIT_TAIL = Heuristic(
    id="heuristic/credit-tail",
    family="credit",
    summary=__doc__ or "",
    run=_credit_tail,
)
