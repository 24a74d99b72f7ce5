"""Batch mode, pre-commit style: `fix` rewrites files in place, `check` only lists them.

The convention is pre-commit's: exit 1 when a file was (or would be) changed, 0 when all were
clean already, so a hook run fails until the cleaned files are staged. Errors (unreadable or
binary files) are reported one line each and make the exit status 2.
"""
from __future__ import annotations

import fnmatch
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence, TextIO

from cleaner.errors import InputError
from cleaner.fileio import decode, encode, read_regular, remove_stale_temps, write_atomic
from cleaner.html import is_html_name, looks_like_html
from cleaner.parallel import ordered_map
from cleaner.pipeline import Cleaner

DEFAULT_GLOB = "*.txt"


@dataclass
class BatchReport:
    changed: int = 0
    clean: int = 0
    skipped: int = 0
    errors: int = 0

    @property
    def exit_code(self) -> int:
        return 2 if self.errors else (1 if self.changed else 0)


def iter_files(paths: Sequence[str], pattern: str) -> Iterator[Path]:
    """Files named on the command line as they are; directories recursed for `pattern`."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if fnmatch.fnmatch(name, pattern) and not name.startswith(".cleaner-"):
                        yield Path(root) / name
        else:
            yield p


def run(paths: Sequence[str], cleaner: Cleaner, *, write: bool, pattern: str = DEFAULT_GLOB,
        invalid: str = "fail", out: TextIO = sys.stdout, err: TextIO = sys.stderr,
        workers: int = 1, options: dict | None = None) -> BatchReport:
    """Clean every file; with workers > 1 the files are spread over processes (each builds
    its own Cleaner from `options`), and the report lines still come in file order."""
    report = BatchReport()
    files = list(iter_files(paths, pattern))
    if write:
        for directory in sorted({p.parent for p in files}):
            remove_stale_temps(directory)
    global _WORKER
    _WORKER = (cleaner, write, invalid)
    if workers > 1 and len(files) > 1:
        outcomes = ordered_map(_one_outcome, files, workers=workers, initializer=_init_worker,
                               initargs=(options or {}, write, invalid))
    else:
        outcomes = map(_one_outcome, files)
    for path, (changed, removed, error) in zip(files, outcomes):
        if error is not None:
            print(f"cleaner: {error}", file=err)
            report.errors += 1
        elif changed is None:
            report.skipped += 1
        elif changed:
            report.changed += 1
            verb = "fixed" if write else "would fix"
            print(f"{verb} {path} ({removed} line{'s' if removed != 1 else ''} removed)", file=out)
        else:
            report.clean += 1
    return report


_WORKER: tuple[Cleaner, bool, str] | None = None


def _init_worker(options: dict, write: bool, invalid: str) -> None:
    global _WORKER
    _WORKER = (Cleaner(**options), write, invalid)


def _one_outcome(path: Path) -> tuple[bool | None, int, str | None]:
    """(changed?, lines removed, error message) for one file, errors caught."""
    assert _WORKER is not None
    cleaner, write, invalid = _WORKER
    try:
        changed, removed = _one(path, cleaner, write=write, invalid=invalid)
    except InputError as exc:
        return None, 0, str(exc)
    except OSError as exc:
        return None, 0, f"{path}: cannot write: {exc.strerror or exc}; original left untouched"
    return changed, removed, None


def _one(path: Path, cleaner: Cleaner, *, write: bool, invalid: str) -> tuple[bool | None, int]:
    """(changed?, lines removed) for one file; None when it was skipped (empty)."""
    data = read_regular(path)
    if not data:
        return None, 0
    decoded = decode(data, str(path), invalid=invalid)
    if is_html_name(str(path)) or looks_like_html(decoded.text):
        raise InputError(f"{path}: an HTML page, left untouched (fix and check clean text files in place; "
                         f"write its text with 'cleaner clean {path} -o OUT.txt', or use --jsonl --html-field)")
    result = cleaner.clean(decoded.text)
    new = encode(result.text, bom=decoded.bom)
    if not result.changed or new == data:
        return False, 0
    removed = sum(1 for d in result.removed if d.text.strip())
    if write:
        write_atomic(path, new)
    return True, removed
