"""`cleaner rules validate DIR`: load a user's packs and check each rule against its examples."""
from __future__ import annotations

from pathlib import Path

from cleaner.errors import RulePackError
from cleaner.kinds import PatternTimeout, Rule
from cleaner.packs import load_file


def check_examples(rule: Rule) -> list[str]:
    """Problems with a rule's own examples: an example it misses, a counterexample it takes."""
    problems: list[str] = []
    where = f"{rule.source}:{rule.line or '?'}: rule '{rule.id.split('/', 1)[1]}'"
    for ex in rule.examples:
        try:
            if not rule.probe(ex):
                problems.append(f"{where}: example does not match: {ex!r}")
        except PatternTimeout:
            problems.append(f"{where}: pattern timed out on example {ex!r}")
    for ex in rule.counterexamples:
        try:
            if rule.probe(ex):
                problems.append(f"{where}: counterexample matches: {ex!r}")
        except PatternTimeout:
            problems.append(f"{where}: pattern timed out on counterexample {ex!r}")
    return problems


def validate_dir(directory: Path) -> tuple[list[str], int]:
    """All problems found in the packs of a directory, and how many rules were checked."""
    if not directory.is_dir():
        return [f"{directory}: not a directory"], 0
    files = sorted(directory.glob("*.toml"))
    if not files:
        return [f"{directory}: no *.toml rule packs"], 0
    problems: list[str] = []
    count = 0
    names: dict[str, str] = {}
    for f in files:
        try:
            pack = load_file(f)
        except RulePackError as exc:
            problems.append(str(exc))
            continue
        if pack.name in names:
            problems.append(f"{pack.source}: pack name '{pack.name}' is already used by {names[pack.name]}")
        names[pack.name] = pack.source
        for rule in pack.rules:
            count += 1
            problems.extend(check_examples(rule))
    return problems, count
