"""What may be switched off, and the one-line error for an id that names nothing.

`--disable` (and `Cleaner(disabled=...)`) takes a rule id (`general/byline`), a whole pack
(`general/*`), a family (`family:teaser`) or a heuristic (`heuristic/teaser-tail`). A typo
used to disable nothing, silently; now it is an error naming the closest known id, so the
user learns at once that the rule they meant is still on.
"""
from __future__ import annotations

import difflib
from typing import Iterable

from cleaner.errors import CleanerError
from cleaner.kinds import FAMILIES
from cleaner.packs import Pack

# How alike a known id must be to be offered as "did you mean" (difflib's ratio; its default).
CLOSE_MATCH_CUTOFF = 0.6


def known_ids(packs: Iterable, heuristics: Iterable) -> list[str]:
    """Every id `disabled` may hold for these packs and heuristics, in a stable order."""
    ids: list[str] = []
    families = set(FAMILIES)
    for pack in packs:
        ids.append(f"{pack.name}/*")
        for rule in pack.rules:
            ids.append(rule.id)
            families.add(rule.family)
    for h in heuristics:
        ids.append(h.id)
        families.add(h.family)
    ids += [f"family:{f}" for f in sorted(families)]
    return ids


def check_disabled(disabled: Iterable[str], packs: Iterable, heuristics: Iterable) -> None:
    """Raise CleanerError (one line) for the first id in `disabled` that names no rule, pack,
    family or heuristic of those loaded; the message offers the closest known id."""
    known = known_ids(packs, heuristics)
    known_set = set(known)
    for wanted in sorted(disabled):
        if wanted in known_set:
            continue
        close = difflib.get_close_matches(wanted, known, n=1, cutoff=CLOSE_MATCH_CUTOFF)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise CleanerError(f"cannot disable '{wanted}': no rule, pack, family or heuristic has that id"
                           f"{hint} (see 'cleaner rules list')")


def is_enabled(rule_id: str, family: str, disabled: frozenset[str]) -> bool:
    """Is this rule or heuristic on: not named in `disabled` by its id, its pack ("pack/*")
    or its family ("family:NAME")?"""
    pack = rule_id.split("/", 1)[0]
    return not ({rule_id, f"{pack}/*", f"family:{family}"} & disabled)


def without_disabled(packs: Iterable[Pack], disabled: frozenset[str]) -> tuple[Pack, ...]:
    """The packs with their disabled rules left out."""
    return tuple(Pack(p.name, p.description, p.source,
                      tuple(r for r in p.rules if is_enabled(r.id, r.family, disabled)),
                      p.fingerprints, p.min_fingerprints)
                 for p in packs)

