"""Rule packs: TOML files of rules, validated and compiled once on load.

A pack is a `[pack]` table (name, description, and for a site pack the `fingerprints` that
recognise the site from the text itself) and a list of `[[rule]]` tables. Every error names
the file, the rule and the line, so a user fixing their own pack knows where to look.
"""
from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import regex

from cleaner import kinds, redos
from cleaner.errors import RulePackError
from cleaner.kinds import (
    Budget,
    COMMON_KEYS,
    FAMILIES,
    KIND_KEYS,
    PATTERN_KEYS,
    Pattern,
    PatternTimeout,
    Rule,
    trigger,
)
from cleaner.prefilter import AnchoredSet, anchored_body
from cleaner import cache

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PACK_KEYS = {"name": str, "description": str, "fingerprints": list, "min_fingerprints": int}
_NAME = regex.compile(r"^[a-z0-9][a-z0-9_-]*$")

@dataclass(frozen=True)
class Pack:
    """A loaded pack: general (always on) unless it has fingerprints, then a site pack."""

    name: str
    description: str
    source: str
    rules: tuple[Rule, ...]
    fingerprints: tuple[Pattern, ...] = ()
    min_fingerprints: int = 1

    def __post_init__(self) -> None:
        # The rules whose trigger is anchored at the line start share one prefilter.
        triggers = {r.id: trigger(r) for r in self.rules}
        object.__setattr__(self, "anchored", frozenset(k for k, t in triggers.items() if t is not None))
        object.__setattr__(self, "prefilter", AnchoredSet([t for t in triggers.values() if t is not None]))
        object.__setattr__(self, "fingerprint_anchored",
                           tuple(anchored_body(fp.source) is not None for fp in self.fingerprints))

    @property
    def is_site(self) -> bool:
        return bool(self.fingerprints)

    def anchored_fingerprints(self) -> list[tuple[str, bool]]:
        return [(anchored_body(fp.source), bool(fp.flags & regex.IGNORECASE))  # type: ignore[misc]
                for fp, anchored in zip(self.fingerprints, self.fingerprint_anchored) if anchored]

    def recognises(self, lines: Sequence[str], candidates: set[int] | None = None,
                   timed_out: list[str] | None = None, budget: Budget | None = None) -> bool:
        """True when at least `min_fingerprints` distinct fingerprints match some line.
        `candidates` (from a prefilter of the start-anchored fingerprints) are the only
        lines such a fingerprint can match; the others are tried on every line."""
        return self.recognises_in([
            (lines[i] for i in sorted(candidates)) if candidates is not None and anchored else lines
            for anchored in self.fingerprint_anchored], timed_out, budget)

    def recognises_in(self, where: Sequence[Iterable[str]], timed_out: list[str] | None = None,
                      budget: Budget | None = None) -> bool:
        """`recognises`, with the lines to try given per fingerprint (a prefilter's or the
        scanner's candidates). A fingerprint whose search runs out of time (MATCH_TIMEOUT_S)
        counts as not found, and a warning naming it goes to `timed_out`; BudgetSpent when
        the document's `budget` runs out."""
        hits = 0
        for fp, lines in zip(self.fingerprints, where):
            try:
                found = any(fp.search(text, budget) for text in lines)
            except PatternTimeout:
                if timed_out is not None:
                    timed_out.append(f"a fingerprint of site pack {self.name} ({self.source}) timed out on "
                                     "this document and was skipped")
                continue
            if found:
                hits += 1
                if hits >= self.min_fingerprints:
                    return True
        return False


def builtin_dir() -> Path:
    """Where the shipped packs are: `cleaner/_packs` in an installed package (pyproject.toml
    maps `rules/` there), or `rules/` beside the package in a source checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "_packs"
    if installed.is_dir() and any(installed.glob("*.toml")):
        return installed
    return here.parent / "rules"


def load_dir(directory: Path) -> list[Pack]:
    """Load every `*.toml` pack in a directory, in name order."""
    if not directory.is_dir():
        raise RulePackError(str(directory), "not a directory of rule packs")
    files = sorted(directory.glob("*.toml"))
    odd = next((f for f in files if not f.is_file()), None)  # a FIFO would hang the read
    if odd is not None:
        raise RulePackError(str(odd), "not a regular file; a rule pack is a file")
    if not files:
        raise RulePackError(str(directory), "no *.toml rule packs in this directory")
    return [load_file(f) for f in files]


def load_file(path: Path, display: str | None = None) -> Pack:
    """Load and validate one pack file."""
    shown = display or _display(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RulePackError(shown, f"cannot read: {exc}") from None
    return parse_pack(raw, shown)


def parse_pack(raw: str, shown: str) -> Pack:
    """Validate and compile a pack from its TOML text; `shown` names it in errors.

    A pack text that passed validation before, with this `regex` and this validation code,
    is remembered in the cache directory with the flags its patterns compiled to: loading it
    again skips compiling and probing the patterns, which are compiled when first used. (The
    built-in packs' compiles were 60 of the 87 ms a Cleaner took to build, at every start.)"""
    key = _validated_key(raw)
    known = _known_flags(key)
    patterns = _Patterns(known)
    pack = _parse_pack(raw, shown, patterns)
    if known is not None and len(known) == len(patterns.flags):
        return pack
    if known is not None:  # an entry that does not fit this text: validate it in full
        patterns = _Patterns(None)
        pack = _parse_pack(raw, shown, patterns)
    _remember_flags(key, patterns.flags)
    return pack


class _Patterns:
    """Makes a pack's patterns in the order the pack names them: compiled and validated
    (`_compile`), or, where `known` gives the flags each compiled to when this exact pack
    text was validated, lazily. `flags` records them for the cache."""

    def __init__(self, known: list[int] | None):
        self.known = known
        self.flags: list[int] = []

    def __call__(self, source: str, ignore_case: bool, shown: str, rule: str | None, line: int | None,
                 key: str) -> Pattern:
        k = len(self.flags)
        if self.known is not None and k < len(self.known) and source:
            pattern = Pattern.lazy(source, _compile_flags(ignore_case), self.known[k])
        else:
            pattern = _compile(source, ignore_case, shown, rule, line, key)
        self.flags.append(pattern.flags)
        return pattern


# Bumped when what validation checks changes in a way the code digest below would not show.
_VALIDATED_FORMAT = 2


def _validated_key(raw: str) -> str:
    h = hashlib.sha256()
    h.update(f"{_VALIDATED_FORMAT}|{regex.__version__}|{sys.version_info[:2]}|".encode())
    h.update(_code_digest())
    h.update(raw.encode("utf-8", "surrogatepass"))
    return h.hexdigest()[:32]


@lru_cache(maxsize=1)
def _code_digest() -> bytes:
    """This module, the rule kinds' and the pattern-safety check's (what validation runs),
    as they are installed."""
    return hashlib.sha256(b"".join(Path(m.__file__).read_bytes() for m in (sys.modules[__name__], kinds, redos))).digest()


def _validated_name(key: str) -> str:
    return f"pack-{key}.json"


def _known_flags(key: str) -> list[int] | None:
    stored = cache.read(_validated_name(key))
    if stored is None:
        return None
    try:
        flags = json.loads(stored)
    except ValueError:
        return None  # unreadable: only a miss
    ok = isinstance(flags, list) and all(type(f) is int for f in flags)
    return flags if ok else None


def _remember_flags(key: str, flags: list[int]) -> None:
    cache.write(_validated_name(key), json.dumps(flags).encode())  # whole or not at all


def _parse_pack(raw: str, shown: str, patterns: "_Patterns") -> Pack:
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        m = regex.search(r"line (\d+)", str(exc))
        raise RulePackError(shown, f"invalid TOML: {exc}", line=int(m.group(1)) if m else None) from None
    locator = _Locator(raw)
    unknown = set(data) - {"pack", "rule"}
    if unknown:
        key = sorted(unknown)[0]
        raise RulePackError(shown, f"unknown top-level key '{key}' (expected [pack] and [[rule]])",
                            line=locator.key_line(key))
    head = data.get("pack")
    if not isinstance(head, dict):
        raise RulePackError(shown, "missing [pack] table with at least `name`", line=1)
    for key, value in head.items():
        if key not in PACK_KEYS:
            raise RulePackError(shown, f"unknown key '{key}' in [pack]", line=locator.key_line(key))
        if not isinstance(value, PACK_KEYS[key]):
            raise RulePackError(shown, f"[pack] {key} must be a {PACK_KEYS[key].__name__}",
                                line=locator.key_line(key))
    name = head.get("name")
    if not name or not _NAME.match(name):
        raise RulePackError(shown, "[pack] name must be lower-case letters, digits, '-' or '_'",
                            line=locator.key_line("name"))
    fingerprints = tuple(
        patterns(fp, False, shown, None, locator.key_line("fingerprints"), "fingerprint")
        for fp in _strings(head.get("fingerprints", []), shown, None, locator.key_line("fingerprints"),
                           "fingerprints")
    )
    rules_raw = data.get("rule", [])
    if not isinstance(rules_raw, list):
        raise RulePackError(shown, "`rule` must be an array of tables ([[rule]])")
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for index, table in enumerate(rules_raw):
        line = locator.rule_line(index)
        rule = _parse_rule(table, name, shown, line, locator, index, patterns)
        if rule.id in seen:
            raise RulePackError(shown, f"duplicate rule id (first defined on line {seen[rule.id]})",
                                rule=rule.id.split("/", 1)[1], line=line)
        seen[rule.id] = line or 0
        rules.append(rule)
    return Pack(
        name=name,
        description=head.get("description", ""),
        source=shown,
        rules=tuple(rules),
        fingerprints=fingerprints,
        min_fingerprints=head.get("min_fingerprints", 1),
    )



def _parse_rule(table: Any, pack: str, shown: str, line: int | None, loc: "_Locator", index: int,
                patterns: Callable[..., Pattern]) -> Rule:
    if not isinstance(table, dict):
        raise RulePackError(shown, "each [[rule]] must be a table", line=line)
    rid = table.get("id")
    label = rid if isinstance(rid, str) else f"#{index + 1}"

    def fail(msg: str, key: str | None = None) -> RulePackError:
        return RulePackError(shown, msg, rule=label, line=loc.key_line(key, index) if key else line)

    kind = table.get("kind")
    if kind not in KIND_KEYS:
        raise fail(f"unknown kind {kind!r} (expected one of: {', '.join(KIND_KEYS)})", "kind")
    allowed = {**COMMON_KEYS, **KIND_KEYS[kind]}
    for key, value in table.items():
        if key not in allowed:
            raise fail(f"unknown key '{key}' for kind '{kind}' (allowed: {', '.join(allowed)})", key)
        typ, _ = allowed[key]
        if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
            raise fail(f"'{key}' must be a {getattr(typ, '__name__', typ)}, not {type(value).__name__}", key)
    for key, (_, required) in allowed.items():
        if required and key not in table:
            raise fail(f"missing required key '{key}'")
    if not _NAME.match(rid):
        raise fail("id must be lower-case letters, digits, '-' or '_'", "id")
    if table["family"] not in FAMILIES:
        raise fail(f"unknown family {table['family']!r} (expected one of: {', '.join(FAMILIES)})", "family")
    for key in ("max_chars", "caption_lines", "max_lines"):
        if key in table and table[key] < 0:
            raise fail(f"'{key}' must not be negative", key)
    if "after_share" in table and not 0.0 <= table["after_share"] < 1.0:
        raise fail("'after_share' must be a share between 0.0 and 1.0", "after_share")
    ignore_case = table.get("ignore_case", False)
    options: dict[str, Any] = {}
    for key, value in table.items():
        if key in PATTERN_KEYS:
            options[key] = patterns(value, ignore_case, shown, label, loc.key_line(key, index), key)
        elif key in KIND_KEYS[kind]:
            options[key] = value
    examples = tuple(_strings(table.get("examples", []), shown, label, loc.key_line("examples", index), "examples"))
    counter = tuple(_strings(table.get("counterexamples", []), shown, label,
                             loc.key_line("counterexamples", index), "counterexamples"))
    return Rule(
        id=f"{pack}/{rid}",
        kind=kind,
        message=table["message"],
        family=table["family"],
        source=shown,
        line=line,
        options=options,
        examples=examples,
        counterexamples=counter,
    )


def _strings(value: Any, shown: str, rule: str | None, line: int | None, key: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RulePackError(shown, f"'{key}' must be a list of strings", rule=rule, line=line)
    return value


def _compile_flags(ignore_case: bool) -> int:
    return regex.V0 | (regex.IGNORECASE if ignore_case else 0)


def _compile(source: str, ignore_case: bool, shown: str, rule: str | None, line: int | None, key: str) -> Pattern:
    """Compile with `regex`; reject empty and invalid patterns, and those whose structure
    backtracks catastrophically (cleaner/redos.py: nested or overlapping unbounded
    repetitions), which is decided without running them, so on every machine alike."""
    if not source:
        raise RulePackError(shown, f"'{key}' is an empty pattern (it would match every line)", rule=rule, line=line)
    try:
        compiled = regex.compile(source, _compile_flags(ignore_case))
    except Exception as exc:  # noqa: BLE001 - regex.error, and ValueError or KeyError (by Python version) for (?V1)
        raise RulePackError(shown, f"invalid pattern in '{key}': {exc}", rule=rule, line=line) from None
    why = redos.explain(source, ignore_case)
    if why is not None:
        raise RulePackError(shown, f"pattern in '{key}' is refused: {why}", rule=rule, line=line)
    return Pattern(source, compiled)


class _Locator:
    """Finds the line of a rule, or of a key inside it, in the raw TOML text."""

    def __init__(self, raw: str):
        self.lines = raw.splitlines()
        self.rule_starts = [i + 1 for i, ln in enumerate(self.lines) if ln.strip().startswith("[[rule]]")]

    def rule_line(self, index: int) -> int | None:
        return self.rule_starts[index] if index < len(self.rule_starts) else None

    def key_line(self, key: str | None, index: int | None = None) -> int | None:
        if key is None:
            return None
        lo = self.rule_starts[index] if index is not None and index < len(self.rule_starts) else 1
        hi = (self.rule_starts[index + 1] if index is not None and index + 1 < len(self.rule_starts)
              else len(self.lines) + 1)
        pat = regex.compile(rf"^\s*{regex.escape(key)}\s*=|^\s*\[{regex.escape(key)}\]")
        for n in range(lo, hi):
            if pat.search(self.lines[n - 1]):
                return n
        return lo if index is not None else None


def _display(path: Path) -> str:
    """A short name for messages: `rules/<file>` for shipped packs, the path as given otherwise."""
    try:
        if path.resolve().parent == builtin_dir().resolve():
            return f"rules/{path.name}"
    except OSError:
        pass
    return str(path)


def load_packs(rule_dirs: Sequence[Path | str], extra_packs: Sequence[tuple[str, str]] = (),
               builtin: bool = True) -> list[Pack]:
    """The built-in packs (unless `builtin` is false), those of `rule_dirs`, then the packs
    given as (name shown in messages, TOML text); two packs of one name are an error."""
    packs: list[Pack] = []
    for d in ([builtin_dir()] if builtin else []) + [Path(d) for d in rule_dirs]:
        packs.extend(load_dir(d))
    packs.extend(parse_pack(text, shown) for shown, text in extra_packs)
    seen: dict[str, Pack] = {}
    for p in packs:
        if p.name in seen:
            raise RulePackError(p.source, f"pack name '{p.name}' is already used by {seen[p.name].source}")
        seen[p.name] = p
    return packs

