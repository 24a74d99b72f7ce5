"""`cleaner report IN... -o report.html`: clean a corpus and write the HTML report of the run.

Inputs are files and directories (recursed, `--glob`), or JSONL files with `--jsonl` (one
field of each record, `--split-docs` for Multi-News). Nothing is written but the report: the
corpus is left as it is. Unreadable files and bad records are counted and named on stderr,
as `learn` does, not fatal.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable, Iterator

from cleaner.errors import CleanerError, InputError


def add_parser(sub, common: Callable[[argparse.ArgumentParser], None]) -> None:
    p = sub.add_parser("report", help="clean a corpus (writing nothing back) and write an HTML report of the run")
    p.add_argument("paths", nargs="+", help="files or directories (or JSONL files with --jsonl)")
    p.add_argument("-o", "--output", required=True, help="the report (.html)")
    p.add_argument("--glob", default="*.txt", help="file name pattern inside directories (default *.txt)")
    p.add_argument("--jsonl", action="store_true", help="the inputs are JSONL; clean one field of each record")
    p.add_argument("--field", default=None, help="the JSONL field (default: text)")
    p.add_argument("--split-docs", metavar="SEP", help="the field holds several documents joined by SEP")
    p.add_argument("--title", default=None, help="the page's title (default: the inputs)")
    p.add_argument("--quiet", action="store_true", help="no summary line on stderr")
    common(p)


def file_documents(paths: list[str], pattern: str, problems: list[str]) -> Iterator[tuple[str, str]]:
    """(name as given, text) of each file under the paths."""
    from cleaner.batch import iter_files
    from cleaner.fileio import decode, read_regular

    for path in iter_files(paths, pattern):
        try:
            text = decode(read_regular(path), str(path)).text
        except InputError as exc:
            problems.append(str(exc))
            continue
        if text.strip():
            yield str(path), text


def jsonl_documents(path: str, field: str, split_docs: str | None, problems: list[str]) -> Iterator[tuple[str, str]]:
    """(path:line, or path:line#k for the k-th of several documents, text) of each record."""
    from cleaner import streams

    if split_docs == "":
        raise CleanerError("--split-docs needs a non-empty separator")
    stream = streams.open_input(path) if path != "-" else sys.stdin.buffer
    try:
        for line_no, raw in enumerate(stream, start=1):
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                problems.append(f"{path}:{line_no}: malformed JSON")
                continue
            value = record.get(field) if isinstance(record, dict) else None
            if not isinstance(value, str):
                problems.append(f"{path}:{line_no}: no string field '{field}'")
                continue
            parts = value.split(split_docs) if split_docs is not None else [value]
            for k, doc in enumerate(parts):
                if doc.strip():
                    yield (f"{path}:{line_no}" + (f"#{k}" if len(parts) > 1 else "")), doc
    except (EOFError, OSError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def run(args: argparse.Namespace, cleaner) -> int:
    """Clean every document of the inputs with `cleaner` and write the report; exit 0."""
    from cleaner.corpus_report import CorpusReport
    from cleaner.fileio import write_atomic

    problems: list[str] = []
    report = CorpusReport()
    for path in args.paths:
        docs = (jsonl_documents(path, args.field, args.split_docs, problems) if args.jsonl
                else file_documents([path], args.glob, problems))
        for name, text in docs:
            report.add(name, cleaner.clean(text))
    if report.documents == 0:
        raise InputError("no documents to report on" + (f" ({problems[0]})" if problems else ""))
    page = report.render(args.title or f"cleaner report: {' '.join(args.paths)}")
    try:
        write_atomic(Path(args.output), page.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    if not args.quiet:
        print(f"cleaner: report of {report.documents} documents ({report.removed_lines} lines removed, "
              f"{len(report.rules)} rules) written to {args.output}"
              + (f"; {len(problems)} inputs skipped, e.g. {problems[0]}" if problems else ""), file=sys.stderr)
    return 0
