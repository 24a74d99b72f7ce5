"""Hugging Face `datasets`: a batch function for `Dataset.map(..., batched=True, num_proc=N)`.

    from datasets import load_dataset
    from cleaner.hf import CleanColumns

    ds = load_dataset("json", data_files="shard-*.jsonl.zst", split="train")
    ds = ds.map(CleanColumns("text", explain_column="cleaner"), batched=True, num_proc=8)

`CleanColumns` takes the batch's columns and returns the cleaned column (and, when asked,
the removals as a column of its own). It pickles as the options it was made with, never as
the compiled rules inside it, so `datasets` hashes the same bytes for it in every process and
after any use: its fingerprint is stable and `map` reuses its cache instead of recomputing
with a random fingerprint. The Cleaner is built on first use in each worker.
"""
from __future__ import annotations

from typing import Any, Sequence

from cleaner.jsonl import clean_field


class CleanColumns:
    """Clean one text column of a batch; options as for Cleaner(...).

    column:         the text column to clean (written back in place, or to `output_column`).
    output_column:  where the cleaned text goes (default: the same column).
    explain_column: also return, per row, the removed lines as a list of
                    {"doc", "line", "rule", "family"} (for Multi-News rows, "doc" numbers the
                    documents joined by `split_docs`).
    split_docs:     the column holds several documents joined by this separator ("|||||").
    """

    def __init__(self, column: str = "text", *, output_column: str | None = None,
                 explain_column: str | None = None, split_docs: str | None = None,
                 rule_dirs: Sequence[str] = (), disabled: Sequence[str] = (), site: str | None = None):
        if split_docs == "":
            raise ValueError("split_docs must be a non-empty separator")
        self.column = column
        self.output_column = output_column or column
        self.explain_column = explain_column
        self.split_docs = split_docs
        self.options = {"rule_dirs": tuple(str(d) for d in rule_dirs), "disabled": tuple(disabled), "site": site}
        self._cleaner = None

    @property
    def cleaner(self):
        if self._cleaner is None:
            from cleaner import Cleaner
            self._cleaner = Cleaner(**self.options)
        return self._cleaner

    def __call__(self, batch: dict[str, list[Any]]) -> dict[str, list[Any]]:
        texts = batch[self.column]
        cleaned: list[str | None] = []
        explained: list[list[dict[str, Any]]] = []
        for text in texts:
            if text is None:  # a missing value stays missing
                cleaned.append(None)
                explained.append([])
                continue
            out, results = clean_field(self.cleaner, text, self.split_docs)
            cleaned.append(out)
            if self.explain_column:
                explained.append([{"doc": k, "line": d.line, "rule": d.rule, "family": d.family or "other"}
                                  for k, r in results for d in r.removed if d.text.strip()])
        columns: dict[str, list[Any]] = {self.output_column: cleaned}
        if self.explain_column:
            columns[self.explain_column] = explained
        return columns

    def _args(self) -> tuple:
        return (self.column, self.output_column, self.explain_column, self.split_docs,
                self.options["rule_dirs"], self.options["disabled"], self.options["site"])

    def __reduce__(self):
        # What it was made with, never the compiled state: the same bytes before and after use.
        return _rebuild, self._args()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CleanColumns) and self._args() == other._args()

    def __hash__(self) -> int:
        return hash(self._args())

    def __repr__(self) -> str:
        return f"CleanColumns{self._args()!r}"


def _rebuild(column, output_column, explain_column, split_docs, rule_dirs, disabled, site) -> CleanColumns:
    return CleanColumns(column, output_column=output_column, explain_column=explain_column,
                        split_docs=split_docs, rule_dirs=rule_dirs, disabled=disabled, site=site)
