"""Pattern safety by structure: find the shapes that make a backtracking engine take
exponential time, without running the pattern.

A backtracking engine (`regex`, like `re`) takes exponential time on a failing line when an
unbounded repetition can split the same text between its iterations in many ways. The known
ReDoS analysers (safe-regex's star height, rxxr, regexploit, redos-detector) look for two
shapes, and so does this module:

- a **nested unbounded quantifier** whose characters could also be taken by what follows it
  inside the outer repetition (its next iteration included): `(a+)+`, `(a*)*`, `(\\w+\\s?)+`,
  `(x+x+)+y`. One that a mandatory, disjoint character separates from the next iteration is
  safe: `\\d+(?:,\\d+)*` (a `,` opens every iteration, and `\\d` never takes one);
- an **unbounded quantifier over an alternation whose branches overlap** (start with a common
  character, or one branch is empty while the iteration can go on): `(q|qq)+`, `(a|a)*`,
  `(\\w|\\d)+`; with disjoint branches, `^(?:a|b)+$`, each character has one way through.

An unbounded repetition whose body can match the empty string (`(a?)*`) is also ambiguous.
Atomic groups and possessive quantifiers (`(?>a+)+`, `a++`) are never backtracked into, so
what they hold is checked on its own (as if at the top level), not as part of the loop around
them; lookarounds likewise (both engines match them atomically).

Patterns are parsed with the standard library's regular-expression parser (`re._parser`) in a
private copy that keeps every alternation as written (the stock parser merges `a|b` into a
class and factors out common prefixes, which would hide `(\\w|\\d)+` and `(q|qq)+`). `regex`
syntax it does not know is handled first: `\\p{..}`/`\\P{..}` become one placeholder character
each, whose members `regex` itself decides. A pattern `regex` accepts but this parser cannot
read (set operations, fuzzy matching, recursion, ...) is reported as unanalysable, so a pack
that needs it is refused with that reason rather than trusted blindly.

Character sets are compared on a fixed sample of characters (ASCII, Latin, Greek, Cyrillic,
general punctuation, and one or more characters of the common scripts) plus every literal
the pattern spells: two sets overlap when some sample character is in both. Polynomial
backtracking (`.*a.*a.*b`) is not rejected; the per-search time limit (cleaner/kinds.py,
MATCH_TIMEOUT_S) bounds it and the rule is skipped for that document with a warning.
"""
from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable, Iterable

import regex

from cleaner.prefilter import structure

# A bounded repetition with more than this many iterations counts as unbounded: an ambiguous
# body repeated n times has up to 2**n ways to split a line, and 2**10 tries per start
# position is still far below the search time limit, 2**32 far above it.
MAX_SAFE_BOUND = 10

# The characters two sets are compared on (see the module docstring), as code points.
_SAMPLE_RANGES = ((0x00, 0x2FF), (0x370, 0x52F), (0x2000, 0x206F), (0x20A0, 0x20BF), (0x2100, 0x214F),
                  (0x3000, 0x303F), (0xFF01, 0xFF5E))
_SAMPLE_SINGLES = (0x5D0, 0x627, 0x660, 0x905, 0x966, 0xE01, 0x10A0, 0x1100, 0x13A0, 0x1E00, 0x1F00,
                   0x3042, 0x30A2, 0x4E00, 0xAC00, 0x10400, 0x1D400, 0x1F600, 0x1F1E6)
SAMPLE: tuple[str, ...] = tuple(
    chr(c) for c in sorted({c for lo, hi in _SAMPLE_RANGES for c in range(lo, hi + 1)} | set(_SAMPLE_SINGLES)))

# Where `\p{..}` placeholders start: the Supplementary Private Use Area-B, which no pattern
# of a pack spells.
_PLACEHOLDER_BASE = 0x100000
_PROPERTY = regex.compile(r"\\[pP](?:\{[^}]*\}|[A-Za-z])")


class Unsafe(ValueError):
    """A pattern with a shape that backtracks exponentially; the message says which part."""


class Unanalysable(ValueError):
    """A valid `regex` pattern whose syntax this module cannot read."""


def _private_parser() -> Any:
    """A private copy of the standard library's pattern parser whose alternations are kept
    as written (see the module docstring); None where the standard library has none."""
    for name in ("re._parser", "sre_parse"):  # Python 3.11 on; before it
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, AttributeError, ValueError):  # `re` is no package before 3.11
            spec = None
        if spec is None or spec.loader is None:
            continue
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module._parse_sub = _literal_parse_sub(module)
        return module
    return None  # pragma: no cover


def _literal_parse_sub(m: Any) -> Callable[..., Any]:
    def _parse_sub(source: Any, state: Any, verbose: Any, nested: int) -> Any:
        """`a|b|c` as a BRANCH of its alternatives, exactly as written."""
        items = []
        while True:
            items.append(m._parse(source, state, verbose, nested + 1, not nested and not items))
            if not source.match("|"):
                break
            if not nested:
                verbose = state.flags & m.SRE_FLAG_VERBOSE
        if len(items) == 1:
            return items[0]
        sub = m.SubPattern(state)
        sub.append((m.BRANCH, (None, items)))
        return sub
    return _parse_sub


_P = _private_parser()
_C = _P  # the opcodes and flags are re-exported by the parser module (from its constants)
_UNBOUNDED = getattr(_C, "MAXREPEAT", 2**32 - 1)
_ATOMIC = getattr(_C, "ATOMIC_GROUP", object())
_POSSESSIVE = getattr(_C, "POSSESSIVE_REPEAT", object())
_IGNORECASE = getattr(_C, "SRE_FLAG_IGNORECASE", 2)
_DOTALL = getattr(_C, "SRE_FLAG_DOTALL", 16)


@dataclass(frozen=True)
class CharSet:
    """A set of characters: which of the sample characters it holds (a bit mask over
    SAMPLE), a membership test, and the characters worth testing it on besides the sample
    (the literals it was built from)."""

    mask: int
    test: Callable[[str], bool]
    spelled: frozenset[str] = frozenset()

    @classmethod
    def of(cls, test: Callable[[str], bool], spelled: frozenset[str] = frozenset()) -> "CharSet":
        return cls(sum(1 << k for k, c in enumerate(SAMPLE) if test(c)), test, spelled)

    @classmethod
    def chars(cls, chars: frozenset[str]) -> "CharSet":
        return cls(sum(1 << _SAMPLE_INDEX[c] for c in chars if c in _SAMPLE_INDEX), chars.__contains__, chars)

    def __or__(self, other: "CharSet") -> "CharSet":
        if self is NOTHING:
            return other
        if other is NOTHING:
            return self
        a, b = self.test, other.test
        return CharSet(self.mask | other.mask, lambda c: a(c) or b(c), self.spelled | other.spelled)

    def __and__(self, other: "CharSet") -> "CharSet":
        a, b = self.test, other.test
        return CharSet(self.mask & other.mask, lambda c: a(c) and b(c), self.spelled | other.spelled)

    def inverse(self) -> "CharSet":
        t = self.test
        return CharSet(_ALL_MASK & ~self.mask, lambda c: not t(c), self.spelled)

    def meets(self, other: "CharSet") -> bool:
        """Do the two sets share a character (of the sample, or of their own literals)?"""
        if self.mask & other.mask:
            return True
        a, b = self.test, other.test
        return any(a(c) and b(c) for c in self.spelled | other.spelled)


_SAMPLE_INDEX = {c: k for k, c in enumerate(SAMPLE)}
_ALL_MASK = (1 << len(SAMPLE)) - 1
NOTHING = CharSet(0, lambda c: False)
EVERYTHING = CharSet(_ALL_MASK, lambda c: True)

# How many characters ahead two ways through a repetition are compared: where every way
# parts from the other within this many characters, the next characters of the line decide
# between them and nothing is tried twice. (`(a|ab)+` parts at the second character,
# `advertisement|advertising` at the ninth; two ways that agree this far are taken as
# alike, the cautious answer.)
LOOKAHEAD = 16
# At most this many ways are followed for one comparison; past it, the two are taken as
# alike (again the cautious answer).
MAX_PATHS = 2000

Path = tuple  # of CharSet: the characters, one set per place, along one way through a pattern
Cont = Callable[[int], Iterable[Path]]  # the ways on from a point, up to so many characters


def _end(k: int) -> Iterable[Path]:
    yield ()


def check(source: str, ignore_case: bool = False) -> None:
    """Raise Unsafe (with the reason) when the pattern can backtrack exponentially, or
    Unanalysable when its syntax cannot be read here; return None for a safe pattern."""
    fuzzy = _fuzzy(source)
    if fuzzy is not None:
        raise Unanalysable(f"fuzzy matching {fuzzy}")
    source, inline = _global_flags(source)
    if "V1" in inline:  # set operations and other version-1 syntax the parser would misread
        raise Unanalysable("version 1 syntax, (?V1)")
    text, properties = _placeholders(source)
    if _P is None:  # pragma: no cover - no standard parser on this Python
        raise Unanalysable("no pattern parser in this Python")
    flags = (_IGNORECASE if ignore_case or "i" in inline else 0) | (_DOTALL if "s" in inline else 0)
    try:
        parsed = _P.parse(text, flags)
    except Exception as exc:  # noqa: BLE001 - any syntax the parser rejects is only unreadable here
        raise Unanalysable(str(exc)) from None
    flags = parsed.state.flags
    _Walk(properties).seq(list(parsed), 0, _end, False, _Mode(bool(flags & _IGNORECASE), bool(flags & _DOTALL)))


def _global_flags(source: str) -> tuple[str, str]:
    """The pattern without its global inline flag groups (`(?i)`, which `regex` takes anywhere
    in the pattern and the standard parser only at its start), and their letters."""
    spans = [(m.start(), m.end()) for i, c in structure(source) if c == "("
             for m in [_GLOBAL_FLAGS.match(source, i)] if m]
    if not spans:
        return source, ""
    letters = "".join(source[a + 2:b - 1] for a, b in spans)
    kept, at = [], 0
    for a, b in spans:
        kept.append(source[at:a])
        at = b
    kept.append(source[at:])
    return "".join(kept), letters


_GLOBAL_FLAGS = regex.compile(r"\(\?[aiLmsuxV01]+\)")


def _fuzzy(source: str) -> str | None:
    """A `regex` fuzzy-matching constraint (`{e<=1}`, `{i,d}`) in the pattern, which the
    standard parser would read as literal text; None where there is none."""
    for i, c in structure(source):
        if c == "{":
            end = source.find("}", i)
            body = source[i + 1:end] if end > 0 else ""
            if body and not _COUNT.fullmatch(body) and _FUZZY.search(body):
                return source[i:end + 1]
    return None


_COUNT = regex.compile(r"\d*(?:,\d*)?")
_FUZZY = regex.compile(r"[<>=]|^\s*[deis]\s*(?:,\s*[deis]\s*)*$")


def _placeholders(source: str) -> tuple[str, dict[str, str]]:
    """The pattern with each `\\p{..}`/`\\P{..}` (not itself escaped) replaced by a private
    character, and what each stands for."""
    properties: dict[str, str] = {}
    out: list[str] = []
    i = 0
    while i < len(source):
        c = source[i]
        if c == "\\":
            m = _PROPERTY.match(source, i)
            if m:
                ch = chr(_PLACEHOLDER_BASE + len(properties))
                properties[ch] = m.group()
                out.append(ch)
                i = m.end()
                continue
            out.append(source[i:i + 2])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out), properties


@lru_cache(maxsize=None)
def _property_set(escape: str, icase: bool) -> CharSet:
    compiled = regex.compile(escape, regex.V0 | (regex.IGNORECASE if icase else 0))
    return CharSet.of(lambda c: compiled.match(c) is not None)


@lru_cache(maxsize=4096)
def _variants(c: str) -> frozenset[str]:
    """The characters IGNORECASE lets `c` match (a superset is fine: sets may only grow)."""
    out = {c, c.lower(), c.upper(), c.casefold(), c.swapcase()}
    return frozenset(x for x in out if len(x) == 1)


@dataclass(frozen=True)
class _Mode:
    """The flags in force at a point of the pattern."""

    icase: bool
    dotall: bool

    def with_flags(self, add: int, remove: int) -> "_Mode":
        return _Mode((self.icase or bool(add & _IGNORECASE)) and not remove & _IGNORECASE,
                     (self.dotall or bool(add & _DOTALL)) and not remove & _DOTALL)


class _TooMany(Exception):
    """More ways than MAX_PATHS: compare by the first character."""


class _Walk:
    """One walk over a parsed pattern; raises Unsafe at the first ambiguous repetition.

    A point of the pattern is a sequence, an index into it and a continuation (`Cont`: the
    ways on from the end of the sequence). Inside an unbounded repetition the continuation
    of its body is its next iteration (and, in a repetition nested in another, what follows
    in the outer one); leaving the outermost one is left out: that choice is made once per
    match, which costs polynomial time at worst, and the time limit bounds that."""

    def __init__(self, properties: dict[str, str]):
        self.properties = properties

    # --- characters -------------------------------------------------------------------------

    def _literal(self, code: int, mode: _Mode) -> CharSet:
        c = chr(code)
        if c in self.properties:
            return _property_set(self.properties[c], mode.icase)
        return CharSet.chars(_variants(c) if mode.icase else frozenset(c))

    def _class(self, items: list, mode: _Mode) -> CharSet:
        negate = bool(items) and items[0][0] is _C.NEGATE
        members = NOTHING
        for op, av in items[1:] if negate else items:
            if op is _C.LITERAL:
                part = self._literal(av, mode)
            elif op is _C.RANGE:
                part = _range(av[0], av[1], mode.icase)
            elif op is _C.CATEGORY:
                part = _category(av)
            else:  # pragma: no cover - nothing else appears in a class
                part = EVERYTHING
            members = members | part
        return members.inverse() if negate else members

    def single(self, item: tuple, mode: _Mode) -> CharSet | None:
        """The characters an item that matches exactly one character takes; None for others."""
        op, av = item
        if op is _C.LITERAL:
            return self._literal(av, mode)
        if op is _C.NOT_LITERAL:
            return self._literal(av, mode).inverse()
        if op is _C.ANY:
            return EVERYTHING if mode.dotall else _NOT_NEWLINE
        if op is _C.IN:
            return self._class(av, mode)
        return None

    # --- the ways through a pattern -----------------------------------------------------------

    def paths(self, items: list, i: int, k: int, cont: Cont, mode: _Mode) -> Iterable[Path]:
        """The ways through `items[i:]` and on, as up to `k` character sets each (fewer
        where a way ends)."""
        if k == 0:
            yield ()
            return
        if i == len(items):
            yield from cont(k)
            return
        item = items[i]
        op, av = item

        def rest(kk: int) -> Iterable[Path]:
            return self.paths(items, i + 1, kk, cont, mode)

        chars = self.single(item, mode)
        if chars is not None:
            for p in rest(k - 1):
                yield (chars, *p)
        elif op is _C.BRANCH:
            for branch in av[1]:
                yield from self.paths(branch, 0, k, rest, mode)
        elif op is _C.SUBPATTERN:
            _, add, remove, body = av[:4]
            yield from self.paths(list(body), 0, k, rest, mode.with_flags(add, remove))
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _POSSESSIVE):
            lo, hi, body = av
            yield from self._repeats(list(body), lo, min(hi, lo + k), 0, k, rest, mode)
        elif op is _ATOMIC:
            yield from self.paths(list(av), 0, k, rest, mode)
        elif op is _C.GROUPREF_EXISTS:
            _, yes, no = av
            yield from self.paths(list(yes), 0, k, rest, mode)
            yield from self.paths(list(no) if no is not None else [], 0, k, rest, mode)
        elif op in (_C.ASSERT, _C.ASSERT_NOT) and av[0] == 1 and len(av[1]) == 1 \
                and (ahead := self.single(av[1][0], mode)) is not None:
            # a look-ahead at one character, `(?!\\w)`: it narrows the next character
            if op is _C.ASSERT_NOT:
                ahead = ahead.inverse()
            for p in rest(k):
                if not p:
                    if op is _C.ASSERT_NOT:
                        yield p  # the end of the text passes a negative look-ahead
                elif (first := p[0] & ahead).mask or any(map(first.test, first.spelled)):
                    yield (first, *p[1:])
        elif op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
            yield from rest(k)  # zero-width: taken as no constraint (more ways, the cautious side)
        else:  # a back-reference: any characters
            yield (EVERYTHING,) * k

    def _repeats(self, body: list, lo: int, hi: int, n: int, k: int, cont: Cont, mode: _Mode) -> Iterable[Path]:
        """The ways through the iterations from the n-th on (at most `hi`, which is capped:
        no more than `k` iterations beyond `lo` can add to `k` characters)."""
        if k == 0:
            yield ()
            return
        if n >= lo:
            yield from cont(k)
        if n < hi:
            yield from self.paths(body, 0, k, lambda kk: self._repeats(body, lo, hi, n + 1, kk, cont, mode), mode)

    def _collect(self, ways: Iterable[Path]) -> list[Path]:
        out: list[Path] = []
        for p in ways:
            out.append(p)
            if len(out) > MAX_PATHS:
                raise _TooMany
        return out

    def alike(self, a: Callable[[int], Iterable[Path]], b: Callable[[int], Iterable[Path]]) -> bool:
        """Can two ways on agree on their next LOOKAHEAD characters (or until one ends)?
        Looked at 1, 2, 4, ... characters ahead, so that most comparisons stop early; ways
        too many to follow (over MAX_PATHS) are taken as alike, the cautious answer."""
        depth = 1
        while True:
            try:
                left, right = self._collect(a(depth)), self._collect(b(depth))
            except _TooMany:
                return True
            if not any(all(x.meets(y) for x, y in zip(p, q)) for p in left for q in right):
                return False
            if depth >= LOOKAHEAD:
                return True
            depth = min(2 * depth, LOOKAHEAD)

    # --- the walk ---------------------------------------------------------------------------

    def seq(self, items: list, i: int, cont: Cont, loop: bool, mode: _Mode) -> None:
        """Check `items[i:]`, which `cont` continues; `loop`: inside an unbounded repetition."""
        for k in range(i, len(items)):
            after: Cont = (lambda kk, k=k: self.paths(items, k + 1, kk, cont, mode))
            self.item(items[k], after, loop, mode)

    def item(self, item: tuple, cont: Cont, loop: bool, mode: _Mode) -> None:
        op, av = item
        if op in (_C.MAX_REPEAT, _C.MIN_REPEAT):
            self._repeat(av, cont, loop, mode)
        elif op is _C.BRANCH:
            branches = av[1]
            if loop:
                ways: dict[tuple[int, int], list[Path]] = {}  # each alternative's, by depth, made once

                def way(x: int) -> Callable[[int], list[Path]]:
                    def at(depth: int) -> list[Path]:
                        if (x, depth) not in ways:
                            ways[x, depth] = self._collect(self.paths(branches[x], 0, depth, cont, mode))
                        return ways[x, depth]
                    return at

                for x in range(len(branches)):
                    for y in range(x + 1, len(branches)):
                        if self.alike(way(x), way(y)):
                            raise Unsafe(_OVERLAPPING)
            for branch in branches:
                self.seq(branch, 0, cont, loop, mode)
        elif op is _C.SUBPATTERN:
            _, add, remove, body = av[:4]
            self.seq(list(body), 0, cont, loop, mode.with_flags(add, remove))
        elif op is _C.GROUPREF_EXISTS:
            _, yes, no = av
            self.seq(list(yes), 0, cont, loop, mode)
            if no is not None:
                self.seq(list(no), 0, cont, loop, mode)
        elif op is _ATOMIC:  # never backtracked into: checked on its own
            self.seq(list(av), 0, _end, False, mode)
        elif op is _POSSESSIVE:
            self.seq(list(av[2]), 0, _end, False, mode)
        elif op in (_C.ASSERT, _C.ASSERT_NOT):  # lookarounds are matched atomically
            self.seq(list(av[1]), 0, _end, False, mode)

    def _repeat(self, av: tuple, cont: Cont, loop: bool, mode: _Mode) -> None:
        lo, hi, body = av
        body = list(body)
        unbounded = hi == _UNBOUNDED or hi > MAX_SAFE_BOUND
        if unbounded and self._nullable(body, mode):
            raise Unsafe(_EMPTY)

        def again(kk: int) -> Iterable[Path]:  # one more iteration, then whatever may follow it
            return self.paths(body, 0, kk, lambda k2: self._repeats(body, 0, min(hi, k2), 0, k2, cont, mode), mode)

        if loop and lo < hi and self.alike(again, cont):
            raise Unsafe(_NESTED)
        if unbounded:
            def next_iteration(kk: int) -> Iterable[Path]:
                yield from self.paths(body, 0, kk, next_iteration, mode)
                if loop:
                    yield from cont(kk)
            self.seq(body, 0, next_iteration, True, mode)
        elif hi > 1:
            self.seq(body, 0, lambda kk: self._repeats(body, 0, hi, 1, kk, cont, mode), loop, mode)
        else:
            self.seq(body, 0, cont, loop, mode)

    def _nullable(self, body: list, mode: _Mode) -> bool:
        return any(len(p) == 0 for p in self.paths(body, 0, 1, _end, mode))


_NOT_NEWLINE = CharSet.of(lambda c: c != "\n")

_NESTED = ("a variable repetition inside an unbounded repetition can take the same characters as what "
           "follows it there (the next iteration included), so a line splits between them in exponentially "
           "many ways (nested quantifiers, as in (a+)+ or (\\w+\\s?)+); make the inner part possessive (a++) "
           "or atomic ((?>...)), or separate the iterations by a character it cannot take")
_OVERLAPPING = ("two alternatives inside an unbounded repetition can match the same text (overlapping "
                "alternation, as in (q|qq)+ or (\\w|\\d)+), so a line splits between them in exponentially "
                "many ways; make the alternatives start differently, or the repetition possessive (...)++")
_EMPTY = ("an unbounded repetition of something that can match the empty string (as in (a*)* or (a?)+) "
          "backtracks exponentially; make its body match at least one character")


@lru_cache(maxsize=None)
def _range(lo: int, hi: int, icase: bool) -> CharSet:
    if icase:
        return CharSet.of(lambda c: any(lo <= ord(v) <= hi for v in _variants(c)), frozenset(map(chr, (lo, hi))))
    return CharSet.of(lambda c: lo <= ord(c) <= hi, frozenset(map(chr, (lo, hi))))


@lru_cache(maxsize=None)
def _category(name: Any) -> CharSet:
    """A class escape's members (`\\d`, `\\w`, `\\s` and their negations), as `regex` has them."""
    text = str(name).rsplit("CATEGORY_", 1)[-1].lower()
    escape = {"digit": r"\d", "not_digit": r"\D", "space": r"\s", "not_space": r"\S", "word": r"\w",
              "not_word": r"\W", "linebreak": r"\n", "not_linebreak": r"[^\n]"}.get(text)
    if escape is None:  # pragma: no cover - the locale and ASCII-only variants
        return EVERYTHING
    compiled = regex.compile(escape, regex.V0)
    return CharSet.of(lambda c: compiled.match(c) is not None)


def explain(source: str, ignore_case: bool = False) -> str | None:
    """Why the pattern is refused (unsafe or unanalysable), or None when it is accepted."""
    try:
        check(source, ignore_case)
    except Unsafe as exc:
        return str(exc)
    except Unanalysable as exc:
        return (f"its syntax cannot be checked for catastrophic backtracking ({exc}); "
                "rewrite it without that syntax")
    return None


if __name__ == "__main__":  # pragma: no cover - a quick look at a pattern
    for arg in sys.argv[1:]:
        print(arg, "->", explain(arg) or "safe")
