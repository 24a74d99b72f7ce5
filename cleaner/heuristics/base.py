"""What every heuristic is: an id, a family, a one-paragraph explanation, and a function
from a document to the removals it makes (each with a reason naming the deciding features)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Union

from cleaner.document import Document, Removal

SOURCE = "heuristic"


@dataclass(frozen=True, eq=False)  # each heuristic is one object, known by identity
class Heuristic:
    """A heuristic decides from its view of a document: the kept lines with text, in order
    (their texts, features and numbers). Both fields below let a later pass of the fixpoint
    skip it, which a later pass mostly may: it sees a subset of the lines this one kept."""

    id: str
    family: str
    summary: str
    run: Callable[[Document], dict[int, Removal]]
    # When a later pass can skip it for good. A heuristic that keeps every line of any
    # subset of the lines it keeps here has nothing new to say there. True: always so (it
    # decides each line from its own text); a function: so for the document it was just run on.
    settles: Union[bool, Callable[[Document], bool]] = False
    # Does it remove nothing from what it kept (run on its view less its own removals)? Then
    # a later pass whose view is still what it left skips it. (Whatever this says, a later
    # pass skips it where its view is what it saw and it removed nothing there: the same
    # view, the same verdict.) tests/test_properties.py checks the claim on generated pages.
    idempotent: bool = False

    def removal(self, reason: str) -> Removal:
        return Removal(rule=self.id, source=SOURCE, reason=reason, family=self.family)

    def __call__(self, doc: Document) -> Document:
        if self.id in doc.applied:
            return doc  # every line here was kept when this heuristic last looked at it
        left = doc.views.get(self.id)
        # A later pass's view is a subset of the one it left: the same number, the same lines.
        if left is not None and left == len(doc.kept_text_indices()):
            return doc
        out = doc.remove(self.run(doc))
        if self.settles is True or (self.settles and self.settles(doc)):
            return out.but(applied=out.applied | {self.id})
        if out is doc or self.idempotent:
            doc.views[self.id] = len(out.kept_text_indices())  # the run's memo (see Document.views)
        return out
