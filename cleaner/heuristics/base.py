"""What every heuristic is: an id, a family, a one-paragraph explanation, and a function
from a document to the removals it makes (each with a reason naming the deciding features)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

from cleaner.document import Document, Removal

SOURCE = "heuristic"


@dataclass(frozen=True, eq=False)  # each heuristic is one object, known by identity
class Heuristic:
    id: str
    family: str
    summary: str
    run: Callable[[Document], dict[int, Removal]]
    # When a later pass of the fixpoint can skip it. A later pass sees a subset of the lines
    # this one kept; a heuristic that keeps every line of any such subset that it keeps here
    # has nothing new to say there. True: always so (it decides each line from its own text);
    # a function: so for the document it was just run on.
    settles: Union[bool, Callable[[Document], bool]] = False

    def removal(self, reason: str) -> Removal:
        return Removal(rule=self.id, source=SOURCE, reason=reason, family=self.family)

    def __call__(self, doc: Document) -> Document:
        if self.id in doc.applied:
            return doc  # every line here was kept when this heuristic last looked at it
        out = doc.remove(self.run(doc))
        if self.settles is True or (self.settles and self.settles(doc)):
            out = out.but(applied=out.applied | {self.id})
        return out
