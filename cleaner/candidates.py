"""The candidate index: on which lines each rule and each site fingerprint may match, so that
a pattern is searched only there. It only ever narrows the lines a pattern is tried on to a
superset of those it matches, so decisions are the same whichever implementation runs.

Two implementations of one small interface (`site`, `rules`, `nothing_to_rerun`), made per
document and pass by `CandidateIndex.of`:

- `RegexCandidates`, the plain-regex one: per pack, one match per line for its start-anchored
  triggers (cleaner/prefilter.py); every other rule tries every line.
- `ScannerCandidates`, the fast one: the native scanner's hits (cleaner/scanner.py), one RE2
  multi-pattern pass over every line for every trigger at once, made once per document and
  renumbered to the lines left for each later pass of the fixpoint.

`CandidateIndex` is built once per Cleaner: it decides when the native paths run
(`accelerate`), sets up the scanner and the tables that say which triggers it can prefilter.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterator, Sequence

import regex

from cleaner import native, scanner
from cleaner.document import Document, Lines
from cleaner.kinds import MATCH_TIMEOUT_S, RULE_MAX_LINE_CHARS, TRIGGER_KEY, Budget, Rule, position_dependent
from cleaner.prefilter import AnchoredSet
from cleaner.prose import Profile
from cleaner.scanner import Hits, Positions, Scanner, Trigger

if TYPE_CHECKING:
    from cleaner.packs import Pack

# The native paths cost a one-off set-up: the scanner (cleaner/scanner.py) about a second to
# compile the built-in packs, the line measurement (cleaner/native.py) about 0.15 s to build
# its class table; both are then loaded from the cache in milliseconds. A second is what the
# pure-Python path takes on roughly 1 MB of text. With `accelerate=None` a Cleaner uses them
# from the first document when both are cached, and otherwise sets them up once it has
# cleaned this much, so a one-off small file never pays for the set-up.
SCANNER_WARMUP_CHARS = 1_000_000

def _timeout(budget: Budget | None) -> float:
    return MATCH_TIMEOUT_S if budget is None else budget.timeout()


def _rule_lines(lines: Lines) -> Iterator[tuple[int, str]]:
    """(index, stripped text) of the lines rules and fingerprints look at (not blank, not too
    long), made as they are read: a list of them would cost a tuple and an int per line."""
    return ((i, s) for i, (s, t) in enumerate(zip(lines.stripped, lines.texts)) if s and len(t) <= RULE_MAX_LINE_CHARS)


def _rule_texts(lines: Lines) -> list[str]:
    """The texts of the lines rules and fingerprints look at."""
    return [s for _, s in _rule_lines(lines)]


class CandidateIndex:
    """Per Cleaner: when the native paths run, the scanner, and what it can prefilter."""

    def __init__(self, packs: Sequence["Pack"], accelerate: bool | None):
        self.packs = tuple(packs)
        self.accelerate = accelerate
        self.site_packs = {p.name: p for p in self.packs if p.is_site}
        # What a later pass of the fixpoint runs of each pack (see pipeline's docstring).
        self.rerun = {p.name: [r for r in p.rules if position_dependent(r)] for p in self.packs}
        self.fingerprint_filter = AnchoredSet([b for p in self.packs if p.is_site for b in p.anchored_fingerprints()])
        self.scanner: Scanner | None = None
        self._seen_chars = 0
        self._native_on = False
        if accelerate:
            self._start_scanner()
            native.enable()
            self._native_on = True

    def triggers(self) -> tuple[list[Trigger], dict[str, int], dict[str, list[int]]]:
        """Every pattern the scanner can prefilter: each rule's trigger and each fingerprint."""
        triggers: list[Trigger] = []
        by_rule: dict[str, int] = {}
        by_fingerprint: dict[str, list[int]] = {}  # a site pack's fingerprints' triggers, in order
        for pack in self.packs:
            for rule in pack.rules:
                pat = rule.options[TRIGGER_KEY[rule.kind]]
                by_rule[rule.id] = len(triggers)
                triggers.append(Trigger(pat.source, bool(pat.flags & regex.IGNORECASE),
                                        anchored=rule.kind == "label"))
            for fp in pack.fingerprints:
                by_fingerprint.setdefault(pack.name, []).append(len(triggers))
                triggers.append(Trigger(fp.source, bool(fp.flags & regex.IGNORECASE)))
        return triggers, by_rule, by_fingerprint

    def _start_scanner(self) -> None:
        # `scanner` is set last: a thread that finds it set finds everything it needs set
        if self.scanner is not None or not scanner.available():
            return
        triggers, self.rule_trigger, self.fingerprint_trigger = self.triggers()
        started = Scanner(triggers)
        compiled = started.compiled_ids
        # Per site pack: how many fingerprints the scanner cannot prefilter (they may match
        # anywhere), and the triggers of those it can (they may match only where it found them).
        self.fingerprint_screen = {
            name: (sum(k not in compiled for k in ks), frozenset(k for k in ks if k in compiled))
            for name, ks in self.fingerprint_trigger.items()}
        # When every site pack needs some fingerprint the scan can find: all their triggers
        # (a scan that found none of them recognises no site); else None.
        self.any_fingerprint = frozenset().union(*(screened for _, screened in self.fingerprint_screen.values())) \
            if all(self.fingerprint_screen[p.name][0] < p.min_fingerprints for p in self.site_packs.values()) else None
        # Per pack: its rules by trigger, and the triggers the scanner cannot prefilter.
        self.rule_at = {p.name: {self.rule_trigger[r.id]: r for r in p.rules} for p in self.packs}
        self.unscreened = {p.name: frozenset(k for k in self.rule_at[p.name] if k not in compiled)
                           for p in self.packs}
        # The triggers of the rules a later pass runs again, when the scanner prefilters
        # them all (else None): a later pass where it found none of them applies no rule.
        again = frozenset(self.rule_trigger[r.id] for rules in self.rerun.values() for r in rules)
        self.rerun_triggers = again if again <= compiled else None
        self.scanner = started

    # --- per document -------------------------------------------------------------------------

    def measure(self, lines: Lines, texts: list[str], chars: int) -> tuple[Hits | None, Profile | None]:
        """A document's scanner hits and every line's Features, where the native paths run
        for it (else None, None: patterns try their lines, heuristics measure as they go).
        `texts` are the lines' stripped texts, `chars` the document's length."""
        if not self._accelerated(lines):
            return None, None
        hits = None
        if self.scanner is not None:
            if chars > RULE_MAX_LINE_CHARS and max(map(len, lines.texts)) > RULE_MAX_LINE_CHARS:
                texts = [t if len(line) <= RULE_MAX_LINE_CHARS else "" for t, line in zip(texts, lines.texts)]  # rules skip those
            hits = self.scanner.scan(texts)
        profile = Profile(texts, native.measure_lines(texts)) if native.enabled() else None
        return hits, profile

    @staticmethod
    def renumbered(hits: Hits | None, origin: list[int]) -> Hits | None:
        """The first pass's hits for a later pass, whose k-th line is the input's `origin[k]`."""
        return None if hits is None else hits.renumbered(Positions(origin))

    def of(self, doc: Document) -> "RegexCandidates | ScannerCandidates":
        """The candidates of one document in one pass."""
        return RegexCandidates(self, doc) if doc.hits is None else ScannerCandidates(self, doc, doc.hits)

    def _accelerated(self, lines: Lines) -> bool:
        """Do the native paths (scanner, line measurement) run for this document? Always with
        accelerate=True, never with False; with None from the first document when both are
        cached, else once SCANNER_WARMUP_CHARS of text have been cleaned."""
        if self.accelerate is False:
            return False
        if not self._native_on:
            if self.accelerate is None:
                if self._seen_chars == 0 and self._set_up_is_free():
                    self._seen_chars = SCANNER_WARMUP_CHARS
                self._seen_chars += sum(map(len, lines.texts))
                if self._seen_chars < SCANNER_WARMUP_CHARS:
                    return False
            self._start_scanner()
            native.enable()
            self._native_on = True
        return True

    def _set_up_is_free(self) -> bool:
        """Are the scanner's database and the native class table cached (where installed)?"""
        scanner_ready = not scanner.available() or Scanner.cached(self.triggers()[0])
        return scanner_ready and (not native.compiled() or native.enabled() or native.cached())


class RegexCandidates:
    """Without the scanner: each pack's start-anchored triggers prefiltered line by line (one
    match per line for all of them); any other rule or fingerprint tries every line."""

    def __init__(self, index: CandidateIndex, doc: Document):
        self.index, self.doc = index, doc

    def site(self, timed_out: list[str], budget: Budget | None) -> str | None:
        """The first site pack whose fingerprints match (timeouts noted in `timed_out`)."""
        texts = _rule_texts(self.doc.lines)
        candidates = self.index.fingerprint_filter.candidates(enumerate(texts), timeout=_timeout(budget))
        return next((p.name for p in self.index.site_packs.values()
                     if p.recognises(texts, candidates, timed_out, budget)), None)

    def nothing_to_rerun(self, names: frozenset[str]) -> bool:
        return False  # without the scanner, a later pass cannot tell

    def rules(self, pack: "Pack", rules: list[Rule], budget: Budget | None) -> Iterator[tuple[Rule, set[int] | None]]:
        """Each rule to try, in order, with the lines it may fire on (None: every line)."""
        candidates = pack.prefilter.candidates(_rule_lines(self.doc.lines), timeout=_timeout(budget))
        for rule in rules:
            yield rule, candidates if rule.id in pack.anchored else None


class ScannerCandidates:
    """With the scanner's hits: a rule or fingerprint is tried only on the lines its trigger
    may match, plus the lines that were not scanned (the anchored prefilter covers those)."""

    def __init__(self, index: CandidateIndex, doc: Document, hits: Hits):
        self.index, self.doc, self.hits = index, doc, hits

    def site(self, timed_out: list[str], budget: Budget | None) -> str | None:
        """The first site pack whose fingerprints match, each fingerprint tried on the lines
        it may match and on the lines that were not scanned."""
        index, hits, lines = self.index, self.hits, self.doc.lines.stripped
        matched = hits.matched.keys()  # triggers found somewhere (in an earlier pass: maybe on lines gone since)
        if not hits.unscanned and index.any_fingerprint is not None and matched.isdisjoint(index.any_fingerprint):
            return None  # the common case: no fingerprint of any site found
        unscanned = [lines[i] for i in sorted(hits.unscanned)]
        everywhere: list[str] | None = None
        for pack in index.site_packs.values():
            if not unscanned:
                anywhere, screened = index.fingerprint_screen[pack.name]
                if anywhere + len(matched & screened) < pack.min_fingerprints:
                    continue  # too few of its fingerprints may match anywhere
            where: list[Sequence[str]] = []
            for k in index.fingerprint_trigger[pack.name]:
                found = hits.lines(k)
                if found is None:
                    if everywhere is None:
                        everywhere = _rule_texts(self.doc.lines)
                    where.append(everywhere)
                else:
                    where.append([lines[i] for i in sorted(found)] + unscanned)
            if pack.recognises_in(where, timed_out, budget):
                return pack.name
        return None

    def nothing_to_rerun(self, names: frozenset[str]) -> bool:
        """In a later pass (every pack in `names` already applied): no rule it would run again
        has a trigger in the lines left, so the rules stage has nothing to do."""
        hits, again = self.hits, self.index.rerun_triggers
        return (not hits.unscanned and again is not None and names <= self.doc.applied
                and not any(map(hits.lines, again & hits.matched.keys())))

    def rules(self, pack: "Pack", rules: list[Rule], budget: Budget | None) -> Iterator[tuple[Rule, set[int] | None]]:
        """Each rule that may fire, in order, with the lines it may fire on (None: every line)."""
        hits, trigger = self.hits, self.index.rule_trigger
        candidates = None
        if hits.unscanned:  # the scanner saw the other lines; the anchored prefilter covers the rest
            stripped = self.doc.lines.stripped
            candidates = pack.prefilter.candidates([(i, stripped[i]) for i in sorted(hits.unscanned)],
                                                   timeout=_timeout(budget))
        for rule in self._worth_trying(pack, rules):
            may_match = hits.lines(trigger[rule.id])
            if may_match is None:
                yield rule, None  # not prefiltered: the rule tries every line
            elif not hits.unscanned:
                yield rule, may_match  # every line was scanned
            else:
                anchored = candidates if rule.id in pack.anchored else None
                yield rule, may_match | (hits.unscanned if anchored is None else anchored)

    def _worth_trying(self, pack: "Pack", rules: list[Rule]) -> list[Rule]:
        """The rules whose trigger the scanner found somewhere or could not prefilter, in
        order; every rule when some lines were not scanned (they are candidates for all)."""
        hits = self.hits
        if hits.unscanned:
            return rules
        rule_at = self.index.rule_at[pack.name]  # by trigger, and triggers follow the pack's rule order
        found = (hits.matched.keys() & rule_at.keys()) | self.index.unscreened[pack.name]
        if rules is pack.rules:
            return list(map(rule_at.__getitem__, sorted(found)))
        trigger = self.index.rule_trigger
        return [r for r in rules if trigger[r.id] in found]
