"""The rule kinds: what a rule in a pack can say, and how each kind removes lines.

There are three, on purpose few and general:

- `line`:    drop a line matching a pattern (ad markers, share prompts, credits, separators).
- `label`:   a caption label ("image caption", "Image copyright AFP") at the start of a line;
             the line goes, with the caption glued to it, and, when the label stands alone,
             the next `caption_lines` lines that it marks.
- `section`: a header line that opens a chrome section ("Related Internet Links", "Read more:");
             the section runs to an `end` line, for `max_lines` lines, up to the first line
             that reads as body prose (`stop_at_body`), or to the end of the document. With `after_share`, the
             header counts only when at least that share of the text stands before it (for
             sections that only ever follow the article, such as comments).

Patterns use the `regex` package and are searched in the line with outer whitespace stripped.
Each search runs under a time limit, so a pattern that backtracks badly cannot hang a run.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from time import monotonic
from itertools import compress, islice
from contextlib import contextmanager
from typing import Any, Callable, Container, Iterable, Iterator, Mapping, Sequence

import regex

from cleaner.document import Document, Removal
from cleaner.prefilter import TIMEOUT_AT, anchored_body
from cleaner.prose import Features, features

# A pattern search that takes longer than this on one line is abandoned and the rule is
# switched off for the rest of the document (with a warning). Typical searches take
# microseconds; 50 ms leaves a margin of four orders of magnitude.
MATCH_TIMEOUT_S = 0.05

# No chrome line is this long; rules skip longer lines (a 500 MB one-line file would
# otherwise cost every pattern a full scan).
RULE_MAX_LINE_CHARS = 100_000

FAMILIES = (
    "nav", "byline", "share", "legal", "widget", "teaser", "caption",
    "footer", "credit", "duplicate", "separator", "other",
)


# All the rule searches on one document (rules, fingerprints, prefilters) may take this many
# seconds per million characters of its text, and this many for a shorter document; then the
# rules not yet applied to it are skipped, with a warning (see Budget). With the scanner the
# rules of the slowest bench document take 55 ms per million characters, and without it
# (every rule tries every line) 1.7 s: 10 s leaves a margin of 6x over the second, while a
# document of lines that each take just under MATCH_TIMEOUT_S stops after 200 such searches
# per million characters, not after one per line.
REGEX_BUDGET_S = 10.0


class PatternTimeout(Exception):
    """A rule's pattern exceeded MATCH_TIMEOUT_S on some line."""


class BudgetSpent(Exception):
    """The document's time budget for rule searches ran out (see Budget)."""


class Budget:
    """The seconds of rule searches left to one document. The pipeline opens it around its
    stages that search (`start`, `stop`: only their time is spent); each search runs under
    MATCH_TIMEOUT_S or what is left, whichever is less, and one cut short by what is left, or
    asked for when nothing is, raises BudgetSpent, after which `spent` is true for good."""

    __slots__ = ("left", "deadline", "spent")

    def __init__(self, seconds: float):
        self.left = seconds
        self.deadline = 0.0
        self.spent = False

    def start(self) -> None:
        self.deadline = monotonic() + self.left

    def stop(self) -> None:
        self.left = self.deadline - monotonic()

    def timeout(self) -> float:
        """The time limit of the next search; BudgetSpent when nothing is left."""
        left = self.deadline - monotonic()
        if left <= 0:
            self.spent = True
            raise BudgetSpent
        return left if left < MATCH_TIMEOUT_S else MATCH_TIMEOUT_S

    def cut_short(self, timeout: float) -> bool:
        """Was a search under this limit stopped by the budget (not by MATCH_TIMEOUT_S)?"""
        if timeout < MATCH_TIMEOUT_S:
            self.spent = True
            return True
        return False


@contextmanager
def spending(budget: Budget | None) -> Iterator[None]:
    """The rule searches inside count against the document's budget (None: no budget); when
    it runs out (BudgetSpent) the block ends there, quietly, and what it did stays."""
    if budget is None:
        yield
        return
    budget.start()
    try:
        yield
    except BudgetSpent:
        pass  # the searches left are skipped
    finally:
        budget.stop()


def budget_warning(seconds: float) -> str:
    """The warning of a document whose time budget for rule searches ran out: the same for
    every such document (the JSONL summary counts documents per warning)."""
    return (f"rule searches ran out of this document's time budget ({seconds:g} s per million characters, "
            "--regex-budget) and the rules not yet applied were skipped")


@dataclass(frozen=True, slots=True)
class Pattern:
    """A compiled pattern plus its source text, searched under a time limit.

    `flags` are the compiled pattern's (inline flags such as `(?i)` included). A pattern
    made with `lazy` is compiled when first used: packs whose exact text passed validation
    before (cleaner/packs.py) load without compiling every pattern, which was most of a
    run's start-up."""

    source: str
    compiled: Any
    flags: int = field(default=0, compare=False)
    compile_flags: int = field(default=0, compare=False, repr=False)  # what `lazy` compiles with

    def __post_init__(self) -> None:
        object.__setattr__(self, "flags", self.compiled.flags)

    @classmethod
    def lazy(cls, source: str, compile_flags: int, flags: int) -> "Pattern":
        """A pattern known to compile (to `flags`), compiled on first use."""
        pattern = object.__new__(cls)
        for name, value in (("source", source), ("flags", flags), ("compile_flags", compile_flags)):
            object.__setattr__(pattern, name, value)
        return pattern  # `compiled` left unset: __getattr__ fills it

    def __getattr__(self, name: str) -> Any:
        """Reached only for a slot not yet set, that is the `compiled` of a lazy pattern."""
        if name != "compiled":
            raise AttributeError(name)
        compiled = regex.compile(self.source, self.compile_flags)
        object.__setattr__(self, "compiled", compiled)
        return compiled

    def search(self, text: str, budget: Budget | None = None) -> bool:
        """Does the pattern match in `text`? PatternTimeout past MATCH_TIMEOUT_S, BudgetSpent
        when the document's `budget` runs out (see Budget)."""
        timeout = MATCH_TIMEOUT_S if budget is None else budget.timeout()
        try:  # the time limit given in its place (see TIMEOUT_AT): half the cost of naming it
            return self.compiled.search(text, *TIMEOUT_AT, timeout) is not None
        except TimeoutError as exc:
            if budget is not None and budget.cut_short(timeout):
                raise BudgetSpent from exc
            raise PatternTimeout(self.source) from exc

    def match_end(self, text: str, budget: Budget | None = None) -> int | None:
        """End offset of a match anchored at the start of `text`, or None (time limits as in
        `search`)."""
        timeout = MATCH_TIMEOUT_S if budget is None else budget.timeout()
        try:
            m = self.compiled.match(text, *TIMEOUT_AT, timeout)
        except TimeoutError as exc:
            if budget is not None and budget.cut_short(timeout):
                raise BudgetSpent from exc
            raise PatternTimeout(self.source) from exc
        return m.end() if m else None


@dataclass(frozen=True)
class Rule:
    """One rule from a pack. `id` is `<pack>/<name>`; `source` is the pack file."""

    id: str
    kind: str
    message: str
    family: str
    source: str
    line: int | None
    options: Mapping[str, Any] = field(default_factory=dict)
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()

    def removal(self) -> Removal:
        return self._removal

    @cached_property
    def _removal(self) -> Removal:  # one per rule: a Removal is immutable, so it is shared
        return Removal(rule=self.id, source=self.source, reason=self.message, family=self.family)

    def probe(self, text: str) -> bool:
        """Would this rule fire on this line? (for examples). A section's examples are header
        lines, checked against `start` alone, since where a section may open depends on the
        document around it."""
        if self.kind == "section":
            return self.options["start"].search(text.strip())
        doc = Document.from_text(text)
        return bool(apply_rule(self, doc, set()))


# --- application -------------------------------------------------------------------------

Applier = Callable[..., dict]


def _indices(n: int, only: set[int] | None) -> Iterable[int]:
    return range(n) if only is None else sorted(only)


def _apply_line(rule: Rule, doc: Document, skip: Container[int], only: set[int] | None = None) -> dict[int, Removal]:
    pat: Pattern = rule.options["pattern"]
    max_chars = rule.options.get("max_chars")
    out: dict[int, Removal] = {}
    why = rule.removal()
    stripped, texts = doc.lines.stripped, doc.lines.texts
    for i in _indices(len(texts), only):
        text = stripped[i]
        if i in skip or not text or len(texts[i]) > RULE_MAX_LINE_CHARS:
            continue
        if max_chars is not None and len(text) > max_chars:
            continue
        if pat.search(text, doc.budget):
            out[i] = why
    return out


def _apply_label(rule: Rule, doc: Document, skip: Container[int], only: set[int] | None = None) -> dict[int, Removal]:
    pat: Pattern = rule.options["label"]
    follow = rule.options.get("caption_lines", 0)
    out: dict[int, Removal] = {}
    why = rule.removal()
    stripped, texts = doc.lines.stripped, doc.lines.texts
    for i in _indices(len(texts), only):
        text = stripped[i]
        if i in skip or not text or len(texts[i]) > RULE_MAX_LINE_CHARS:
            continue
        end = pat.match_end(text, doc.budget)
        if end is None:
            continue
        out[i] = why
        if text[end:].strip() or not follow:
            continue  # the caption is glued to the label: the line itself is the caption
        taken, j = 0, i + 1
        while taken < follow and j < len(texts):
            if stripped[j]:  # not blank
                out[j] = why
                taken += 1
            j += 1
    return out


def _apply_section(rule: Rule, doc: Document, skip: Container[int], only: set[int] | None = None) -> dict[int, Removal]:
    start: Pattern = rule.options["start"]
    end: Pattern | None = rule.options.get("end")
    include_end = rule.options.get("include_end", False)
    max_lines = rule.options.get("max_lines")
    stop_at_body = rule.options.get("stop_at_body", False)
    after_share = rule.options.get("after_share")
    out: dict[int, Removal] = {}
    why = rule.removal()
    stripped, texts = doc.lines.stripped, doc.lines.texts
    n = len(texts)
    i = 0  # the first line not inside a section already taken
    for i_start in range(n) if only is None else sorted(only):
        if i_start < i:
            continue
        i = i_start
        if (i in skip or not stripped[i] or len(texts[i]) > RULE_MAX_LINE_CHARS
                or not start.search(stripped[i], doc.budget)):
            continue
        if after_share is not None:
            before = doc.chars_before()
            if before[i] < after_share * before[-1]:
                continue
        out[i] = why
        if end is None and max_lines is None and not stop_at_body:  # it runs to the end of the document
            out.update(dict.fromkeys(compress(range(i + 1, n), islice(stripped, i + 1, None)), why))  # each with text
            break
        taken, j = 0, i + 1
        while j < n:
            if not stripped[j]:  # blank
                j += 1
                continue
            text = stripped[j][:RULE_MAX_LINE_CHARS]
            if end is not None and end.search(text, doc.budget):
                if include_end:
                    out[j] = why
                    j += 1
                break
            if max_lines is not None and taken >= max_lines:
                break
            if stop_at_body and is_body(doc.features(j) if len(stripped[j]) <= RULE_MAX_LINE_CHARS else features(text)):
                break
            out[j] = why
            taken += 1
            j += 1
        i = j
    return out


# A section that stops at body prose ends at the first line that reads as body: sentence-
# shaped, with a normal share of function words, and at least BODY_MIN_CHARS long (teaser
# items are headlines; in the seeds and the Multi-News dev split none reaches 120 chars).
BODY_MIN_CHARS = 120
BODY_MIN_STOPWORDS = 0.2


def is_body(f: Features) -> bool:
    """A sentence-shaped line with function words (by its Features): prose, not a teaser item."""
    return f.chars >= BODY_MIN_CHARS and f.sentence_end and f.stopword_ratio >= BODY_MIN_STOPWORDS


APPLIERS: dict[str, Applier] = {
    "line": _apply_line,
    "label": _apply_label,
    "section": _apply_section,
}


def apply_rule(rule: Rule, doc: Document, skip: Container[int], only: set[int] | None = None) -> dict[int, Removal]:
    """The removals one rule makes on a document, ignoring lines in `skip`; with `only`,
    just those lines can trigger it (a prefilter's candidates)."""
    return APPLIERS[rule.kind](rule, doc, skip, only)


def apply_packs(doc: Document, candidates: Any, packs: Sequence[Any], rerun: Mapping[str, list[Rule]],
                removed: dict[int, Removal], warnings: list[str]) -> None:
    """The rules stage's work: each pack's rules, in order, each on its candidate lines
    (`candidates`: cleaner/candidates.py), add their removals to `removed`, a line keeping
    the first reason it was given. In place, so that what they found stays when the
    document's budget runs out (BudgetSpent). A pack already applied to these lines in an
    earlier pass runs only its `rerun` rules (position-dependent sections)."""
    for pack in packs:
        rules = rerun[pack.name] if pack.name in doc.applied else pack.rules
        if not rules:
            continue  # they saw these very lines in an earlier pass and passed them over
        for rule, only in candidates.rules(pack, rules, doc.budget):
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

# The option holding the pattern that decides whether a rule fires at a line.
TRIGGER_KEY = {"line": "pattern", "label": "label", "section": "start"}


def trigger(rule: Rule) -> tuple[str, bool] | None:
    """The start-anchored form of the pattern that triggers this rule, with its case flag,
    for the pack's prefilter; None when the trigger is not anchored at the line start."""
    pat: Pattern = rule.options[TRIGGER_KEY[rule.kind]]
    body = anchored_body(pat.source, implicit=rule.kind == "label")
    if body is None:
        return None
    return body, bool(pat.flags & regex.IGNORECASE)


def position_dependent(rule: Rule) -> bool:
    """Can this rule fire on a line it passed over before, once other lines are gone?
    Only a section guarded by `after_share` (its header's position is a share of the text)."""
    return rule.kind == "section" and "after_share" in rule.options


# --- schema ---------------------------------------------------------------------------------

# key -> (type, required) per kind; the common keys are checked for every rule.
COMMON_KEYS: dict[str, tuple[type | tuple[type, ...], bool]] = {
    "id": (str, True),
    "kind": (str, True),
    "message": (str, True),
    "family": (str, True),
    "ignore_case": (bool, False),
    "examples": (list, False),
    "counterexamples": (list, False),
}
KIND_KEYS: dict[str, dict[str, tuple[type | tuple[type, ...], bool]]] = {
    "line": {"pattern": (str, True), "max_chars": (int, False)},
    "label": {"label": (str, True), "caption_lines": (int, False)},
    "section": {
        "start": (str, True),
        "end": (str, False),
        "include_end": (bool, False),
        "max_lines": (int, False),
        "stop_at_body": (bool, False),
        "after_share": (float, False),
    },
}
PATTERN_KEYS = ("pattern", "label", "start", "end")
