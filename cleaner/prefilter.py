"""One match per line for many start-anchored patterns.

Most rules are anchored at the start of the line (`^Advertisement$`, `^(?:Share|Tweet)...`).
Trying each on each line costs a call per rule; joined into one `^(?:a|b|...)` the regex
engine tries all of them at position 0 in a single call, and a line that matches none of
them (most body lines) is done. The joined pattern is a prefilter: it only says which lines
some anchored pattern might claim; the rules themselves then decide on those lines.
"""
from __future__ import annotations

from typing import Any, Iterable, Iterator, Sequence

import regex

# regex's search and match take (string, pos, endpos, concurrent, partial, timeout): these
# are what goes before the time limit. Passed by position, the limit costs a search about
# 0.7 us less than by name (a third of a typical rule search); a test checks the place.
# `concurrent=False` keeps the GIL through the search: by default regex releases and takes it
# back around every search of a str, about 0.1-0.2 us, more than many of these line searches
# take (each is micro-seconds, and bounded by the limit).
TIMEOUT_AT = (None, None, False, False)

_BACKREF = regex.compile(r"(?<!\\)\\[1-9]|\(\?P=|\\g<|(?<!\\)\(\?\(")


def structure(source: str, start: int = 0) -> Iterator[tuple[int, str]]:
    """The characters of a pattern outside escapes and character classes (the ones that can
    be `(`, `)` or `|`), with their index, from `start` on."""
    i, in_class = start, False
    while i < len(source):
        c = source[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
            if source.startswith("^", i + 1):
                i += 1
            if source.startswith("]", i + 1):
                i += 1  # a leading `]` is a member, not the end
        else:
            yield i, c
        i += 1


def top_level_alternatives(source: str) -> list[str]:
    """Split a pattern on its top-level `|` (not inside groups or character classes)."""
    parts, depth, start = [], 0, 0
    for i, c in structure(source):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            parts.append(source[start:i])
            start = i + 1
    parts.append(source[start:])
    return parts


def anchored_body(source: str, *, implicit: bool = False) -> str | None:
    """The pattern without its leading `^`s when every alternative starts with one (or when
    the pattern is matched at the start anyway, `implicit`); None otherwise."""
    if _BACKREF.search(source):
        return None
    if implicit:
        return source
    alts = top_level_alternatives(source)
    if not all(a.startswith("^") for a in alts):
        return None
    return "|".join(a[1:] for a in alts)


class AnchoredSet:
    """Start-anchored patterns joined into one; `candidates` lists the lines any may match.

    Compiled on first use: with the native scanner on, a pack's set is only needed for lines
    the scanner could not see, and compiling the general pack's (over 6,000 characters) took
    about a third of building a Cleaner, a start-up cost every run paid."""

    def __init__(self, bodies: Sequence[tuple[str, bool]]):
        parts = [f"(?i:{b})" if icase else f"(?:{b})" for b, icase in bodies]
        self.source = "(?:" + "|".join(parts) + ")" if parts else None
        self._compiled: Any = None

    @property
    def compiled(self) -> Any:
        """The joined pattern, or None when there is none (no patterns, or they do not join)."""
        if self._compiled is None and self.source is not None:
            try:
                self._compiled = regex.compile(self.source, regex.V0)
            except regex.error:
                self.source = None
        return self._compiled

    def candidates(self, texts: Iterable[tuple[int, str]], timeout: float | None = None) -> set[int] | None:
        """Indices whose text some pattern may match at the start (None: no prefilter, or it
        ran out of time on some line, so every line is a candidate)."""
        compiled = self.compiled
        if compiled is None:
            return None
        match = compiled.match
        try:
            return {i for i, t in texts if match(t, *TIMEOUT_AT, timeout)}
        except TimeoutError:
            return None
