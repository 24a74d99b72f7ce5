"""What every heuristic is: an id, a family, a one-paragraph explanation, and a function
from a document to the removals it makes (each with a reason naming the deciding features)."""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from cleaner.document import Document, Removal

SOURCE = "heuristic"


@dataclass(frozen=True)
class Heuristic:
    id: str
    family: str
    summary: str
    run: Callable[[Document], dict[int, Removal]]
    # Decides each line from its own text alone: a line it passed over in one pass of the
    # fixpoint it passes over in the next, so it runs once per document.
    per_line: bool = False

    def removal(self, reason: str) -> Removal:
        return Removal(rule=self.id, source=SOURCE, reason=reason, family=self.family)

    def __call__(self, doc: Document) -> Document:
        if not self.per_line:
            return doc.remove(self.run(doc))
        if self.id in doc.applied:
            return doc  # every line here was kept when this heuristic last looked at it
        return replace(doc.remove(self.run(doc)), applied=doc.applied | {self.id})
