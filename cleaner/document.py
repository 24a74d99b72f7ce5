"""The document model: input lines, and the decisions the pipeline attaches to them.

Nothing here rewrites text. A document is the tuple of its input lines (each with its own
line ending) plus a map from line index to the removal that dropped it; the output is the
kept lines, in order, byte for byte.
"""
from __future__ import annotations

from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping, NamedTuple, Sequence

from cleaner.lines import ENDINGS, INDEX_TYPE, kept_lines, split
from cleaner.prose import Features, Profile, features

if TYPE_CHECKING:
    from cleaner.kinds import Budget
    from cleaner.scanner import Hits


class Line(NamedTuple):
    """One input line: 1-based number in the original input, text without ending, ending (a
    row of Lines, made when read: the pipeline reads the columns)."""

    number: int
    text: str
    ending: str
    stripped: str = ""   # the text without outer whitespace (what rules and heuristics look at)
    blank: bool = False  # only whitespace

    @classmethod
    def of(cls, number: int, text: str, ending: str) -> "Line":
        stripped = text.strip()  # the same object when there is nothing to strip: no copy
        return cls(number, text, ending, stripped, not stripped)


_CODE = {ending: code for code, ending in enumerate(ENDINGS)}


class Lines(Sequence[Line]):
    """A document's lines as columns, not an object per line (memory per line is what bounds
    a long text): each line's text without its ending, its stripped text (the same object
    when there is nothing to strip), its ending as a code (`endings`, one byte per line:
    lines.ENDINGS[code]), and for a later pass's lines `origin`, each line's index in the
    lines it was taken from (an array, see lines.INDEX_TYPE; None: the lines are those,
    numbered by position). Read by
    index, it gives a Line (made when asked for: the pipeline reads the columns)."""

    __slots__ = ("texts", "stripped", "endings", "origin")

    def __init__(self, texts: list[str], stripped: list[str], endings: bytes, origin: Sequence[int] | None = None):
        if not len(texts) == len(stripped) == len(endings) or (origin is not None and len(origin) != len(texts)):
            raise ValueError("every column holds one item per line")
        if endings and max(endings) >= len(ENDINGS):
            raise ValueError("an ending code names no ending")
        # (the compiled readers, cleaner/lines.py and the heuristics, take these exact types)
        self.texts: list[str] = texts if type(texts) is list else list(texts)
        self.stripped: list[str] = stripped if type(stripped) is list else list(stripped)
        self.endings: bytes = endings if type(endings) is bytes else bytes(endings)
        self.origin: array | None = (origin if origin is None or (type(origin) is array and origin.typecode == INDEX_TYPE)
                                     else array(INDEX_TYPE, origin))

    @classmethod
    def of(cls, rows: Iterable[Line]) -> "Lines":
        """The columns of these Lines (numbered as they are: by position, or with an origin)."""
        rows = list(rows)
        origin = [row.number - 1 for row in rows]
        return cls([row.text for row in rows], [row.stripped for row in rows],
                   bytes(_CODE[row.ending] for row in rows),
                   None if origin == list(range(len(rows))) else origin)

    def number(self, index: int) -> int:
        """Line `index`'s number (from 1): its position, or its origin's."""
        return (index if self.origin is None else self.origin[index]) + 1

    def ending(self, index: int) -> str:
        return ENDINGS[self.endings[index]]

    def taking(self, indices: Sequence[int]) -> "Lines":
        """These lines, in this order (a later pass's lines: each keeps its number)."""
        texts, stripped, origin = self.texts, self.stripped, self.origin
        return Lines(list(map(texts.__getitem__, indices)), list(map(stripped.__getitem__, indices)),
                     bytes(map(self.endings.__getitem__, indices)),
                     array(INDEX_TYPE, indices) if origin is None else array(INDEX_TYPE, map(origin.__getitem__, indices)))

    def __len__(self) -> int:
        return len(self.texts)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return self.taking(range(len(self.texts))[index])
        if index < 0:
            index += len(self.texts)
        stripped = self.stripped[index]
        return Line(self.number(index), self.texts[index], ENDINGS[self.endings[index]], stripped, not stripped)

    def __iter__(self) -> Iterator[Line]:
        return map(self.__getitem__, range(len(self.texts)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Lines):
            return NotImplemented
        return (self.texts == other.texts and self.stripped == other.stripped and self.endings == other.endings
                and list(self.origin or range(len(self.texts))) == list(other.origin or range(len(other.texts))))

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):
        return Lines, (self.texts, self.stripped, self.endings, self.origin)

    def __repr__(self) -> str:
        return f"Lines({list(self)!r})"


@dataclass(frozen=True, slots=True)
class Removal:
    """Why a line was dropped: the rule or heuristic id, where it is defined, and a reason."""

    rule: str
    source: str
    reason: str
    family: str = "other"


class Decision(NamedTuple):
    """The verdict on one input line, as reported to users and tools (a named tuple, like
    Line: one is built per input line)."""

    line: int
    kept: bool
    text: str
    rule: str | None = None
    source: str | None = None
    reason: str | None = None
    family: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "line": self.line,
            "kept": self.kept,
            "rule": self.rule,
            "source": self.source,
            "reason": self.reason,
            "family": self.family,
        }


_SAME = object()  # Document.but: "leave this field as it is" where None is a value


@dataclass(frozen=True, slots=True)
class Document:
    """Lines plus removals so far; stages return a new Document with more removals."""

    lines: Lines
    removed: Mapping[int, Removal] = field(default_factory=dict)
    site: str | None = None
    warnings: tuple[str, ...] = ()
    # Packs whose rules already ran over these lines in an earlier pass (see pipeline.Cleaner.clean).
    applied: frozenset[str] = frozenset()
    # Heuristics that ran over these lines, in this pass or an earlier one, each with the
    # number of kept lines with text it left: while that is still the number, a later pass
    # skips it (see heuristics/base.py). A memo of the whole run, filled in place and shared
    # by its documents, as removals only ever add up (a smaller view of the same number
    # would be another one).
    views: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    # Where each rule trigger may match (cleaner/scanner.py), or None: try every line.
    hits: "Hits | None" = None
    # Every line's Features, measured once for the whole run (None: measured on demand).
    profile: Profile | None = None
    # Where runs of blank lines were compacted (see split_lines): Line.number is then a
    # line's position in the compacted input, and this gives its number in the input
    # (None: nothing was compacted, the numbers are the input's).
    numbering: "Numbering | None" = None
    # The time left for rule searches on this document, shared by every pass (None: no limit
    # but each search's own; see kinds.Budget).
    budget: "Budget | None" = None
    # kept_indices() and kept_text_indices(), computed on first use (several stages ask).
    _kept: array | None = field(default=None, init=False, repr=False, compare=False)
    _kept_text: array | None = field(default=None, init=False, repr=False, compare=False)
    # chars_before(), computed on first use (it depends on the lines alone).
    _chars: list[int] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def from_text(cls, text: str) -> "Document":
        return cls(split_lines(text))

    def number(self, index: int) -> int:
        """The input's number (from 1) of line `index`: what reasons and decisions show."""
        n = self.lines.number(index)
        return n if self.numbering is None else self.numbering.original(n)

    def is_kept(self, index: int) -> bool:
        return index not in self.removed

    def features(self, index: int) -> Features:
        """The Features of line `index` (from the profile when there is one)."""
        if self.profile is not None:
            return self.profile.features[self.lines.number(index) - 1]
        return features(self.lines.stripped[index])

    def kept_indices(self) -> array:
        """Indices of the lines not removed, an array (lines.INDEX_TYPE: a line costs 8 bytes
        in it, not a slot and an int; computed once per Document; do not change it)."""
        if self._kept is None:
            self._count_kept()
        return self._kept  # type: ignore[return-value]

    def kept_text_indices(self) -> array:
        """kept_indices() without the blank lines (computed once per Document)."""
        if self._kept_text is None:
            self._count_kept()
        return self._kept_text  # type: ignore[return-value]

    def chars_before(self) -> list[int]:
        """The characters of the lines before each line, and of them all at the end (computed
        once for these lines: the rules placed by their share of the text all ask). A
        compacted run of blank lines counts its members' characters, not the line endings
        between them that its text holds."""
        if self._chars is None:
            length = len if self.numbering is None else _text_length
            object.__setattr__(self, "_chars", list(accumulate(map(length, self.lines.texts), initial=0)))
        return self._chars  # type: ignore[return-value]

    def _count_kept(self) -> None:
        """Work out both lists of kept lines (in one pass, cleaner/lines.py: several
        stages of every pass ask for them)."""
        kept, kept_text = kept_lines(self.lines, dict(self.removed) if type(self.removed) is not dict else self.removed)
        object.__setattr__(self, "_kept", kept)
        object.__setattr__(self, "_kept_text", kept_text)

    @classmethod
    def start(cls, lines: Lines, applied: frozenset[str], views: dict[str, int], hits: "Hits | None",
              profile: Profile | None, numbering: "Numbering | None" = None,
              budget: "Budget | None" = None) -> "Document":
        """A pass's document: these lines, nothing removed yet (the constructor's result, at
        half its cost: the pipeline makes one per pass)."""
        return _made(lines, {}, None, (), applied, views, hits, profile, numbering, budget, None, None, None)

    def but(self, *, removed: Mapping[int, Removal] | None = None, site: str | None | object = _SAME,
            warnings: tuple[str, ...] | None = None, applied: frozenset[str] | None = None) -> "Document":
        """A copy with these fields changed (`dataclasses.replace` without its generality:
        several copies are made per document and pass)."""
        same = removed is None  # the same lines kept
        return _made(self.lines, self.removed if same else removed, self.site if site is _SAME else site,
                     self.warnings if warnings is None else warnings, self.applied if applied is None else applied,
                     self.views, self.hits, self.profile, self.numbering, self.budget,
                     self._chars,  # the same lines: the same characters before each
                     self._kept if same else None, self._kept_text if same else None)

    def remove(self, removals: Mapping[int, Removal]) -> "Document":
        """Return a copy with `removals` added; a line keeps the first reason it was given.

        A dict given here is taken over, not copied (the copy's removals are it, with this
        document's added): the stages hand over the dict they just made, and a copy of a
        document's every removal, at each stage, would be most of what a long text of
        removed lines costs at its peak."""
        if not removals:
            return self
        merged = removals if type(removals) is dict else dict(removals)
        merged.update(self.removed)  # the earlier reason wins (in the order {**removals, **self.removed} has)
        return self.but(removed=merged)

    def with_site(self, site: str | None) -> "Document":
        return self.but(site=site)

    def warn(self, messages: Iterable[str]) -> "Document":
        new = tuple(messages)
        return self.but(warnings=self.warnings + new) if new else self


_FIELDS = ("lines", "removed", "site", "warnings", "applied", "views", "hits", "profile", "numbering", "budget", "_chars",
           "_kept", "_kept_text")
assert set(_FIELDS) == set(Document.__slots__), "Document's fields and _made's disagree"
_new = object.__new__
(_set_lines, _set_removed, _set_site, _set_warnings, _set_applied, _set_views, _set_hits, _set_profile,
 _set_numbering, _set_budget, _set_chars, _set_kept, _set_kept_text) = (getattr(Document, name).__set__ for name in _FIELDS)


def _made(lines: Lines, removed: Mapping[int, Removal], site: str | None, warnings: tuple[str, ...],
          applied: frozenset[str], views: dict[str, int], hits: "Hits | None", profile: Profile | None,
          numbering: "Numbering | None", budget: "Budget | None", chars: list[int] | None, kept: array | None,
          kept_text: array | None) -> Document:
    """A Document with every slot filled by the slot's own setter, which a frozen dataclass's
    __init__ reaches through object.__setattr__ by name, at twice the cost."""
    doc = _new(Document)
    _set_lines(doc, lines)
    _set_removed(doc, removed)
    _set_site(doc, site)
    _set_warnings(doc, warnings)
    _set_applied(doc, applied)
    _set_views(doc, views)
    _set_hits(doc, hits)
    _set_profile(doc, profile)
    _set_numbering(doc, numbering)
    _set_budget(doc, budget)
    _set_chars(doc, chars)
    _set_kept(doc, kept)
    _set_kept_text(doc, kept_text)
    return doc




def split_lines(text: str, runs: list[int] | None = None) -> Lines:
    """Split on LF, CRLF or CR only, keeping each line's own ending (cleaner/lines.py, one pass,
    compiled where built), into the columns of Lines: an object per line would be most of
    what a long text of short lines costs.

    With the list `runs`, each run of two or more blank lines becomes one blank line, and each
    such run's position and number of lines are appended to `runs`. A blank line carries no
    decision of its own: rules and heuristics skip it, and the one stage that removes blank
    lines (tidy_blank_lines) gives every line of a run the same verdict (a run holds no
    removed line). So a run can stand as one line whose text and ending are the run's text
    (its text holds the endings between its members), and memory does not grow with the
    number of blank lines; `Numbering` gives the input's numbers back."""
    return Lines(*split(text, runs))


def _text_length(text: str) -> int:
    """The characters of a line's text, less the line endings a compacted run holds."""
    return len(text) - text.count("\n") - text.count("\r")


class Numbering:
    """The input's line numbers of a document whose blank runs were compacted: a compacted
    line's number (its position, from 1) plus the lines the runs before it absorbed.
    Built from split_lines' `runs` (position, size pairs, in order); costs nothing per line."""

    __slots__ = ("_runs", "_at", "_extra", "_size")

    def __init__(self, runs: list[int]):
        self._runs = runs
        self._at = runs[0::2]          # each run's 0-based position
        self._size = runs[1::2]        # its number of lines
        self._extra = list(accumulate(size - 1 for size in self._size))  # absorbed up to and with it

    def original(self, number: int) -> int:
        """The input's number of the compacted line numbered `number` (for a run, of its first line)."""
        return self.locate(number)[0]

    def locate(self, number: int) -> tuple[int, int]:
        """The input's number of the compacted line `number` (of its first line, for a run)
        and how many input lines it stands for, in one search."""
        k = bisect_left(self._at, number - 1)  # runs before this line
        first = number + (self._extra[k - 1] if k else 0)
        return first, (self._size[k] if k < len(self._at) and self._at[k] == number - 1 else 1)

    def __reduce__(self):
        return Numbering, (self._runs,)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Numbering) and self._runs == other._runs

    __hash__ = None  # type: ignore[assignment]

    def lines(self, total: int) -> int:
        """The input's number of lines, for `total` compacted lines."""
        return total + (self._extra[-1] if self._extra else 0)
