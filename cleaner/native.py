"""The optional compiled data helpers (cleaner/_native.c), and the Python they stand for.

The extension computes data, never decisions: each line's Features (here, and prose.py) and
the fold keys of second copies (heuristics/duplicates.py). Each is the twin of a Python
definition that stays the fallback and the reference the tests hold it to. Every decision
over those data, splitting a text into lines and the scanner's bytes are Python compiled by
Cython from its own source where built (setup.py's COMPILED). Measuring and folding run with
the native paths on (`enable()`, which a Cleaner calls unless `accelerate=False`).

`measure_lines(texts)` returns `prose.features` of each line. With the compiled module
built (it is, by `pip install`, wherever a C compiler is found) it measures a whole document
in one call; without it, or before `enable()`, each line goes through prose.py. Both give
the same Features: the compiled code takes its character classes from a table built here by
running prose.py's own `regex` classes over every code point, so the two cannot drift apart
when Unicode or the `regex` module changes.
"""
from __future__ import annotations

import hashlib
import unicodedata
import zlib
from functools import lru_cache
from typing import Sequence, TypeVar

import regex

from cleaner import prose
from cleaner.prose import Features
from cleaner import cache

try:
    from cleaner import _native
except ImportError:  # built without a compiler: the Python path, same results
    _native = None

# The flags of the class table, as _native.c reads them, and the `regex` class behind each:
# the classes prose.py's and heuristics/shouting.py's patterns use.
CLASS_FLAGS = (
    (1, r"\w"),
    (2, r"\p{Lu}"),
    (4, r"\s"),
    (8, r"[\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}]"),
    (16, r"\p{Ll}"),
    (32, r"\p{L}"),
)
CODE_POINTS = 0x110000


def compiled() -> bool:
    """Is the compiled module installed?"""
    return _native is not None


def _table_name() -> str:
    key = hashlib.sha256(repr((getattr(regex, "__version__", "?"), unicodedata.unidata_version,
                               CLASS_FLAGS)).encode()).hexdigest()[:32]
    return f"classes-{key}.bin"


def cached() -> bool:
    """Is the class table in the cache (so enabling costs nothing to speak of)?"""
    return cache.has(_table_name())


@lru_cache(maxsize=1)
def class_table() -> bytes:
    """One byte per code point: the CLASS_FLAGS bits of the classes it belongs to, found by
    the `regex` module itself (about 0.15 s; then kept in the cache (cleaner/cache.py),
    keyed by the `regex` and Unicode versions: about 2 ms to load)."""
    stored = cache.read(_table_name())
    if stored is not None:
        try:
            table = zlib.decompress(stored)
            if len(table) == CODE_POINTS:
                return table
        except zlib.error:
            pass  # broken: built afresh
    table = _build_table()
    cache.write(_table_name(), zlib.compress(table, 9))
    return table


def _build_table() -> bytes:
    every = "".join(map(chr, range(CODE_POINTS)))
    combined = 0
    for bit, cls in CLASS_FLAGS:
        member = bytearray(CODE_POINTS)
        one = bytes([bit])
        for m in regex.finditer(f"(?:{cls})+", every):
            a, b = m.span()
            member[a:b] = one * (b - a)
        combined |= int.from_bytes(member, "little")
    return combined.to_bytes(CODE_POINTS, "little")


_enabled = False


def enable() -> bool:
    """Switch the compiled path on (builds the class table); False when not installed."""
    global _enabled
    if _native is None:
        return False
    if not _enabled:
        _native.configure(class_table(), prose.stopwords(), Features, prose.SAMPLE_CHARS)
        _enabled = True
    return True


def enabled() -> bool:
    return _enabled


# Short lines are remembered across documents: they are mostly chrome (menus, labels,
# widgets), which repeats from page to page of a site, while body paragraphs rarely do. The
# bounds keep the memory small (at most 2**16 lines of at most 200 characters, a few MB).
REMEMBER_MAX_CHARS = 200
REMEMBER_LINES = 1 << 16
_remembered: dict[str, Features] = {}
T = TypeVar("T")


def measure_lines(texts: Sequence[str]) -> list[Features]:
    """`prose.features(t)` for each (stripped) line text, in one native call when enabled."""
    if not _enabled:
        return [prose.features(t) for t in texts]
    return _native.measure(texts, _remembered, REMEMBER_MAX_CHARS, REMEMBER_LINES)  # type: ignore[union-attr]


def remember(memo: dict[str, T], text: str, value: T) -> None:
    """Keep `value` for a short line in a cross-document memo, within the bounds above."""
    if len(text) <= REMEMBER_MAX_CHARS:
        if len(memo) >= REMEMBER_LINES:
            memo.clear()
        memo[text] = value
