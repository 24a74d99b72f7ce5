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
