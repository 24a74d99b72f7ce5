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

from dataclasses import dataclass, field
from itertools import repeat
from operator import is_
from pathlib import Path
from typing import Callable, Iterable, Sequence

from cleaner.candidates import SCANNER_WARMUP_CHARS, CandidateIndex
from cleaner.disabling import check_disabled, is_enabled, without_disabled
from cleaner.document import Document, Numbering, Removal, split_lines
from cleaner.errors import CleanerError
from cleaner.heuristics import ALL as ALL_HEURISTICS, CONTENT_HEURISTICS, SECOND_COPY, Heuristic
from cleaner.kinds import REGEX_BUDGET_S, Budget, Rule, apply_packs, budget_warning, spending
from cleaner.packs import Pack, load_packs
from cleaner.result import CleanResult, Decisions, assemble
from cleaner.tidy import TIDY, tidy_blank_lines

Stage = Callable[[Document], Document]

# In a document of at least this many characters, runs of blank lines are held as one line
# each (document.split_lines): a blank line carries no decision of its own, and memory then
# grows with the lines that hold text, not with the blank ones. A shorter document has too few
# lines for that to matter (64 K blank lines cost about 12 MB), and is spared the renumbering
# of its decisions (a few percent of the time of the bench documents that have blank runs).
# Compacting changes no decision (tests clean with this at 0 and at infinity).
COMPACT_MIN_CHARS = 1 << 16

# Noted in Document.applied when no site pack recognised the document (see detect_site).
NO_SITE = "detect-site/none"

__all__ = ["Cleaner", "CleanResult", "Decisions", "clean", "default_cleaner", "SCANNER_WARMUP_CHARS"]


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
    candidates: CandidateIndex = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        packs = load_packs(self.rule_dirs, self.extra_packs, builtin=self.builtin)
        if self.regex_budget is not None and not self.regex_budget > 0:
            raise CleanerError(f"the time budget for rule searches must be more than 0 seconds, not {self.regex_budget}")
        self.disabled = frozenset(self.disabled)
        check_disabled(self.disabled, packs, ALL_HEURISTICS)
        if self.site is not None and self.site not in {p.name for p in packs if p.is_site}:
            known = ", ".join(sorted(p.name for p in packs if p.is_site)) or "none"
            raise CleanerError(f"unknown site '{self.site}' (site packs: {known})")
        self.packs = without_disabled(packs, self.disabled)
        self.heuristics = tuple(h for h in ALL_HEURISTICS if is_enabled(h.id, h.family, self.disabled))
        self._site_packs = {p.name: p for p in self.packs if p.is_site}
        self._general_packs = [p for p in self.packs if not p.is_site]
        self._names: dict[str | None, frozenset[str]] = {}  # the names of the packs apply_rules runs, by site
        self._stages: tuple[tuple[Heuristic, ...] | None, list[Stage]] = (None, [])
        self.candidates = CandidateIndex(self.packs, self.accelerate)

    def __reduce__(self):
        """Pickled as what it is built from (its packs are loaded and its scanner compiled
        again when unpickled): a Cleaner that has cleaned pickles to the same bytes as a
        fresh one, so `datasets.map` can fingerprint it, and no compiled state travels."""
        return Cleaner, (tuple(map(str, self.rule_dirs)), tuple(sorted(self.disabled)), self.site, self.builtin,
                         tuple(map(tuple, self.extra_packs)), self.accelerate, self.regex_budget)

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
        if doc.budget is not None and doc.budget.spent:
            return doc  # the document's rule searches are over (see Cleaner.clean)
        timed_out: list[str] = []  # fingerprints whose search ran out of time
        site = None  # also when none was recognised in the time there was
        with spending(doc.budget):
            site = self.candidates.of(doc).site(timed_out, doc.budget)
        if timed_out:
            doc = doc.but(warnings=doc.warnings + tuple(w for w in dict.fromkeys(timed_out) if w not in doc.warnings))
        if site is None:
            return doc.but(site=None, applied=doc.applied | {NO_SITE})
        return doc.with_site(site)

    def apply_rules(self, doc: Document) -> Document:
        """The detected site's pack first (its explanations are the most specific), then the
        general packs; the first rule to claim a line is the one reported."""
        warnings: list[str] = []
        site = self._site_packs.get(doc.site)  # type: ignore[arg-type]
        active = self._general_packs if site is None else [site, *self._general_packs]
        names = self._names.get(doc.site) or self._names.setdefault(doc.site, frozenset(p.name for p in active))
        candidates = self.candidates.of(doc)
        if candidates.nothing_to_rerun(names):
            return doc  # a later pass, and no rule it would run again has a trigger in the lines left
        if doc.budget is not None and doc.budget.spent:
            return doc  # the document's rule searches are over (see Cleaner.clean)
        removed: dict[int, Removal] = dict(doc.removed)  # also the lines no rule may claim now
        with spending(doc.budget):  # when it runs out, the rules left are skipped
            apply_packs(doc, candidates, active, self.candidates.rerun, removed, warnings)
        # `removed` holds the document's own removals and the new ones, each line's first
        return doc.but(removed=removed, warnings=doc.warnings + tuple(warnings) if warnings else None,
                       applied=doc.applied if names <= doc.applied else doc.applied | names)

    # --- the whole run ----------------------------------------------------------------------

    def run_once(self, doc: Document) -> Document:
        for stage in self.stages():
            doc = stage(doc)
        return doc

    def clean(self, text: str) -> CleanResult:
        """Clean one document; see the module docstring for the flow."""
        runs: list[int] = []  # where runs of blank lines were compacted (see document.split_lines)
        lines = split_lines(text, runs if len(text) >= COMPACT_MIN_CHARS else None)
        numbering = Numbering(runs) if runs else None
        # where each trigger may match, by the input's line indices (renumbered for each
        # later pass), and every line's Features, where the native paths run
        scanned, profile = self.candidates.measure(lines, lines.stripped, len(text))
        removed: dict[int, Removal] = {}  # by the line's index in the input
        site: str | None = None
        warnings: list[str] = []
        current = lines  # in a later pass, the lines left, each with its index in the input (origin)
        applied: frozenset[str] = frozenset()
        views: dict[str, int] = {}  # filled in place by the heuristics (see Document.views)
        budget = None if self.regex_budget is None else Budget(self.regex_budget * max(1.0, len(text) / 1e6))
        while True:
            hits = scanned if current is lines else self.candidates.renumbered(scanned, current.origin)
            doc = self.run_once(Document.start(current, applied, views, hits, profile, numbering, budget))
            applied = doc.applied
            site = site or doc.site
            if doc.warnings:
                warnings.extend(w for w in doc.warnings if w not in warnings)
            if not doc.removed:
                break
            if current is lines:  # the first pass: its indices are the input's
                # its removals are the run's so far: taken over, not copied (the pass's last
                # document made this dict and is let go of below; layout's memo may refer to
                # it, only to tell by identity whether it is looking at these lines again)
                removed = doc.removed if type(doc.removed) is dict else dict(doc.removed)
            else:
                removed.update(zip(map(current.origin.__getitem__, doc.removed), doc.removed.values()))
            current = current.taking(doc.kept_indices())
            if not any(current.stripped) or all(map(is_, doc.removed.values(), repeat(TIDY))):
                break
            del doc  # its lists of kept lines and removals, before the next pass makes its own
        del doc  # (likewise, before the text is assembled)
        if budget is not None and budget.spent:
            warnings.append(budget_warning(self.regex_budget))  # type: ignore[arg-type]
        return CleanResult(
            text=assemble(current, final_newline=bool(lines) and lines.endings[-1] != 0),
            decisions=Decisions(lines, removed, numbering),
            site=site,
            warnings=tuple(warnings),
        )


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
