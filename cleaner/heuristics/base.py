"""What every heuristic is: an id, a family, a one-paragraph explanation, and a function
from a document to the removals it makes (each with a reason naming the deciding features)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from cleaner.document import Document, Removal

SOURCE = "heuristic"


@dataclass(frozen=True)
class Heuristic:
    id: str
    family: str
    summary: str
    run: Callable[[Document], dict[int, Removal]]

    def removal(self, reason: str) -> Removal:
        return Removal(rule=self.id, source=SOURCE, reason=reason, family=self.family)

    def __call__(self, doc: Document) -> Document:
        return doc.remove(self.run(doc))
