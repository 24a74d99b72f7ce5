"""Learn a corpus's chrome from the corpus itself: lines and line shapes that recur across
many documents.

Chrome repeats across a site's pages and body text does not, so the evidence for a line is the
number of documents it occurs in (a line repeated inside one document counts once). Lines are
counted as they are and as a shape, with digit runs and capitalised words after the first
folded ("By Jane Doe, 3 hours ago" and "By Tom Lee, 5 hours ago" share "By N N, 0 hours ago"),
so bylines and stamps that differ in names and numbers are found too. Only the lines the
current packs keep are counted: what is learned adds to the packs, it does not repeat them.

Body-like lines (long, or sentence-shaped) need far more evidence than short ones: a
syndicated story can put the same paragraph into a few documents of a corpus, and a wrong
body rule costs more than a missed chrome line.

The result is a draft rule pack in the format of `rules/`: one line rule per candidate, with
its document count, example lines and a confidence in the message and in a comment, for a
person to review and commit. `--corpus-chrome` applies the same draft in the run that learned it.
"""
from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Iterator

import regex

from cleaner.parallel import ordered_map
from cleaner.pipeline import Cleaner
from cleaner.prose import features

# A line or shape becomes a candidate when it occurs in at least this many documents, and in
# at least this share of them (whichever is larger): three pages of a site is the least that
# says "template", and 5% keeps a large mixed corpus from learning every small coincidence.
MIN_DOCS_FLOOR = 3
MIN_DOC_SHARE = 0.05
# A body-like line needs this many times the evidence, and to occur in at least half the
# documents: syndicated text recurs in a few documents, a template's text in most of them.
BODY_EVIDENCE_FACTOR = 4
BODY_MIN_SHARE = 0.5
# Body-like: at least this many words ending like a sentence, or this many words whatever
# the ending (the shortest sentences of news prose; captions and prompts are shorter).
BODY_LIKE_SENTENCE_WORDS = 8
BODY_LIKE_WORDS = 20
# Lines longer than this are not learned (a long recurring line is a pasted body, a case
# for the second-copy heuristic).
MAX_LINE_CHARS = 300
# A shape is learned only when at least this many different lines share it (otherwise the
# exact line says the same thing, more narrowly).
SHAPE_MIN_VARIANTS = 2
EXAMPLES_PER_RULE = 3

_FOLD = regex.compile(r"\d+|(?<=\s)\p{Lu}[\p{L}\p{M}'’.-]*")
_DIGITS = r"\d+"
_NAME = r"\p{Lu}[\p{L}\p{M}'’.-]*"


def shape_of(text: str) -> str:
    """The line with digit runs as 0 and capitalised words (after the first word) as N."""
    return _FOLD.sub(lambda m: "0" if m.group().isdigit() else "N", text)


def shape_pattern(text: str) -> str:
    """A regex for every line of `text`'s shape (anchored, literal parts escaped)."""
    out, last = [], 0
    for m in _FOLD.finditer(text):
        out.append(regex.escape(text[last:m.start()]))
        out.append(_DIGITS if m.group().isdigit() else _NAME)
        last = m.end()
    out.append(regex.escape(text[last:]))
    return "^" + "".join(out) + "$"


def body_like(text: str) -> bool:
    f = features(text)
    return f.words >= BODY_LIKE_WORDS or (f.words >= BODY_LIKE_SENTENCE_WORDS and f.sentence_end)


@dataclass
class Evidence:
    """Document counts of lines and shapes over a corpus."""

    documents: int = 0
    lines: Counter = field(default_factory=Counter)
    shapes: Counter = field(default_factory=Counter)
    variants: dict = field(default_factory=dict)  # shape -> Counter(line -> docs)

    def add(self, kept: Iterable[str]) -> None:
        """One document's kept lines (stripped)."""
        self.documents += 1
        seen = {t for t in kept if t and len(t) <= MAX_LINE_CHARS}
        self.lines.update(seen)
        for shape, texts in _by_shape(seen).items():
            self.shapes[shape] += 1
            self.variants.setdefault(shape, Counter()).update(texts)

    def add_text(self, cleaner: Cleaner, text: str) -> None:
        self.add(kept_lines(cleaner, text))

    def merge(self, other: "Evidence") -> None:
        self.documents += other.documents
        self.lines.update(other.lines)
        self.shapes.update(other.shapes)
        for shape, texts in other.variants.items():
            self.variants.setdefault(shape, Counter()).update(texts)


def _by_shape(texts: set[str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for t in texts:
        out[shape_of(t)].add(t)
    return out


# Documents are sent to workers in batches of this many.
GATHER_BATCH = 64


def gather(documents: Iterable[str], *, options: dict, workers: int = 1) -> Evidence:
    """The evidence of a whole corpus, each document first cleaned by the current packs
    (built from `options` in each worker); the same for any number of workers."""
    ev = Evidence()
    for part in ordered_map(_batch_evidence, _batched(documents), workers=workers,
                            initializer=_init_worker, initargs=(options,)):
        ev.merge(part)
    return ev


_WORKER: Cleaner | None = None


def _init_worker(options: dict) -> None:
    global _WORKER
    _WORKER = Cleaner(**options)


def _batch_evidence(texts: list[str]) -> Evidence:
    assert _WORKER is not None
    ev = Evidence()
    for text in texts:
        ev.add_text(_WORKER, text)
    return ev


def _batched(documents: Iterable[str]) -> Iterator[list[str]]:
    batch: list[str] = []
    for doc in documents:
        batch.append(doc)
        if len(batch) >= GATHER_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def kept_lines(cleaner: Cleaner, text: str) -> list[str]:
    return [d.text.strip() for d in cleaner.clean(text).decisions if d.kept and d.text.strip()]


@dataclass(frozen=True)
class Candidate:
    """One learned rule: its pattern, its evidence, a few lines it matched, a confidence."""

    pattern: str
    docs: int
    examples: tuple[str, ...]
    body_like: bool
    required: int  # the document count this kind of line needed

    @property
    def confidence(self) -> float:
        """0.5 at the evidence threshold, 1.0 at twice the threshold or more."""
        return round(min(1.0, self.docs / (2 * self.required)), 2)


def thresholds(documents: int, min_docs: int | None = None) -> tuple[int, int]:
    """(documents needed for a short line, for a body-like line)."""
    short = min_docs if min_docs is not None else max(MIN_DOCS_FLOOR, math.ceil(MIN_DOC_SHARE * documents))
    body = max(BODY_EVIDENCE_FACTOR * short, math.ceil(BODY_MIN_SHARE * documents))
    return short, body


def candidates(ev: Evidence, min_docs: int | None = None) -> list[Candidate]:
    """The lines and shapes with enough evidence, most documents first."""
    short, body = thresholds(ev.documents, min_docs)
    out: list[Candidate] = []
    covered: set[str] = set()
    for shape, docs in ev.shapes.items():
        texts = ev.variants[shape]
        if len(texts) < SHAPE_MIN_VARIANTS:
            continue
        examples = tuple(t for t, _ in texts.most_common(EXAMPLES_PER_RULE))
        is_body = any(body_like(t) for t in examples)
        need = body if is_body else short
        if docs >= need and _has_literal_word(shape):
            out.append(Candidate(shape_pattern(examples[0]), docs, examples, is_body, need))
            covered.update(texts)
    for text, docs in ev.lines.items():
        if text in covered:
            continue
        is_body = body_like(text)
        need = body if is_body else short
        if docs >= need:
            out.append(Candidate("^" + regex.escape(text) + "$", docs, (text,), is_body, need))
    out.sort(key=lambda c: (-c.docs, c.pattern))
    return out


def _has_literal_word(shape: str) -> bool:
    """A shape must keep a word of its own: 'N N' alone would match any name."""
    return any(len(w) > 1 and w not in ("N",) and any(ch.isalpha() for ch in w) for w in shape.split())


def to_toml(cands: list[Candidate], *, name: str, documents: int, source: str) -> str:
    """The draft pack, in the format of rules/*.toml."""
    short, body = thresholds(documents) if cands else (0, 0)
    head = [
        f"# Draft rule pack learned by `cleaner learn` from {documents} documents of {source}.",
        "# Each rule is a line (or a line shape: digits and names folded) that recurs across documents.",
        "# Review it: delete any rule that matches body text, then commit the file as a pack.",
        "",
        "[pack]",
        f"name = {json.dumps(name)}",
        f"description = {json.dumps(f'chrome learned from {documents} documents of {source}')}",
    ]
    rules: list[str] = []
    for k, c in enumerate(cands, start=1):
        kind = "body-like line, needed" if c.body_like else "needed"
        rules += [
            "",
            f"# seen in {c.docs} of {documents} documents ({kind} {c.required}); confidence {c.confidence}",
            "[[rule]]",
            f'id = "learned-{k:03d}"',
            'kind = "line"',
            'family = "other"',
            f"message = {json.dumps(f'learned from the corpus: seen in {c.docs} of {documents} documents (confidence {c.confidence})', ensure_ascii=False)}",
            f"pattern = {json.dumps(c.pattern, ensure_ascii=False)}",
            f"examples = [{', '.join(json.dumps(e, ensure_ascii=False) for e in c.examples)}]",
        ]
    return "\n".join(head + rules) + "\n"
