"""`cleaner report IN... -o report.html`: clean a corpus and write the HTML report of the run.

Inputs are files and directories (recursed, `--glob`), or JSONL files with `--jsonl` (one
field of each record, `--split-docs` for Multi-News). Nothing is written but the report: the
corpus is left as it is. Unreadable files and bad records are counted and named on stderr,
as `learn` does, not fatal.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Callable

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


def run(args: argparse.Namespace, cleaner) -> int:
    """Clean every document of the inputs with `cleaner` and write the report; exit 0."""
    from cleaner import corpus
    from cleaner.corpus_report import CorpusReport
    from cleaner.fileio import write_atomic

    if args.split_docs == "":
        raise CleanerError("--split-docs needs a non-empty separator")
    skipped = corpus.Skipped()
    report = CorpusReport()
    for path in args.paths:
        docs = (corpus.named_jsonl_documents(path, args.field, args.split_docs, skipped) if args.jsonl
                else corpus.named_file_documents([path], args.glob, skipped))
        for name, text in docs:
            report.add(name, cleaner.clean(text))
    if report.documents == 0:
        raise InputError("no documents to report on" + (f" ({skipped.reasons[0]})" if skipped.count else ""))
    page = report.render(args.title or f"cleaner report: {' '.join(args.paths)}")
    try:
        write_atomic(Path(args.output), page.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    if not args.quiet:
        print(f"cleaner: report of {report.documents} documents ({report.removed_lines} lines removed, "
              f"{len(report.rules)} rules) written to {args.output}"
              + (f"; {skipped.count} inputs skipped, e.g. {skipped.reasons[0]}" if skipped.count else ""), file=sys.stderr)
    return 0
