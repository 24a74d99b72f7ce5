"""What a run gives back: the cleaned text (the kept lines, assembled) and one Decision per
input line, built when read."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import partial
from itertools import compress
from operator import itemgetter
from typing import Iterable, Iterator, Sequence

from cleaner import lines as line_outputs
from cleaner.document import Decision, Lines, Numbering, Removal, split_lines


class Decisions(Sequence[Decision]):
    """One Decision per input line, as a read-only sequence (equal to the tuple of them).

    A run records its removals (line index -> Removal); the Decision of every line is built
    on the first read of the whole sequence, in one native call. `removed()` builds only the
    removed lines' decisions, which is what summaries and --explain-field read: most lines
    are kept, and a Decision per kept line says nothing the line number does not."""

    __slots__ = ("_lines", "_removals", "_all", "_numbering")

    def __init__(self, lines: Lines, removals: dict[int, Removal], numbering: Numbering | None = None):
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
            at = d.line - 1  # a compacted line's number is its position
            for k, member in enumerate(split_lines(self._lines.texts[at] + self._lines.ending(at)).texts):
                out.append(_as_decision((number + k, d.kept, member, *d[3:])))
        return tuple(out)

    def any_removed(self) -> bool:
        return bool(self._removals)

    def families(self) -> Counter[str]:
        """Removed lines with text per rule family, counted from the removals themselves:
        a summary needs no Decision built per removed line (a third of what the JSONL path
        spent per record besides cleaning)."""
        out = Counter(line_outputs.families(self._lines, self._removals))
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
        return Decisions, (self._lines, self._removals, self._numbering)


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


_as_decision = partial(tuple.__new__, Decision)  # Decision(*fields) without its Python-level __new__


def decisions(lines: Lines, removed: dict[int, Removal], removed_only: bool = False) -> tuple[Decision, ...]:
    """One decision per input line (`removed` maps 0-based line indices to removals), or
    with `removed_only` those of the removed lines, in line order (cleaner/lines.py)."""
    return line_outputs.decisions(lines, removed, Decision, removed_only)


def assemble(lines: Lines, *, final_newline: bool) -> str:
    """The kept lines joined with their own endings; the input's final newline (or its
    absence) is kept (cleaner/lines.py)."""
    return line_outputs.assemble(lines, final_newline)
