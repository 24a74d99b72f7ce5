"""One native pass per line to find the lines each rule's trigger might match.

Trying every rule on every line costs a regex call per rule per line, and most lines are
body text that no rule claims. RE2 (google-re2) compiles all trigger patterns (line
patterns, label patterns, section starts, site fingerprints) into one set, and matching a
line against the set says, in one pass over the line, which of them may match it. The scan
is a prefilter: it says which (trigger, line) pairs are worth trying, and the rule's own
`regex` pattern still decides on those lines, so decisions are exactly those of trying every
line.

Why RE2 and not Hyperscan, which this module used before: every hyperscan wheel was unsafe in
some process. Up to 0.7.21 the wheels link libstdc++ statically and export its 107
STB_GNU_UNIQUE symbols (locale facet ids, the COW strings' empty representation), which the
dynamic linker binds process-wide even for a module loaded RTLD_LOCAL: a later library with
its own libstdc++ (pyarrow, so pandas and datasets) then frees memory the other copy owns and
the process aborts (`free(): invalid pointer`). From 0.7.23 the wheels bundle Vectorscan
5.4.12, which loads beside pyarrow but misses matches in multi-pattern databases (the canary
below; VectorCamp/vectorscan#358 is one report of the kind): a prefilter that misses matches
changes decisions. Re-checked with hyperscan 0.9.1 (2026-12-04): the canary fails in block,
stream and vectored mode alike, with or without SINGLEMATCH, PREFILTER, ALLOWEMPTY or DOTALL,
once the matching line starts 19 bytes or more into the data (the canary's two patterns
share an optional `^(?:advertisement\\s+)?` opening; without it, nothing is missed). UTF8
(unsound here: the scanned bytes are not UTF-8) and SOM_LEFTMOST avoid it; with SOM_LEFTMOST
the candidate lines equal RE2's on the 277 bench documents, but the scan is no faster (19 ms
against RE2's 19; plain 0.9.1 took 8 ms and missed 7 lines). The target platform cannot be
chosen from Python (the wheel exports no `hs_*` symbols), so the engine's CPU-specific paths
cannot be switched off. A hyperscan database also shares one scratch, so threads raised
ScratchInUseError, and could not be pickled. An RE2 set is matched from any thread, links
the system's C++ runtime, and is rebuilt in milliseconds, so nothing compiled needs to be
pickled or cached.

For the prefilter to be sound, a pattern's prefilter must match every line the real pattern
matches:

- look-arounds are dropped (RE2 has none; a zero-width condition dropped matches more), and
  a pattern that opens with look-aheads at the line start (and has no other alternative) is
  replaced by its last one (see `leading_lookahead`);
- bounded repeats `{m,n}` are loosened to `{m,}` (more matches; a smaller automaton);
- the scan runs on bytes (RE2 in Latin-1 mode: one byte, one character), where every
  non-ASCII character of the text stands as one byte: the caseless punctuation and symbols
  the patterns spell out (`©`, `’`, `—`, ...; see `wide_map`) each as a byte of their own
  from `\\x81` up, every other one as `\\x80`. Each pattern is rewritten so that these bytes
  go wherever a non-ASCII character could: a non-ASCII literal becomes its byte; `\\w`,
  `\\s`, `\\d`, `\\p{..}` and positive classes with any of them take every byte from `\\x80`
  up, other positive classes their members' bytes, and `\\x80` where a character without a
  byte of its own may be a member (one is, or under IGNORECASE one may fold into one);
  negated classes keep `\\x80` by losing their unmapped non-ASCII members; `\\b`/`\\B` are
  dropped (word-ness of `\\x80` is unknown); under IGNORECASE `s` and `k` take `\\x80` too
  (`regex` folds `ſ` to s and the Kelvin sign to k), and `\\p{Lu}`/`\\p{Ll}`/`\\p{Lt}` widen
  to `\\p{L}` (`regex` lets `(?i)\\p{Lu}` match `a`). A mapped character has no case variant,
  so case-folding never takes a character from one byte to another (RE2's Latin-1 folding
  of the bytes from `\\xc0` up only adds matches);
- lines with ASCII control characters (other than tab), whose `\\s`-ness differs, are not
  scanned: they are candidates for every trigger; nor are lines holding a newline;
- what the rewrite does not know (string anchors, `\\m`, `\\X`, back-references, a
  negated class made only of non-ASCII characters), what RE2 does not compile (atomic
  groups, possessive repeats), and any prefilter that matches the empty line, is not
  prefiltered: its rule tries every line, as without the scanner;
- a line the engine gives up on (RE2 reports out of memory as no match) is told apart by a
  sentinel every complete scan reports, and is not scanned (see `_SENTINEL`).

`tests/test_scanner.py` checks the superset property on every rule example, the seeds and
the dev inputs, and that decisions are identical with and without the scanner.

google-re2 is optional: when it is missing (or a platform has no wheel), the scanner is off
and every rule tries every line, as before.
"""
from __future__ import annotations

import string
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import compress, count, repeat
from operator import contains, is_, ne
from typing import Any, Sequence

import regex

from cleaner.prefilter import structure, top_level_alternatives

from cleaner import scanned
from cleaner.lines import INDEX_TYPE

try:  # optional: google-re2, a compiled dependency with wheels for the common platforms
    import re2 as _re2

    _re2.Set, _re2.Options.Encoding.LATIN1  # noqa: B018 - another package's `re2` (pyre2) has neither
except (ImportError, AttributeError):  # pragma: no cover - exercised where no wheel installs
    _re2 = None

# `{m,n}` not preceded by an escaping backslash.
_BOUNDED = regex.compile(r"(?<!\\)((?:\\\\)*)\{(\d+),(\d+)\}")
# ASCII control characters other than tab: `regex` counts some as whitespace, RE2 not.
# As bytes, a document holds one when deleting them (a C loop) shortens it.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0b, 0x20), 0x7f])
_CONTROL = regex.compile("[" + "".join(regex.escape(chr(b)) for b in _CONTROL_BYTES) + "\n]")  # (see _IN_LINE)
# What stands for a non-ASCII character that has no byte of its own, in the scanned bytes and
# in the patterns; and, in a class, what takes any non-ASCII character.
WIDE = "\\x80"
ANY_WIDE = "\\x80-\\xff"
# At most this many characters have a byte of their own (0x81 to 0xbf): the bytes from 0xc0 up
# are Latin-1 letters with a case partner, which RE2 folds into each other under (?i) (in a
# negated class that would take a mapped character out with its "partner").
MAX_MAPPED = 0xBF - 0x80
_MAPPED_CATEGORIES = ("P", "S", "Z")  # punctuation, symbols, separators: no letter case


def mappable(c: str) -> bool:
    """Can this character have a byte of its own? Only caseless punctuation, symbols and
    separators of the basic plane: IGNORECASE never relates them to another character."""
    return (not c.isascii() and ord(c) < 0x10000 and unicodedata.category(c)[0] in _MAPPED_CATEGORIES
            and c.lower() == c and c.upper() == c and c.casefold() == c)


def wide_map(sources: Sequence[str]) -> str:
    """The non-ASCII characters that get a byte of their own for these patterns, in byte
    order: the mappable ones the patterns spell out (as literals or `\\xNN` escapes)."""
    found: set[str] = set()
    for source in sources:
        found.update(c for c in source if mappable(c))
        found.update(c for c in map(chr, (int(h, 16) for h in _HEX_ESCAPE.findall(source))) if mappable(c))
    return "".join(sorted(found)[:MAX_MAPPED])


_HEX_ESCAPE = regex.compile(r"(?<!\\)(?:\\\\)*\\x([0-9a-fA-F]{2})")


def available() -> bool:
    """Is the native scanner installed, and does its engine pass the known-bug canary?"""
    return _re2 is not None and _engine_sound()


# The case that Vectorscan 5.4.12 (the hyperscan wheels from 0.7.23 on) gets wrong: the first
# pattern's match is missed when the second is in the same database (VectorCamp/vectorscan#358
# is one report of the kind). Kept as a check of whatever engine runs the scan: a prefilter
# that misses matches would change decisions, so an engine that fails it is not used.
_CANARY = (
    [rb"^(?:advertisement\s+)?(?:[sx]tory|article) continue",
     rb"^(?:advertisement\s+)?continue reading (?:the main [sx]tory|below)\.?$"],
    b"What happened to Barry and Honey Sherman? What we know so far about the Apotex "
    b"founder's death\n\nStory continues below advertisement\n",
)


@lru_cache(maxsize=1)
def _engine_sound() -> bool:
    exprs, data = _CANARY
    try:
        found = _set_of([b"(?mi)" + e for e in exprs], _options()).Match(data + _SENTINEL)
    except Exception:  # noqa: BLE001 - an engine that cannot even run the canary is not used
        return False
    return found is not None and 0 in found and len(exprs) in found


def loosen(source: str) -> str:
    """The pattern with every bounded repeat `{m,n}` opened to `{m,}`: it matches more."""
    return _BOUNDED.sub(lambda m: f"{m.group(1)}{{{m.group(2)},}}", source)


def _group_end(source: str, i: int) -> int:
    """Index just past the group that opens at `source[i]` (a `(`), or -1."""
    depth = 0
    for j, c in structure(source, i):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return j + 1
    return -1


def leading_lookahead(source: str) -> str | None:
    """For a pattern that opens with look-aheads at the line start, `^(?=A)(?=B)REST` (REST
    may be empty) and has no top-level alternative, the pattern `^(?:B)`: every line the
    whole matches, it matches. A rule names what its lines must hold this way, and that is
    what the scanner looks for: a pattern made only of look-aheads would reduce to `^`
    (every line) once its look-aheads are dropped, and one that opens with a run of broad
    classes costs the scan a walk from every line start. None for other patterns."""
    if not source.startswith("^(?="):
        return None
    i, last = 1, None
    while source.startswith("(?=", i):
        end = _group_end(source, i)
        if end < 0:
            return None
        last, i = source[i + 3:end - 1], end
    if last is None or len(top_level_alternatives(source)) > 1:
        return None  # another alternative need not hold the look-ahead
    return f"^(?:{last})"


def _class_literal(c: str) -> str:
    """An ASCII character as a class member, escaped where its place could give it a meaning."""
    return f"\\{c}" if c in "^-]\\[" else c


class _Unsound(Exception):
    """The pattern uses something the byte-mode rewrite cannot keep sound."""


# Escapes that stand for a class of characters; in byte mode each may also be any
# non-ASCII character.
_CLASS_ESCAPES = "wWsSdD"
# The ASCII a class escape stands for, in bytes, where it holds \n (\s, \W, \D), less the \n:
# the scanned lines are joined by it and hold none, so no match within a line uses one, and
# leaving it out keeps a match from running on into the next lines (a separator rule's
# `(?:-\s?){3,}` found on every blank line after a run of dashes).
_IN_LINE = {"s": "\\x09\\x0b\\x0c\\x0d\\x20", "W": "\\x00-\\x09\\x0b-\\x2f\\x3a-\\x40\\x5b-\\x5e\\x60\\x7b-\\x7f",
            "D": "\\x00-\\x09\\x0b-\\x2f\\x3a-\\x7f"}
# Escapes with no sound byte-mode meaning here: string anchors, word start/end, grapheme,
# line break, code points, named characters.
_UNKNOWN_ESCAPES = set("AZzGmMXRuUNKg") | set("123456789")
_CASED_PROPERTIES = {"Lu", "Ll", "Lt"}


@lru_cache(maxsize=256)
def _ascii_members(escape: str, caseless: bool) -> str:
    """The ASCII characters (newline aside: no scanned line holds one) that a property
    escape of `regex` matches, as class members."""
    compiled = regex.compile(escape, regex.V0 | (regex.IGNORECASE if caseless else 0))
    codes = [b for b in range(0x80) if b != 0x0A and compiled.match(chr(b))]
    runs: list[str] = []
    k = 0
    while k < len(codes):
        j = k
        while j + 1 < len(codes) and codes[j + 1] == codes[j] + 1:
            j += 1
        runs.append(f"\\x{codes[k]:02x}" if j == k else f"\\x{codes[k]:02x}-\\x{codes[j]:02x}")
        k = j + 1
    return "".join(runs)


def byte_prefilter(source: str, ignore_case: bool, mapped: str = "") -> str | None:
    """A byte-mode pattern that matches every line `source` matches, once the line's
    non-ASCII characters are bytes (the k-th character of `mapped` as 0x81 + k, any other
    as 0x80), and maybe more; None when no such rewrite is known to be sound."""
    caseless = ignore_case or "(?i" in source
    source = loosen(leading_lookahead(source) or source)
    try:
        return _Rewrite(source, caseless, mapped).run()
    except _Unsound:
        return None


class _Rewrite:
    """One left-to-right walk over a pattern; see `byte_prefilter`."""

    def __init__(self, source: str, caseless: bool, mapped: str = ""):
        self.s, self.caseless, self.i, self.out = source, caseless, 0, []
        self.byte = {c: 0x81 + k for k, c in enumerate(mapped)}
        self.properties = 0  # how many `\\p{..}` have been read

    def _wide(self, c: str) -> str:
        """The byte a non-ASCII character stands as, as a pattern."""
        return f"\\x{self.byte.get(c, 0x80):02x}"

    def run(self) -> str:
        s = self.s
        while self.i < len(s):
            c = s[self.i]
            if c == "\\":
                kind, text, char = self._escape(in_class=False)
                self.out.append(self._wide(char) if kind == "wide" else text)
            elif c == "[":
                self.out.append(self._class())
            elif c == "(" and s.startswith("(?", self.i):
                self.out.append(self._group_opening())
            elif not c.isascii():
                self.out.append(self._wide(c))
                self.i += 1
            elif self.caseless and c in "sSkK":
                self.out.append(f"[{c}{WIDE}]")
                self.i += 1
            else:
                self.out.append(c)
                self.i += 1
        return "".join(self.out)

    def _property(self) -> str:
        """`\\p{..}` / `\\pL` at self.i, as its ASCII members (widened under IGNORECASE) in a
        class's terms: the bytes from `\\x80` up are the caller's to add (RE2's Latin-1 mode
        would give a property its Latin-1 letters, which here stand for other characters)."""
        s, i = self.s, self.i
        self.properties += 1
        if s.startswith("{", i + 2):
            end = s.find("}", i)
            if end < 0:
                raise _Unsound
            name, self.i = s[i + 3:end], end + 1
        else:
            name, self.i = s[i + 2:i + 3], i + 3
        if s[i + 1] == "P" or name.startswith("^"):
            if self.caseless:
                raise _Unsound
        elif self.caseless and name in _CASED_PROPERTIES:
            name = "L"
        try:
            return _ascii_members(f"\\{s[i + 1]}{{{name}}}", self.caseless)
        except regex.error:
            raise _Unsound from None

    def _escape(self, *, in_class: bool) -> tuple[str, str, str]:
        """The escape at self.i, as (kind, pattern text, character): kind "class" for a class
        of characters (`\\w`, `\\p{..}`: the text is its byte-mode class), "wide" for a
        non-ASCII character (the character), "char" for an ASCII one (text and character),
        "" for what matches no character (`\\b`, dropped)."""
        s, i = self.s, self.i
        nxt = s[i + 1:i + 2]
        if not nxt:
            raise _Unsound
        if nxt in "pP":
            prop = self._property()
            return "class", prop if in_class else f"[{prop}{ANY_WIDE}]", ""
        if nxt in _CLASS_ESCAPES:
            self.i += 2
            members = _IN_LINE.get(nxt, f"\\{nxt}")
            return "class", members if in_class else f"[{members}{ANY_WIDE}]", ""
        if nxt in "bB" and not in_class:
            self.i += 2
            return "", "", ""
        if nxt in _UNKNOWN_ESCAPES:
            raise _Unsound
        if nxt == "x":
            if s.startswith("{", i + 2):
                raise _Unsound
            digits = s[i + 2:i + 4]
            if len(digits) != 2 or any(d not in string.hexdigits for d in digits):
                raise _Unsound
            self.i += 4
            char = chr(int(digits, 16))
            return ("char", s[i:i + 4], char) if char.isascii() else ("wide", "", char)
        self.i += 2
        if not nxt.isascii():
            return "wide", "", nxt
        if self.caseless and nxt in "sSkK":  # an escaped letter is that letter
            return "char", nxt if in_class else f"[{nxt}{WIDE}]", nxt
        return "char", s[i:i + 2], nxt

    def _class(self) -> str:
        """A character class. A positive one takes its non-ASCII members' bytes, and `\\x80`
        when an unmapped character may be a member (one is, or one may fold into one), or
        every byte from `\\x80` up when it holds a class escape or a range into non-ASCII; a
        negated one keeps `\\x80` by losing its unmapped non-ASCII members."""
        s = self.s
        self.i += 1
        properties_before = self.properties
        negated = s.startswith("^", self.i)
        if negated:
            self.i += 1
        members: list[tuple[str, str, str]] = []  # as _escape gives them; "dash" for a bare `-`
        first = True
        while True:
            if self.i >= len(s):
                raise _Unsound
            c = s[self.i]
            if c == "]" and not first:
                self.i += 1
                break
            if c == "\\":
                members.append(self._escape(in_class=True))
            elif c == "[":
                members.append(("char", "\\[", "["))  # a literal inside a class (version 0 syntax)
                self.i += 1
            elif c == "-" and not first:
                members.append(("dash", "-", "-"))
                self.i += 1
            elif not c.isascii():
                members.append(("wide", "", c))
                self.i += 1
            else:
                members.append(("char", _class_literal(c), c))
                self.i += 1
            first = False
        ascii_parts: list[str] = []
        wide_bytes: set[str] = set()
        any_wide = False
        k = 0
        while k < len(members):
            kind, text, char = members[k]
            if (kind in ("char", "wide") and k + 2 < len(members) and members[k + 1][0] == "dash"
                    and members[k + 2][0] in ("char", "wide")):
                _, high_text, high = members[k + 2]
                if high.isascii():
                    ascii_parts.append(f"{text}-{high_text}")
                elif negated:
                    raise _Unsound  # a range with a non-ASCII end
                else:
                    if char.isascii():
                        ascii_parts.append(f"{text}-\\x7f")
                    any_wide = True
                k += 3
                continue
            if kind == "class":
                ascii_parts.append(text)
                any_wide = True
            elif kind == "wide":
                wide_bytes.add(self._wide(char))
            elif kind == "dash":
                ascii_parts.append("\\-")
            elif kind == "char":
                ascii_parts.append(text)
            k += 1
        if negated:
            if self.caseless and self.properties > properties_before:
                raise _Unsound  # widening a member would narrow the negation
            kept = ascii_parts + sorted(wide_bytes - {WIDE})  # an unmapped member may be any \x80
            if not kept:
                raise _Unsound
            return "[^" + "".join(kept) + "\\n]"  # (no line holds a \n: see _IN_LINE)
        if any_wide:
            return "[" + "".join(ascii_parts) + ANY_WIDE + "]"
        # \x80 for an unmapped member, or, under IGNORECASE, a character folding into one
        # (`ſ` into s); without either, no character with no byte of its own is a member
        unmapped = WIDE if self.caseless or WIDE in wide_bytes else ""
        return "[" + "".join(ascii_parts) + "".join(sorted(wide_bytes - {WIDE})) + unmapped + "]"

    def _group_opening(self) -> str:
        """`(?:`, `(?i)`, `(?=`, `(?P<name>` ...: copied as they are."""
        s, i = self.s, self.i
        if s.startswith("(?P<", i) or (s.startswith("(?<", i) and s[i + 3:i + 4] not in "=!"):
            end = s.find(">", i)
            if end < 0:
                raise _Unsound
            self.i = end + 1
            return s[i:end + 1]
        if s.startswith(("(?(", "(?P=", "(?P>", "(?&", "(?R", "(?|"), i):
            raise _Unsound
        j = i + 2
        while j < len(s) and s[j] not in ":)=!<>":
            j += 1
        if s.startswith(("<=", "<!"), j):
            j += 1
        self.i = j + 1
        return s[i:j + 1]


@dataclass(frozen=True)
class Trigger:
    """A pattern to prefilter: `anchored` when it is only ever matched at the line start."""

    source: str
    ignore_case: bool
    anchored: bool = False


def scannable(text: str) -> bool:
    """Lines the byte-mode scan can stand for: no ASCII control characters but tab, and no
    newline (which a line split from a document never holds)."""
    return _CONTROL.search(text) is None


# RE2 compiles the built-in packs' set in milliseconds, so the scanner keeps nothing on disk
# (the one disk cache, cleaner/cache.py, holds the class table and the validated packs).


# What each line is scanned with, after it: a newline, which no scanned line holds, matched
# by one more pattern of the set, so that a scan that reports it ran to the end of the line.
# (RE2 answers "no match" also when its automaton ran out of memory; without the sentinel in
# the answer, the line counts as not scanned.) The patterns are compiled multi-line, so `$`
# matches before it as at the end of the line; nothing can match after it but the empty
# string, and no compiled pattern matches that.
_SENTINEL = b"\n"


def _options() -> Any:
    """RE2's options for the scanned bytes: Latin-1 (one byte, one character), no capture
    groups (only whether a pattern matches is asked), errors not logged to stderr."""
    options = _re2.Options()
    options.encoding = _re2.Options.Encoding.LATIN1
    options.never_capture = True
    options.log_errors = False
    return options


_LOOKAROUND = regex.compile(r"\(\?<?[=!]")


def without_lookarounds(source: str) -> str:
    """The pattern with every look-ahead and look-behind group taken out (RE2 has none): a
    zero-width condition dropped, it matches more, never less."""
    out, at = [], 0
    for i, c in structure(source):
        if i < at or c != "(" or not _LOOKAROUND.match(source, i):
            continue
        end = _group_end(source, i)
        if end < 0:
            raise _Unsound
        out.append(source[at:i])
        at = end
    out.append(source[at:])
    return "".join(out)


class Scanner:
    """Triggers compiled into one RE2 set. `scan` gives, per trigger, the set of line indices
    it may match, or None when that trigger could not be prefiltered.

    RE2's sets may be matched from many threads at once, and the only state a scan changes is
    the memo of lines already matched (`_memo`: a dict, each of whose gets, updates and clearings is one atomic step),
    so one Scanner is shared by every thread that cleans with the same Cleaner."""

    def __init__(self, triggers: Sequence[Trigger]):
        if not available():
            raise RuntimeError("google-re2 is not installed, or its engine fails the canary")
        self.size = len(triggers)
        self.mapped = wide_map([t.source for t in triggers])
        options = _options()
        exprs, ids = [], []
        for k, trig in enumerate(triggers):
            expr = self._prefilter(trig, self.mapped, options)
            if expr is not None:
                exprs.append(expr)
                ids.append(k)
        self._set: Any = None
        self._ids = ids
        try:
            if exprs:
                self._set = _set_of(exprs, options)
        except _re2.error:  # too large a set for RE2's limits: no trigger is prefiltered
            self._set, ids = None, []
        self._sentinel = len(ids)
        self.compiled_ids = frozenset(ids)
        # The set's own Match, without google-re2's Python wrapper around it where it has one
        # (a fifth of the scan's time: one call per line); it answers a list, empty for none.
        self._match = getattr(getattr(self._set, "_set", None), "Match", None)
        if self._match is None and self._set is not None:  # the wrapper answers None for none
            wrapped = self._set.Match
            self._match = lambda data: wrapped(data) or []
        # A line's text -> the set's answer for it, for lines whose scan reported the
        # sentinel (see `_matched`).
        self._memo: dict[str, list[int]] = {}

    @classmethod
    def cached(cls, triggers: Sequence[Trigger]) -> bool:
        """Is starting the scanner free? It compiles in milliseconds: yes, where available."""
        return available()

    @staticmethod
    def _prefilter(trig: Trigger, mapped: str = "", options: Any = None) -> bytes | None:
        """The trigger as an RE2 expression over a line's bytes, or None when it cannot be a
        sound prefilter (what the rewrite does not know, what RE2 does not compile, and what
        matches the empty line, so could match any line)."""
        source = byte_prefilter(trig.source, trig.ignore_case, mapped)
        if source is None:
            return None
        try:
            source = without_lookarounds(source)
        except _Unsound:
            return None
        if trig.anchored:
            source = f"^(?:{source})"
        # multi-line for the sentinel; `ignore_case` includes an inline global (?i)
        source = f"(?mi){source}" if trig.ignore_case else f"(?m){source}"
        expr = source.encode("latin-1")
        try:
            probe = _re2.compile(expr, options or _options())
        except _re2.error:
            return None
        if probe.search(b"") is not None:
            return None  # matches the empty line, so it could match any line
        return expr

    def _matched(self, lines: list[str]) -> list[list[int]]:
        """The set's answer for each (non-blank) line: from the memo where the same line was
        matched before, else by RE2, in one C-level `map` over the rest (each new line once);
        an empty answer for a line that cannot be scanned (see `scannable`).

        A call into RE2 costs about half a microsecond whatever the line (google-re2's binding
        and the set's set-up; the automaton's walk over a line is a fraction of that), and
        chrome repeats: a third of the non-blank lines of the distinct bench documents
        (37.7%: share prompts, section labels, credits, copies) were already seen in the same
        process. An answer depends only on the line (its bytes are a function of its text),
        so a remembered one is the answer; one without the sentinel (RE2 gave up) is not
        remembered. The memo is keyed by the line's text, not its bytes: only new lines are
        encoded, and the text's hash, computed here, is kept by the string for the
        heuristics' own caches, which look up the same lines. The memo holds at most
        MEMO_LINES lines, and is emptied when full (amortised, and no order kept per line); a
        document of more new lines than that is not remembered.
        Every step is a C-level call over the lines (no Python per line)."""
        memo = self._memo
        founds: list[Any] = list(map(memo.get, lines))  # a remembered answer is never empty
        if founds.count(None) > MEMO_LINES:
            return self._matched_in_pieces(lines, founds)
        if not all(founds):
            answers = self._answers(list(dict.fromkeys(compress(lines, map(_is_none, founds)))))
            founds = list(map(answers.get, lines, founds))
            if len(memo) + len(answers) > MEMO_LINES:
                memo.clear()
            sentinel = self._sentinel
            if len(answers) > MEMO_LINES:
                pass  # a document of more new lines than the memo holds: nothing remembered
            elif all(map(contains, answers.values(), repeat(sentinel))):
                memo.update(answers)
            else:  # rare: RE2 gave up on some line, or some line cannot be scanned
                memo.update((t, f) for t, f in answers.items() if sentinel in f)
        return founds

    def _answers(self, new: list[str]) -> dict[str, list[int]]:
        """The set's answer for each of these distinct lines, by RE2 (see `_matched`)."""
        data, control = encode(new, self.mapped)
        if control:  # rare: lines the scan cannot stand for are matched as empty lines
            data, _ = encode([t if scannable(t) else "" for t in new], self.mapped)
        # one piece per new line, its newline (the sentinel) kept; bytes split on \n and \r
        # only, and a line with either was emptied above
        answers = dict(zip(new, map(self._match, (data + _SENTINEL).splitlines(True))))
        if control:
            answers.update((t, _UNSCANNABLE) for t in new if not scannable(t))
        return answers

    def _matched_in_pieces(self, lines: list[str], founds: list[Any]) -> list[list[int]]:
        """`_matched` for a document of more new lines than the memo holds (so none is
        remembered): matched MEMO_LINES lines at a time, and the answer that nearly every
        line gets (the sentinel alone: no trigger) shared, so that what the scan holds at
        once is a list entry per line, not a dict entry, a piece of bytes and a list."""
        only_sentinel = [self._sentinel]
        for start in range(0, len(lines), MEMO_LINES):
            piece = lines[start:start + MEMO_LINES]
            missing = list(compress(piece, map(_is_none, founds[start:start + MEMO_LINES])))
            if not missing:
                continue
            answers = self._answers(list(dict.fromkeys(missing)))
            for t, found in answers.items():
                if found == only_sentinel:
                    answers[t] = only_sentinel
            founds[start:start + MEMO_LINES] = map(answers.get, piece, founds[start:start + MEMO_LINES])
        return founds

    def scan(self, texts: Sequence[str]) -> "Hits":
        """Where each trigger may match in these (stripped) line texts: each non-blank line
        is matched against the whole set at once (a blank line holds no match), or its
        answer taken from the memo of lines already matched (see `_matched`)."""
        matched: dict[int, set[int]] = {}
        at = array(INDEX_TYPE, compress(range(len(texts)), texts))  # the non-blank lines (not an int each)
        kept = list(compress(texts, texts)) if len(at) < len(texts) else list(texts)
        others: frozenset[int] = frozenset()
        if self._set is None:
            if kept and encode(kept, self.mapped)[1]:  # rare: lines with control characters
                others = frozenset(at[j] for j, t in enumerate(kept) if not scannable(t))
        elif kept:
            founds = self._matched(kept)
            ids, sentinel, failed = self._ids, self._sentinel, []
            # the lines some trigger may match, that RE2 gave up on, or that cannot be scanned:
            # every other answer is the sentinel alone (told apart at C level)
            for j in list(compress(count(), map(ne, map(len, founds), repeat(1)))):
                found, i = founds[j], at[j]
                if sentinel not in found:
                    failed.append(i)  # not scanned, or RE2 gave up: every trigger may match it
                    continue
                for k in found:
                    if k != sentinel:
                        if ids[k] in matched:
                            matched[ids[k]].add(i)
                        else:
                            matched[ids[k]] = {i}
            if failed:
                others = frozenset(failed)
        return Hits(matched, self.compiled_ids, self.size, others)


# The most lines a Scanner remembers the answers for (see Scanner._matched): about 8 MB
# (256 bytes a line, measured: the key of some 60 bytes, its answer list and its dict entry),
# under the streaming target's budget in every worker; the 277 bench documents hold 12,655
# distinct non-blank lines, the speed corpus's distinct documents 10,148.
MEMO_LINES = 1 << 15


_is_none = partial(is_, None)  # C-level, so asked of every line at no Python call's cost
# The answer for a line that cannot be scanned (see `scannable`): without the sentinel, so
# the line counts as not scanned, and never remembered.
_UNSCANNABLE: list[int] = []


def _set_of(exprs: Sequence[bytes], options: Any) -> Any:
    """An RE2 search set of these expressions, and the sentinel (see _SENTINEL) last."""
    compiled = _re2.Set.SearchSet(options)
    for expr in [*exprs, _SENTINEL]:
        compiled.Add(expr)
    compiled.Compile()
    return compiled


def encode(texts: Sequence[str], mapped: str = "") -> tuple[bytes, bool]:
    """The bytes scanned: the lines joined by newlines, one byte per character (the k-th
    character of `mapped` as 0x81 + k, any other non-ASCII one as 0x80), and whether they hold
    an ASCII control character or a newline of their own (cleaner/scanned.py)."""
    return scanned.encode(texts if type(texts) is list else list(texts), mapped, _CONTROL_BYTES)


class Hits:
    """A scan's result, by line index: the scanned lines each trigger may match (None: the
    trigger was not prefiltered, so every line), and the lines that were not scanned.

    A later pass of the fixpoint sees fewer lines, renumbered (`renumbered`); it asks for
    few triggers' lines, often none, so each is renumbered when first asked for."""

    __slots__ = ("matched", "compiled", "size", "unscanned", "_index_of", "_found")

    def __init__(self, matched: dict[int, set[int]], compiled: frozenset[int], size: int,
                 unscanned: frozenset[int], index_of: Mapping[int, int] | None = None):
        self.matched = matched      # only the triggers that matched somewhere (by the scan's numbering)
        self.compiled = compiled    # the triggers that were scanned for
        self.size = size            # all triggers
        self.unscanned = unscanned  # by this document's numbering
        self._index_of = index_of   # the scan's line index -> this document's (None: the same)
        self._found: dict[int, set[int]] = {}

    def lines(self, k: int) -> set[int] | frozenset[int] | None:
        """The lines trigger `k` may match; None when it was not prefiltered (every line)."""
        if k not in self.compiled:
            return None
        index_of = self._index_of
        if index_of is None:
            return self.matched.get(k, _NOWHERE)
        found = self._found.get(k)
        if found is None:
            matched = self.matched.get(k, ())
            found = self._found[k] = index_of.among(matched) if isinstance(index_of, Positions) else \
                {index_of[i] for i in matched if i in index_of}
        return found

    @property
    def found(self) -> list[set[int] | frozenset[int] | None]:
        """`lines(k)` for every trigger, in order."""
        return [self.lines(k) for k in range(self.size)]

    def __eq__(self, other: object) -> bool:
        """The same lines for every trigger, and the same lines not scanned."""
        if not isinstance(other, Hits):
            return NotImplemented
        return (self.size, self.compiled, self.unscanned) == (other.size, other.compiled, other.unscanned) \
            and self.found == other.found

    __hash__ = None  # type: ignore[assignment]

    def renumbered(self, index_of: Mapping[int, int]) -> "Hits":
        """The same hits for a document whose line `old` (in this one's numbering) is now
        line `index_of[old]` (a dict, or Positions: nothing is built per line)."""
        unscanned = frozenset(index_of[i] for i in self.unscanned if i in index_of) if self.unscanned else _NOWHERE
        if self._index_of is not None:  # the scan's numbering -> this one's -> the new one
            index_of = {i: index_of[j] for i, j in self._index_of.items() if j in index_of}
        return Hits(self.matched, self.compiled, self.size, unscanned, index_of)


_NOWHERE: frozenset[int] = frozenset()  # `lines` of a trigger that matched nowhere


class Positions(Mapping[int, int]):
    """A renumbering given by the old indices that remain, in order: old index -> its
    position among them. Found by bisection, so making one costs nothing per line (a later
    pass looks up a few lines, if any)."""

    __slots__ = ("_old",)

    def __init__(self, old: Sequence[int]):
        self._old = old  # ascending, distinct

    def _at(self, i: object) -> int:
        old = self._old
        j = bisect_left(old, i) if isinstance(i, int) else len(old)
        return j if j < len(old) and old[j] == i else -1

    def __contains__(self, i: object) -> bool:
        return self._at(i) >= 0

    def among(self, indices: Iterable[int]) -> set[int]:
        """The new index of each of these old ones that remains (`{self[i] for i in indices
        if i in self}` without two method calls per index: a later pass renumbers a
        trigger's lines this way, and some triggers match dozens of lines)."""
        old, n, out = self._old, len(self._old), set()
        for i in indices:
            j = bisect_left(old, i)
            if j < n and old[j] == i:
                out.add(j)
        return out

    def __getitem__(self, i: int) -> int:
        j = self._at(i)
        if j < 0:
            raise KeyError(i)
        return j

    def __iter__(self) -> Iterator[int]:
        return iter(self._old)

    def __len__(self) -> int:
        return len(self._old)
