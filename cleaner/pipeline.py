"""The whole flow, as a short list of stages.

    text ─ split into lines
         ─ detect site        which site packs apply (fingerprints, or the user's hint)
         ─ apply rule packs   line / label / section rules from rules/*.toml
         ─ heuristics         teaser tails, credit tails, ... (cleaner/heuristics/)
         ─ second copies      drop repeats of text already kept
         ─ tidy blank lines   drop the blank lines that framed removed text
         ─ assemble           the kept lines, byte for byte, in order

Each stage takes the Document and returns it with more removals attached; nothing is ever
rewritten. Removing lines can expose new chrome (a teaser list that a widget line hid), so
the pipeline runs again on its own output until nothing more goes: that is what makes
`clean(clean(x)) == clean(x)` hold by construction, and the property tests check it. (A later
pass skips the rules that already passed over the same lines, since a rule that did not fire
on a line cannot fire on it now; only position-dependent sections that still have a line to
open on, and the packs of a newly recognised site, run again. Likewise a heuristic is skipped
while the kept lines it decides from are the ones it left: see heuristics/base.py.)
"""
from __future__ import annotations

from collections import Counter
from functools import partial
from itertools import chain, compress, repeat
from operator import is_, itemgetter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

import regex

from cleaner.disabling import check_disabled
from cleaner.document import Decision, Document, Line, Numbering, Removal, _native, split_lines, split_lines_python
from cleaner.errors import CleanerError, RulePackError
from cleaner.heuristics import ALL as ALL_HEURISTICS, CONTENT_HEURISTICS, SECOND_COPY, Heuristic
from cleaner.kinds import (MATCH_TIMEOUT_S, REGEX_BUDGET_S, RULE_MAX_LINE_CHARS, TRIGGER_KEY, Budget, BudgetSpent,
                           PatternTimeout, Rule, apply_rule, position_dependent)
from cleaner.packs import Pack, builtin_dir, load_dir, parse_pack
from cleaner.prefilter import AnchoredSet
from cleaner import native, scanner
from cleaner.prose import Profile
from cleaner.scanner import Hits, Positions, Scanner, Trigger

Stage = Callable[[Document], Document]

# The native paths cost a one-off set-up: the scanner (cleaner/scanner.py) about a second to
# compile the built-in packs, the line measurement (cleaner/native.py) about 0.15 s to build
# its class table; both are then loaded from the cache in milliseconds. A second is what the
# pure-Python path takes on roughly 1 MB of text. With `accelerate=None` a Cleaner uses them
# from the first document when both are cached, and otherwise sets them up once it has
# cleaned this much, so a one-off small file never pays for the set-up.
SCANNER_WARMUP_CHARS = 1_000_000

# In a document of at least this many characters, runs of blank lines are held as one line
# each (document.split_lines): a blank line carries no decision of its own, and memory then
# grows with the lines that hold text, not with the blank ones. A shorter document has too few
# lines for that to matter (64 K blank lines cost about 12 MB), and is spared the renumbering
# of its decisions (a few percent of the time of the bench documents that have blank runs).
# Compacting changes no decision (tests clean with this at 0 and at infinity).
COMPACT_MIN_CHARS = 1 << 16

# Noted in Document.applied when no site pack recognised the document (see detect_site).
NO_SITE = "detect-site/none"

TIDY = Removal(rule="layout/blank", source="layout",
               reason="blank line that framed removed text", family="layout")


class Decisions(Sequence[Decision]):
    """One Decision per input line, as a read-only sequence (equal to the tuple of them).

    A run records its removals (line index -> Removal); the Decision of every line is built
    on the first read of the whole sequence, in one native call. `removed()` builds only the
    removed lines' decisions, which is what summaries and --explain-field read: most lines
    are kept, and a Decision per kept line says nothing the line number does not."""

    __slots__ = ("_lines", "_removals", "_all", "_numbering")

    def __init__(self, lines: Sequence[Line], removals: dict[int, Removal], numbering: Numbering | None = None):
        self._lines = lines
        self._removals = removals  # by 0-based line index
        self._all: tuple[Decision, ...] | None = None
        # Where blank runs were compacted (see document.split_lines): `lines` are the
        # compacted lines, and each decision is given the input's numbering and one per
        # line of a run, when built.
        self._numbering = numbering

    def _built(self) -> tuple[Decision, ...]:
        if self._all is None:
            built = decisions(self._lines, self._removals)
            self._all = built if self._numbering is None else self._expanded(built)
        return self._all

    def removed(self) -> list[Decision]:
        """The decisions of the removed lines, in line order."""
        gone = decisions(self._lines, self._removals, removed_only=True)
        return list(gone if self._numbering is None else self._expanded(gone))

    def _expanded(self, compacted: Iterable[Decision]) -> tuple[Decision, ...]:
        """The decisions of the compacted lines, numbered as in the input, a compacted run's
        one decision given to each of its lines (built only when asked for)."""
        locate = self._numbering.locate  # type: ignore[union-attr]
        out: list[Decision] = []
        for d in compacted:
            number, size = locate(d.line)
            if size == 1:
                out.append(_as_decision((number, *d[1:])))
                continue
            line = self._lines[d.line - 1]  # a compacted line's number is its position
            for k, member in enumerate(split_lines_python(line.text + line.ending)):
                out.append(_as_decision((number + k, d.kept, member.text, *d[3:])))
        return tuple(out)

    def any_removed(self) -> bool:
        return bool(self._removals)

    def families(self) -> Counter[str]:
        """Removed lines with text per rule family, counted from the removals themselves:
        a summary needs no Decision built per removed line (a third of what the JSONL path
        spent per record besides cleaning). In one native call where cleaner._native is."""
        if _native is not None:
            out = Counter(_native.families(self._lines, self._removals))
        else:
            out = families_python(self._lines, self._removals)
        for none in (None, ""):  # a removal without a family counts as "other"
            if none in out:
                out["other"] += out.pop(none)
        return out

    def __len__(self) -> int:
        return len(self._lines) if self._numbering is None else self._numbering.lines(len(self._lines))

    def __getitem__(self, index):  # type: ignore[override]
        return self._built()[index]

    def __iter__(self) -> Iterator[Decision]:
        return iter(self._built())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Decisions):
            other = other._built()
        return self._built() == other if isinstance(other, tuple) else NotImplemented

    def __hash__(self) -> int:
        return hash(self._built())

    def __repr__(self) -> str:
        return f"Decisions({self._built()!r})"

    def __reduce__(self):  # pickled as what it is built from
        return Decisions, (tuple(self._lines), self._removals, self._numbering)


@dataclass(frozen=True)
class CleanResult:
    """What `clean` returns: the cleaned text and one decision per input line."""

    text: str
    decisions: Decisions
    site: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def removed(self) -> list[Decision]:
        return self.decisions.removed()

    def removed_text(self) -> list[Decision]:
        """The removed lines that hold text (blank lines left out)."""
        gone = self.removed
        return list(compress(gone, map(str.strip, map(itemgetter(2), gone))))

    def families(self) -> Counter[str]:
        """Removed lines with text per rule family (one count per line, for summaries)."""
        return self.decisions.families()

    @property
    def changed(self) -> bool:
        return self.decisions.any_removed()

    def counts(self, *, blank: bool = False) -> Counter[str]:
        """Removed lines per rule id (blank lines left out unless asked for)."""
        return Counter(d.rule or "?" for d in self.removed if blank or d.text.strip())

    def __str__(self) -> str:
        return self.text


@dataclass
class Cleaner:
    """Rule packs loaded and compiled once; `clean` many documents with it.

    rule_dirs:  extra directories of `*.toml` packs, loaded after the built-in ones.
    disabled:   rule or heuristic ids to switch off (e.g. "general/byline",
                "heuristic/teaser-tail"); a whole pack or family with "general/*", "family:teaser".
    site:       a site pack name: use it (and no other site pack) without detection.
    builtin:    load the packs shipped in rules/ (default True).
    extra_packs: packs given as (name shown in messages, TOML text), loaded last; how a pack
                learned from the corpus in the same run (`--corpus-chrome`) reaches the workers.
    accelerate: use the native paths, where installed: the scanner that finds each rule's
                candidate lines and the compiled line measurement (True: from the start;
                None: after SCANNER_WARMUP_CHARS of text, or at once when cached; False:
                never). The decisions are the same either way; only the speed differs.
    regex_budget: seconds that all the rule searches on one document may take, per million
                characters of its text (and for a shorter document); then the rules left
                are skipped for it, with a warning (see kinds.REGEX_BUDGET_S). None: no limit
                but each search's own (MATCH_TIMEOUT_S).
    """

    rule_dirs: Sequence[Path | str] = ()
    disabled: Iterable[str] = ()
    site: str | None = None
    builtin: bool = True
    extra_packs: Sequence[tuple[str, str]] = ()
    accelerate: bool | None = None
    regex_budget: float | None = REGEX_BUDGET_S
    packs: tuple[Pack, ...] = field(init=False)
    heuristics: tuple[Heuristic, ...] = field(init=False)
    fingerprint_filter: AnchoredSet = field(init=False, repr=False)

    def __post_init__(self) -> None:
        dirs = ([builtin_dir()] if self.builtin else []) + [Path(d) for d in self.rule_dirs]
        packs: list[Pack] = []
        for d in dirs:
            packs.extend(load_dir(d))
        packs.extend(parse_pack(text, shown) for shown, text in self.extra_packs)
        names = Counter(p.name for p in packs)
        dup = [n for n, c in names.items() if c > 1]
        if dup:
            where = [p.source for p in packs if p.name == dup[0]]
            raise RulePackError(where[-1], f"pack name '{dup[0]}' is already used by {where[0]}")
        if self.regex_budget is not None and not self.regex_budget > 0:
            raise CleanerError(f"the time budget for rule searches must be more than 0 seconds, not {self.regex_budget}")
        self.disabled = frozenset(self.disabled)
        check_disabled(self.disabled, packs, ALL_HEURISTICS)
        if self.site is not None and self.site not in {p.name for p in packs if p.is_site}:
            known = ", ".join(sorted(p.name for p in packs if p.is_site)) or "none"
            raise CleanerError(f"unknown site '{self.site}' (site packs: {known})")
        self.packs = tuple(
            Pack(p.name, p.description, p.source,
                 tuple(r for r in p.rules if self._enabled(r.id, r.family)),
                 p.fingerprints, p.min_fingerprints)
            for p in packs
        )
        self.heuristics = tuple(h for h in ALL_HEURISTICS if self._enabled(h.id, h.family))
        self._site_packs = {p.name: p for p in self.packs if p.is_site}
        self._general_packs = [p for p in self.packs if not p.is_site]
        # What a later pass of the fixpoint runs of each pack (see the module docstring).
        self._rerun = {p.name: [r for r in p.rules if position_dependent(r)] for p in self.packs}
        self._names: dict[str | None, frozenset[str]] = {}  # the names of the packs apply_rules runs, by site
        self.fingerprint_filter = AnchoredSet([b for p in self.packs if p.is_site for b in p.anchored_fingerprints()])
        self._scanner: Scanner | None = None
        self._stages: tuple[tuple[Heuristic, ...] | None, list[Stage]] = (None, [])
        self._seen_chars = 0
        self._native_on = False
        if self.accelerate:
            self._start_scanner()
            native.enable()
            self._native_on = True

    def _triggers(self) -> tuple[list[Trigger], dict[str, int], dict[str, list[int]]]:
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
            for k, fp in enumerate(pack.fingerprints):
                by_fingerprint.setdefault(pack.name, []).append(len(triggers))
                triggers.append(Trigger(fp.source, bool(fp.flags & regex.IGNORECASE)))
        return triggers, by_rule, by_fingerprint

    def __reduce__(self):
        """Pickled as what it is built from (its packs are loaded and its scanner compiled
        again when unpickled): a Cleaner that has cleaned pickles to the same bytes as a
        fresh one, so `datasets.map` can fingerprint it, and no compiled state travels."""
        return Cleaner, (tuple(map(str, self.rule_dirs)), tuple(sorted(self.disabled)), self.site, self.builtin,
                         tuple(map(tuple, self.extra_packs)), self.accelerate, self.regex_budget)

    def _start_scanner(self) -> None:
        # `_scanner` is set last: a thread that finds it set finds everything it needs set
        if self._scanner is None and scanner.available():
            triggers, self._rule_trigger, self._fingerprint_trigger = self._triggers()
            started = Scanner(triggers)
            compiled = started.compiled_ids
            # Per site pack: how many fingerprints the scanner cannot prefilter (they may match
            # anywhere), and the triggers of those it can (they may match only where it found them).
            self._fingerprint_screen = {
                name: (sum(k not in compiled for k in ks), frozenset(k for k in ks if k in compiled))
                for name, ks in self._fingerprint_trigger.items()}
            # When every site pack needs some fingerprint the scan can find: all their triggers
            # (a scan that found none of them recognises no site); else None.
            self._any_fingerprint = frozenset().union(*(screened for _, screened in self._fingerprint_screen.values())) \
                if all(self._fingerprint_screen[p.name][0] < p.min_fingerprints for p in self._site_packs.values()) else None
            # Per pack: its rules by trigger, and the triggers the scanner cannot prefilter.
            self._rule_at = {p.name: {self._rule_trigger[r.id]: r for r in p.rules} for p in self.packs}
            self._unscreened = {p.name: frozenset(k for k in self._rule_at[p.name] if k not in compiled)
                                for p in self.packs}
            # The triggers of the rules a later pass runs again, when the scanner prefilters
            # them all (else None): a later pass where it found none of them applies no rule.
            again = frozenset(self._rule_trigger[r.id] for rules in self._rerun.values() for r in rules)
            self._rerun_triggers = again if again <= compiled else None
            self._scanner = started

    def _enabled(self, rule_id: str, family: str) -> bool:
        pack = rule_id.split("/", 1)[0]
        return not ({rule_id, f"{pack}/*", f"family:{family}"} & self.disabled)

    @property
    def rules(self) -> list[Rule]:
        return [r for p in self.packs for r in p.rules]

    # --- the stages -----------------------------------------------------------------------

    def stages(self) -> list[Stage]:
        if self._stages[0] is not self.heuristics:  # built once per set of heuristics
            content = [h for h in self.heuristics if h in CONTENT_HEURISTICS]
            copies = [h for h in self.heuristics if h is SECOND_COPY]
            self._stages = (self.heuristics, [self.detect_site, self.apply_rules, *content, *copies, tidy_blank_lines])
        return self._stages[1]

    def detect_site(self, doc: Document) -> Document:
        """Name the site whose fingerprints the text carries (or the user's hint).

        A site is recognised by fingerprints matching some of its lines; a later pass of the
        fixpoint sees a subset of these lines, so where no site was recognised none will be:
        that is noted in `applied` (NO_SITE) and the later passes skip the search."""
        if self.site is not None:
            return doc if doc.site == self.site else doc.with_site(self.site)
        if NO_SITE in doc.applied:
            return doc if doc.site is None else doc.with_site(None)
        timed_out: list[str] = []  # fingerprints whose search ran out of time
        budget = doc.budget
        if budget is not None:
            if budget.spent:
                return doc  # the document's rule searches are over (see Cleaner.clean)
            budget.start()
        try:
            if doc.hits is not None:
                site = self._detect_with_hits(doc, doc.hits, timed_out, budget)
            else:
                texts = [ln.stripped for ln in doc.lines if not ln.blank and len(ln.text) <= RULE_MAX_LINE_CHARS]
                candidates = self.fingerprint_filter.candidates(
                    enumerate(texts), timeout=MATCH_TIMEOUT_S if budget is None else budget.timeout())
                site = next((p.name for p in self._site_packs.values()
                             if p.recognises(texts, candidates, timed_out, budget)), None)
        except BudgetSpent:
            site = None  # no site recognised in the time there was
        finally:
            if budget is not None:
                budget.stop()
        if timed_out:
            doc = doc.but(warnings=doc.warnings + tuple(w for w in dict.fromkeys(timed_out) if w not in doc.warnings))
        if site is None:
            return doc.but(site=None, applied=doc.applied | {NO_SITE})
        return doc.with_site(site)

    def _detect_with_hits(self, doc: Document, hits: Hits, timed_out: list[str], budget: Budget | None) -> str | None:
        """detect_site on the scanner's candidate lines: a fingerprint is tried on the lines
        it may match and on the lines that were not scanned."""
        matched = hits.matched.keys()  # triggers found somewhere (in an earlier pass: maybe on lines gone since)
        if not hits.unscanned and self._any_fingerprint is not None and matched.isdisjoint(self._any_fingerprint):
            return None  # the common case: no fingerprint of any site found
        lines = doc.lines
        unscanned = [lines[i].stripped for i in sorted(hits.unscanned)]
        everywhere: list[str] | None = None
        for pack in self._site_packs.values():
            if not unscanned:
                anywhere, screened = self._fingerprint_screen[pack.name]
                if anywhere + len(matched & screened) < pack.min_fingerprints:
                    continue  # too few of its fingerprints may match anywhere
            founds = [hits.lines(k) for k in self._fingerprint_trigger[pack.name]]
            where: list[Sequence[str]] = []
            for found in founds:
                if found is None:
                    if everywhere is None:
                        everywhere = [ln.stripped for ln in lines
                                      if not ln.blank and len(ln.text) <= RULE_MAX_LINE_CHARS]
                    where.append(everywhere)
                else:
                    where.append([lines[i].stripped for i in sorted(found)] + unscanned)
            if pack.recognises_in(where, timed_out, budget):
                return pack.name
        return None

    def apply_rules(self, doc: Document) -> Document:
        """The detected site's pack first (its explanations are the most specific), then the
        general packs; the first rule to claim a line is the one reported."""
        warnings: list[str] = []
        site = self._site_packs.get(doc.site)  # type: ignore[arg-type]
        active = self._general_packs if site is None else [site, *self._general_packs]
        names = self._names.get(doc.site) or self._names.setdefault(doc.site, frozenset(p.name for p in active))
        hits = doc.hits
        if hits is not None and not hits.unscanned and self._rerun_triggers is not None and names <= doc.applied \
                and not any(map(hits.lines, self._rerun_triggers & hits.matched.keys())):
            return doc  # a later pass, and no rule it would run again has a trigger in the lines left
        budget = doc.budget
        if budget is not None:
            if budget.spent:
                return doc  # the document's rule searches are over (see Cleaner.clean)
            budget.start()
        removed: dict[int, Removal] = dict(doc.removed)  # also the lines no rule may claim now
        try:
            self._apply_packs(doc, active, removed, warnings)
        except BudgetSpent:
            pass  # the rules left are skipped; what the others removed stays
        finally:
            if budget is not None:
                budget.stop()
        # `removed` holds the document's own removals and the new ones, each line's first
        return doc.but(removed=removed, warnings=doc.warnings + tuple(warnings) if warnings else None,
                       applied=doc.applied if names <= doc.applied else doc.applied | names)

    def _apply_packs(self, doc: Document, active: list[Pack], removed: dict[int, Removal], warnings: list[str]) -> None:
        """apply_rules' work: each pack's rules, in order, add their removals to `removed` (in
        place, so that what they found stays when the document's budget runs out: BudgetSpent)."""
        hits, budget = doc.hits, doc.budget
        texts: list[tuple[int, str]] | None = None  # the lines rules look at, when needed
        for pack in active:
            rules = self._rerun[pack.name] if pack.name in doc.applied else pack.rules
            if not rules:
                continue  # they saw these very lines in an earlier pass and passed them over
            if hits is None:
                if texts is None:
                    texts = [(i, ln.stripped) for i, ln in enumerate(doc.lines)
                             if not ln.blank and len(ln.text) <= RULE_MAX_LINE_CHARS]
                candidates = pack.prefilter.candidates(
                    texts, timeout=MATCH_TIMEOUT_S if budget is None else budget.timeout())
            elif hits.unscanned:  # the scanner saw the other lines; the anchored prefilter covers the rest
                candidates = pack.prefilter.candidates(
                    [(i, doc.lines[i].stripped) for i in sorted(hits.unscanned)],
                    timeout=MATCH_TIMEOUT_S if budget is None else budget.timeout())
            for rule in rules if hits is None else self._worth_trying(pack, rules, hits):
                if hits is None:
                    only = candidates if rule.id in pack.anchored else None
                elif (may_match := hits.lines(self._rule_trigger[rule.id])) is None:
                    only = None  # not prefiltered: the rule tries every line
                elif not hits.unscanned:
                    only = may_match  # every line was scanned
                else:
                    anchored = candidates if rule.id in pack.anchored else None
                    only = may_match | (hits.unscanned if anchored is None else anchored)
                if only is not None and not only:
                    continue  # no line it could fire on
                try:
                    found = apply_rule(rule, doc, removed, only)
                except PatternTimeout:
                    warnings.append(f"rule {rule.id} ({rule.source}) timed out on this document and was skipped")
                    continue
                if found:
                    for i in found.keys() & removed.keys():  # a line keeps the first reason it was given
                        del found[i]
                    removed.update(found)

    def _worth_trying(self, pack: Pack, rules: list[Rule], hits: Hits) -> list[Rule]:
        """The rules that may fire on a scanned document, in order: those whose trigger the
        scanner found somewhere or could not prefilter; every rule when some lines were not
        scanned (those lines are candidates for every rule)."""
        if hits.unscanned:
            return rules
        rule_at = self._rule_at[pack.name]  # by trigger, and triggers follow the pack's rule order
        found = (hits.matched.keys() & rule_at.keys()) | self._unscreened[pack.name]
        if rules is pack.rules:
            return list(map(rule_at.__getitem__, sorted(found)))
        trigger = self._rule_trigger
        return [r for r in rules if trigger[r.id] in found]

    # --- the whole run ----------------------------------------------------------------------

    def run_once(self, doc: Document) -> Document:
        for stage in self.stages():
            doc = stage(doc)
        return doc

    def _accelerated(self, lines: Sequence[Line]) -> bool:
        """Do the native paths (scanner, line measurement) run for this document? Always with
        accelerate=True, never with False; with None from the first document when both are
        cached, else once SCANNER_WARMUP_CHARS of text have been cleaned."""
        if self.accelerate is False:
            return False
        if not self._native_on:
            if self.accelerate is None:
                if self._seen_chars == 0 and self._set_up_is_free():
                    self._seen_chars = SCANNER_WARMUP_CHARS
                self._seen_chars += sum(len(ln.text) for ln in lines)
                if self._seen_chars < SCANNER_WARMUP_CHARS:
                    return False
            self._start_scanner()
            native.enable()
            self._native_on = True
        return True

    def _set_up_is_free(self) -> bool:
        """Are the scanner's database and the native class table cached (where installed)?"""
        scanner_ready = not scanner.available() or Scanner.cached(self._triggers()[0])
        return scanner_ready and (not native.compiled() or native.enabled() or native.cached())

    def _scan(self, lines: Sequence[Line], texts: list[str], chars: int) -> Hits | None:
        """Where each rule trigger may match, by the native scanner (None: not running);
        `chars` is the document's length (no line is longer)."""
        if self._scanner is None:
            return None
        if chars > RULE_MAX_LINE_CHARS and max(map(len, map(itemgetter(1), lines))) > RULE_MAX_LINE_CHARS:
            # rules skip such lines
            texts = [t if len(ln.text) <= RULE_MAX_LINE_CHARS else "" for t, ln in zip(texts, lines)]
        return self._scanner.scan(texts)

    @staticmethod
    def _profile(texts: list[str]) -> Profile | None:
        """Every line's Features in one native call (None: not running; the heuristics
        measure lines as they go)."""
        if not native.enabled():
            return None
        return Profile(texts, native.measure_lines(texts))

    def clean(self, text: str) -> CleanResult:
        """Clean one document; see the module docstring for the flow."""
        texts: list[str] = []  # each line's `stripped`
        runs: list[int] = []  # where runs of blank lines were compacted (see document.split_lines)
        lines = tuple(split_lines(text, texts, runs if len(text) >= COMPACT_MIN_CHARS else None))
        numbering = Numbering(runs) if runs else None
        scanned: Hits | None = None  # by original line index; renumbered for each later pass
        profile: Profile | None = None
        if self._accelerated(lines):
            scanned, profile = self._scan(lines, texts, len(text)), self._profile(texts)
        removed: dict[int, Removal] = {}  # by the line's index in the input
        site: str | None = None
        warnings: list[str] = []
        current: tuple[Line, ...] = lines
        origin: list[int] = []  # in a later pass, each current line's index in the input
        applied: frozenset[str] = frozenset()
        views: dict[str, int] = {}  # filled in place by the heuristics (see Document.views)
        budget = None if self.regex_budget is None else Budget(self.regex_budget * max(1.0, len(text) / 1e6))
        while True:
            hits = scanned
            if scanned is not None and current is not lines:
                hits = scanned.renumbered(Positions(origin))
            doc = self.run_once(Document.start(current, applied, views, hits, profile, numbering, budget))
            applied = doc.applied
            site = site or doc.site
            if doc.warnings:
                warnings.extend(w for w in doc.warnings if w not in warnings)
            if not doc.removed:
                break
            if current is lines:  # the first pass: its indices are the input's
                removed.update(doc.removed)
                origin = doc.kept_indices()
            else:
                removed.update(zip(map(origin.__getitem__, doc.removed), doc.removed.values()))
                origin = list(map(origin.__getitem__, doc.kept_indices()))
            current = tuple(map(current.__getitem__, doc.kept_indices()))
            if not any(map(itemgetter(3), current)) or all(map(is_, doc.removed.values(), repeat(TIDY))):
                break
        if budget is not None and budget.spent:
            warnings.append(budget_warning(self.regex_budget))  # type: ignore[arg-type]
        return CleanResult(
            text=assemble(current, final_newline=bool(lines) and lines[-1].ending != ""),
            decisions=Decisions(lines, removed, numbering),
            site=site,
            warnings=tuple(warnings),
        )


def budget_warning(seconds: float) -> str:
    """The warning of a document whose time budget for rule searches ran out: the same for
    every such document (the JSONL summary counts documents per warning)."""
    return (f"rule searches ran out of this document's time budget ({seconds:g} s per million characters, "
            "--regex-budget) and the rules not yet applied were skipped")


_TEXT_AND_ENDING = itemgetter(1, 2)  # a Line's text and ending
_as_decision = partial(tuple.__new__, Decision)  # Decision(*fields) without its Python-level __new__


def decisions(lines: Sequence[Line], removed: dict[int, Removal], removed_only: bool = False) -> tuple[Decision, ...]:
    """One decision per input line (`removed` maps 0-based line indices to removals), or
    with `removed_only` those of the removed lines, in line order: built in one compiled call
    where cleaner._native is, since there is one per line."""
    if _native is not None:
        return _native.decisions(lines, removed, Decision, removed_only)
    return decisions_python(lines, removed, removed_only)


def families_python(lines: Sequence[Line], removed: dict[int, Removal]) -> Counter[str]:
    """Decisions.families without the compiled module, before a missing family counts as
    "other" (and what tests hold the compiled one to)."""
    n = len(lines)
    return Counter(r.family for i, r in removed.items() if isinstance(i, int) and 0 <= i < n and not lines[i].blank)


def decisions_python(lines: Sequence[Line], removed: dict[int, Removal], removed_only: bool = False) -> tuple[Decision, ...]:
    """decisions without the compiled module, by C-level iteration (and what tests hold the
    compiled one to)."""
    gone = sorted({i for i in removed if isinstance(i, int) and 0 <= i < len(lines)})  # other keys remove nothing
    if removed_only:
        return tuple(_decided(lines[i], removed[i]) for i in gone)
    none = repeat(None)  # zip draws the four empty fields from this one endless iterator
    out = list(map(_as_decision, zip(map(itemgetter(0), lines), repeat(True), map(itemgetter(1), lines),
                                     none, none, none, none)))
    for i in gone:  # fewer, and each needs its Removal's fields
        out[i] = _decided(lines[i], removed[i])
    return tuple(out)


def _decided(line: Line, r: Removal) -> Decision:
    return _as_decision((line.number, False, line.text, r.rule, r.source, r.reason, r.family))


def tidy_blank_lines(doc: Document) -> Document:
    """Drop blank lines at the edges of removed text, keeping the body's own spacing.

    In a gap between two kept lines that held removed text, the blank lines before the first
    removed line stay (the paragraph break) and the rest go; at the start and end of the
    document every blank line of such a gap goes. Gaps with nothing removed are untouched.
    """
    if not doc.removed:
        return doc
    if doc.profile is not None and _native is not None:  # the native paths are on
        drop = _native.tidy(tuple(doc.lines), doc.removed)
    else:
        drop = blank_lines_to_drop(doc.lines, doc.removed)
    return doc.remove(dict.fromkeys(drop, TIDY))


def blank_lines_to_drop(lines: Sequence[Line], removed: Mapping[int, Removal]) -> list[int]:
    """The blank lines tidy_blank_lines drops (cleaner._native's `tidy` is held to this)."""
    out: list[int] = []
    n = len(lines)
    done = -1  # where the last gap handled ends: removed lines before it were in it
    for r in sorted(removed):  # every gap that holds removed text holds a removed line
        if r < done:
            continue
        i = r
        while i > 0 and (i - 1 in removed or lines[i - 1].blank):
            i -= 1
        j = r + 1
        while j < n and (j in removed or lines[j].blank):
            j += 1
        done = j
        gap = range(i, j)
        if any(k in removed and not lines[k].blank for k in gap):
            interior = i > 0 and j < n
            seen_removed = False
            for k in gap:
                if k in removed:
                    seen_removed = True
                elif not interior or seen_removed:
                    out.append(k)
    return out


def assemble(lines: Sequence[Line], *, final_newline: bool) -> str:
    """The kept lines joined with their own endings; the input's final newline (or its
    absence) is kept (in one compiled pass where cleaner._native is)."""
    if _native is not None and type(lines) is tuple:
        return _native.assemble(lines, final_newline)
    return assemble_python(lines, final_newline=final_newline)


def assemble_python(lines: Sequence[Line], *, final_newline: bool) -> str:
    """assemble without the compiled module (and what tests hold the compiled one to)."""
    text = "".join(chain.from_iterable(map(_TEXT_AND_ENDING, lines)))
    if not final_newline and lines and lines[-1].ending:
        text = text[: -len(lines[-1].ending)]
    return text


_DEFAULT: Cleaner | None = None


def default_cleaner() -> Cleaner:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Cleaner()
    return _DEFAULT


def clean(text: str, *, rule_dirs: Sequence[Path | str] = (), disabled: Iterable[str] = (),
          site: str | None = None) -> CleanResult:
    """Clean one document with the built-in packs (plus any `rule_dirs`)."""
    disabled = tuple(disabled)
    if not rule_dirs and not disabled and site is None:
        return default_cleaner().clean(text)
    return Cleaner(rule_dirs=rule_dirs, disabled=disabled, site=site).clean(text)
