"""Reading a corpus as documents: the files of directories, or one field of a JSONL stream.

`cleaner learn` and `--corpus-chrome` read a corpus once to gather evidence before cleaning
it; unreadable files and bad records are counted and named, not fatal (the cleaning pass
reports them with the usual options).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Iterator, Sequence

from cleaner.batch import iter_files
from cleaner.errors import InputError
from cleaner.fileio import decode, read_regular


@dataclass
class Skipped:
    """Inputs that gave no document, with the first few reasons."""

    count: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, reason: str) -> None:
        self.count += 1
        if len(self.reasons) < 5:
            self.reasons.append(reason)


def file_documents(paths: Sequence[str], pattern: str, skipped: Skipped) -> Iterator[str]:
    return (text for _, text in named_file_documents(paths, pattern, skipped))


def named_file_documents(paths: Sequence[str], pattern: str, skipped: Skipped) -> Iterator[tuple[str, str]]:
    """(the file's path, its text) of each readable file with text under the paths."""
    for path in iter_files(paths, pattern):
        try:
            text = decode(read_regular(path), str(path)).text
        except InputError as exc:
            skipped.add(str(exc))
            continue
        if text.strip():
            yield str(path), text


def jsonl_documents(path: str, field_name: str, split_docs: str | None, skipped: Skipped,
                    max_record_bytes: int | None = None) -> Iterator[str]:
    if path == "-":
        raise InputError("reading the corpus twice needs a file, not standard input")
    return (text for _, text in named_jsonl_documents(path, field_name, split_docs, skipped, max_record_bytes))


def named_jsonl_documents(path: str, field_name: str, split_docs: str | None, skipped: Skipped,
                          max_record_bytes: int | None = None) -> Iterator[tuple[str, str]]:
    """(path:line, or path:line#k for the k-th of several documents, text) of each record's
    field; "-" reads standard input."""
    import sys

    from cleaner import jsonl, streams

    limit = jsonl.DEFAULT_MAX_RECORD_MB << 20 if max_record_bytes is None else max_record_bytes
    stream = sys.stdin.buffer if path == "-" else streams.open_input(path)
    try:
        for line_no, raw in streams.lines(stream, limit):
            if raw is None:
                skipped.add(f"{path}:{line_no}: {jsonl.too_large(limit)}")
                continue
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
                skipped.add(f"{path}:{line_no}: malformed JSON")
                continue
            value = record.get(field_name) if isinstance(record, dict) else None
            if not isinstance(value, str):
                skipped.add(f"{path}:{line_no}: no string field '{field_name}'")
                continue
            parts = value.split(split_docs) if split_docs is not None else [value]
            for k, doc in enumerate(parts):
                if doc.strip():
                    yield (f"{path}:{line_no}" + (f"#{k}" if len(parts) > 1 else "")), doc
    except (EOFError, OSError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    finally:
        if path != "-":
            stream.close()
