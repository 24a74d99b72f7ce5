"""Line features shared by rules and heuristics: how much a line reads like body prose.

jusText judges paragraphs by length, stopword density and link density; a scraped text file
has no links left, so a line is judged by its length, word count, stopword density, sentence
punctuation and headline shape. The stopword lists are data (`cleaner/data/stopwords-*.txt`).
"""
from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import regex

_WORD = regex.compile(r"\w+(?:['’]\w+)*")
# A line that ends like a sentence: terminal punctuation, possibly inside quotes/brackets.
_SENTENCE_END = regex.compile(r"[.!?…:;][\"'”’»)\]]*$")
_SENTENCE_INNER = regex.compile(r"\w[.!?][\"'”’)]*\s+[\"'“‘(]?\p{Lu}")
_CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """All stopwords of the shipped languages, lower-cased (one list per language file)."""
    words: set[str] = set()
    for entry in resources.files("cleaner.data").iterdir():
        if entry.name.startswith("stopwords-") and entry.name.endswith(".txt"):
            for raw in entry.read_text(encoding="utf-8").splitlines():
                word = raw.strip().lower()
                if word and not word.startswith("#"):
                    words.add(word)
    return frozenset(words)


class Features(NamedTuple):
    """What the heuristics look at in one line; all cheap to compute. (A named tuple: one
    is built per line, and cleaner/_native.c builds them too.)"""

    chars: int
    words: int
    stopword_ratio: float
    capitalised_ratio: float
    sentence_end: bool
    sentences: int
    cjk: bool


# Word statistics of a line are taken from at most this many characters: enough to tell
# prose from chrome, and it bounds time and memory on a single-line file of hundreds of MB.
SAMPLE_CHARS = 20_000


# Lines up to this length are cached (several heuristics measure the same lines, and chrome
# repeats across documents); longer ones are measured afresh so the cache stays small.
CACHE_MAX_CHARS = 2_000


def features(text: str) -> Features:
    """Measure one (stripped) line; `chars` is the whole length, the rest from a sample."""
    return _cached_features(text) if len(text) <= CACHE_MAX_CHARS else _measure(text)


@lru_cache(maxsize=1 << 16)
def _cached_features(text: str) -> Features:
    return _measure(text)


def _measure(text: str) -> Features:
    full_len = len(text)
    tail = text[-8:]
    if full_len > SAMPLE_CHARS:
        text = text[:SAMPLE_CHARS]
    tokens = _WORD.findall(text)
    n = len(tokens)
    stop = stopwords()
    n_stop = sum(1 for t in tokens if t.lower() in stop)
    n_cap = sum(1 for t in tokens if t[:1].isupper())
    return Features(
        chars=full_len,
        words=n,
        stopword_ratio=n_stop / n if n else 0.0,
        capitalised_ratio=n_cap / n if n else 0.0,
        sentence_end=bool(_SENTENCE_END.search(tail)),
        sentences=1 + len(_SENTENCE_INNER.findall(text)),
        cjk=bool(_CJK.search(text)),
    )



class Profile:
    """The Features of every line of one document, by original line index (0-based), measured
    once (cleaner/native.py) and shared by every pass of the fixpoint; `derived` holds what a
    heuristic computes from them once per document (e.g. layout's line classes)."""

    __slots__ = ("texts", "features", "derived")

    def __init__(self, texts: list[str], features: list[Features]):
        self.texts = texts  # the stripped lines the features were measured on
        self.features = features
        self.derived: dict[str, list] = {}
