"""One native pass per document to find the lines each rule's trigger might match.

Trying every rule on every line costs a regex call per rule per line, and most lines are
body text that no rule claims. Hyperscan compiles all trigger patterns (line patterns,
label patterns, section starts, site fingerprints) into one automaton and reports, in a
single scan of the whole document, where any of them may match. The scan is a prefilter:
it says which (trigger, line) pairs are worth trying, and the rule's own `regex` pattern
still decides on those lines, so decisions are exactly those of trying every line.

For that to hold, a pattern's prefilter must match every line the real pattern matches:

- patterns are compiled in Hyperscan's prefilter mode, which approximates what it cannot do
  exactly (look-arounds, back-references) by something that matches more;
- bounded repeats `{m,n}` are loosened to `{m,}` (more matches; compiles far faster);
- the scan runs in byte mode, whose classes (`\\w`, `\\s`, case folding) agree with the
  `regex` package only on printable ASCII, so only printable ASCII lines are scanned: every
  other line is a candidate for every trigger, decided by `regex` as before. A non-ASCII
  character in a pattern can never match such a line, so it becomes a byte no ASCII line
  holds (`\\x80`); and since `regex` lets `(?i)\\p{Lu}` match lower case too while Hyperscan
  does not, case-insensitive patterns have `\\p{Lu}`/`\\p{Ll}`/`\\p{Lt}` widened to `\\p{L}`;
- a prefilter that matches the empty line could match anywhere, so it is dropped: its rule
  tries every line, as without the scanner.

`tests/test_scanner.py` checks the superset property on every rule example, the seeds and
the dev inputs, and that decisions are identical with and without the scanner.

Hyperscan is optional: when it is missing (or a platform has no wheel), the scanner is off
and every rule tries every line, as before.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Sequence

import regex

try:  # optional: a compiled dependency with wheels for the common platforms
    import hyperscan as _hs
except ImportError:  # pragma: no cover - exercised on platforms without a wheel
    _hs = None

# `{m,n}` not preceded by an escaping backslash.
_BOUNDED = regex.compile(r"(?<!\\)((?:\\\\)*)\{(\d+),(\d+)\}")
# Assertions about the whole string rather than the line; the joined document gives them a
# different meaning, so patterns that use them are never prefiltered.
_STRING_ANCHORS = regex.compile(r"(?<!\\)(?:\\\\)*\\[AZzG]")
# A non-ASCII character, escaped or not.
_NON_ASCII = regex.compile(r"(?<!\\)((?:\\\\)*)\\?([^\x00-\x7f])")
# Case-specific letter classes, which `regex` widens under IGNORECASE.
_CASED_CLASS = regex.compile(r"(?<!\\)((?:\\\\)*)\\p\{(?:Lu|Ll|Lt)\}")
# What widening cannot keep sound: negated property classes, and property classes inside a
# negated character class.
_NEGATED_PROPERTY = regex.compile(r"\\P\{|\[\^(?:[^\]\\]|\\.)*\\p\{")


def available() -> bool:
    """Is the native scanner installed?"""
    return _hs is not None


def loosen(source: str) -> str:
    """The pattern with every bounded repeat `{m,n}` opened to `{m,}`: it matches more."""
    return _BOUNDED.sub(lambda m: f"{m.group(1)}{{{m.group(2)},}}", source)


def _group_end(source: str, i: int) -> int:
    """Index just past the group that opens at `source[i]` (a `(`), or -1."""
    depth, in_class = 0, False
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if source[i + 1:i + 2] == "^":
                i += 1
            if source[i + 1:i + 2] == "]":
                i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def lookahead_only(source: str) -> str | None:
    """For a pattern made only of look-aheads at the line start, `^(?=A)(?=B)`, the
    pattern `^(?:B)`: every line the whole matches, it matches. (Hyperscan's own prefilter
    would reduce such a pattern to `^`, which matches every line.) None for other patterns."""
    if not source.startswith("^(?="):
        return None
    i, last = 1, None
    while i < len(source):
        if not source.startswith("(?=", i):
            return None
        end = _group_end(source, i)
        if end < 0:
            return None
        last, i = source[i + 3:end - 1], end
    return None if last is None else f"^(?:{last})"


def ascii_prefilter(source: str, ignore_case: bool) -> str | None:
    """A byte-mode pattern that matches every printable ASCII line `source` matches (and
    maybe more), or None when no such rewrite is known to be sound."""
    if _STRING_ANCHORS.search(source):
        return None
    caseless = ignore_case or "(?i" in source
    if caseless and _NEGATED_PROPERTY.search(source):
        return None
    source = loosen(lookahead_only(source) or source)
    if caseless:
        source = _CASED_CLASS.sub(lambda m: m.group(1) + r"\p{L}", source)
    return _NON_ASCII.sub(lambda m: m.group(1) + r"\x80", source)


@dataclass(frozen=True)
class Trigger:
    """A pattern to prefilter: `anchored` when it is only ever matched at the line start."""

    source: str
    ignore_case: bool
    anchored: bool = False


def scannable(text: str) -> bool:
    """Lines the byte-mode scan judges the same way `regex` does: printable ASCII."""
    return text.isascii() and text.isprintable()


class Scanner:
    """Triggers compiled into one Hyperscan database. `scan` gives, per trigger, the set of
    line indices it may match, or None when that trigger could not be prefiltered."""

    def __init__(self, triggers: Sequence[Trigger]):
        if _hs is None:
            raise RuntimeError("hyperscan is not installed")
        self.size = len(triggers)
        exprs, flags, ids = [], [], []
        for k, trig in enumerate(triggers):
            expr, flag = self._prefilter(trig)
            if expr is not None:
                exprs.append(expr)
                flags.append(flag)
                ids.append(k)
        self.compiled_ids = frozenset(ids)
        self._db: Any = None
        if exprs:
            db = _hs.Database(mode=_hs.HS_MODE_BLOCK)
            db.compile(expressions=exprs, ids=ids, elements=len(exprs), flags=flags)
            self._db = db

    @staticmethod
    def _prefilter(trig: Trigger) -> tuple[bytes | None, int]:
        """The trigger as a Hyperscan expression, or None when it cannot be a sound prefilter."""
        source = ascii_prefilter(trig.source, trig.ignore_case)
        if source is None:
            return None, 0
        if trig.anchored:
            source = f"^(?:{source})"
        flags = _hs.HS_FLAG_MULTILINE | _hs.HS_FLAG_PREFILTER | _hs.HS_FLAG_ALLOWEMPTY
        if trig.ignore_case:
            flags |= _hs.HS_FLAG_CASELESS
        expr = source.encode("ascii")
        try:
            probe = _hs.Database(mode=_hs.HS_MODE_BLOCK)
            probe.compile(expressions=[expr], ids=[0], elements=1, flags=[flags])
        except _hs.error:
            return None, 0
        matched: list[int] = []
        probe.scan(b"", match_event_handler=lambda *a: matched.append(1))
        if matched:
            return None, 0  # matches the empty line, so it could match any line
        return expr, flags

    def scan(self, texts: Sequence[str]) -> "Hits":
        """Where each trigger may match in these (stripped) line texts."""
        found: list[set[int] | None] = [set() if k in self.compiled_ids else None for k in range(self.size)]
        safe = [t if scannable(t) else "" for t in texts]
        others = frozenset(i for i, t in enumerate(texts) if t and not safe[i])
        if self._db is not None:
            starts = list(accumulate(safe, lambda at, t: at + len(t) + 1, initial=0))

            def on_match(k: int, start: int, end: int, flags: int, context: Any) -> None:
                found[k].add(bisect_right(starts, end) - 1)  # type: ignore[union-attr]

            self._db.scan("\n".join(safe).encode("ascii"), match_event_handler=on_match)
        return Hits(found, others)


@dataclass(frozen=True)
class Hits:
    """A scan's result, by line index: the scanned lines each trigger may match (None: the
    trigger was not prefiltered, so every line), and the lines that were not scanned."""

    found: Sequence[set[int] | None]
    unscanned: frozenset[int]

    def renumbered(self, index_of: dict[int, int]) -> "Hits":
        """The same hits for a document whose line `old` is now line `index_of[old]`."""
        return Hits([None if s is None else {index_of[i] for i in s if i in index_of} for s in self.found],
                    frozenset(index_of[i] for i in self.unscanned if i in index_of))
