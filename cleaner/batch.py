"""Batch mode, pre-commit style: `fix` rewrites files in place, `check` only lists them.

The convention is pre-commit's: exit 1 when a file was (or would be) changed, 0 when all were
clean already, so a hook run fails until the cleaned files are staged. Errors (unreadable or
binary files) are reported one line each and make the exit status 2.

`fix` refuses, one line per file and exit status 2, to write where a rewrite would do harm the
user did not ask for (each has a flag that allows it, see `WritePolicy`): through a symbolic
link, found in a directory, whose target lies outside that directory; over a file with more
than one hard link (the rename would split it from its other names); over a file without
write permission; and a cleaning that would leave no line of text in a file that had some.
A file that another program changed while it was being cleaned is left as that program left it.
"""
from __future__ import annotations

import fnmatch
import os
import sys
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence, TextIO

from cleaner.errors import InputError
from cleaner.fileio import ChangedMeanwhile, decode, encode, read_with_stat, remove_stale_temps, write_atomic
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


@dataclass(frozen=True)
class WritePolicy:
    """What `fix` may do beyond rewriting an ordinary file of the tree it was given."""

    follow_symlinks_out: bool = False  # write through a link whose target is outside the tree
    break_hardlinks: bool = False  # replace a file that has other names (they keep the old text)
    force_readonly: bool = False  # replace a file that has no write permission
    allow_empty: bool = False  # write a file whose every line was removed


class Refused(InputError):
    """fix would do something the WritePolicy does not allow: the file is left as it is."""


def iter_files(paths: Sequence[str], pattern: str) -> Iterator[Path]:
    """Files named on the command line as they are; directories recursed for `pattern`."""
    for path, _ in iter_files_in_trees(paths, pattern):
        yield path


def iter_files_in_trees(paths: Sequence[str], pattern: str) -> Iterator[tuple[Path, Path | None]]:
    """(file, the directory given that it was found in) for each file; a file named on the
    command line has no tree (None): naming it is asking for it, link or not."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if fnmatch.fnmatch(name, pattern) and not name.startswith(".cleaner-"):
                        yield Path(root) / name, p
        else:
            yield p, None


def refusal(path: Path, tree: Path | None, st: os.stat_result, policy: WritePolicy) -> str | None:
    """Why `fix` must not replace this file under `policy` (one line), or None."""
    if tree is not None and not policy.follow_symlinks_out:
        real, top = os.path.realpath(path), os.path.realpath(tree)
        if os.path.commonpath([real, top]) != top:
            return (f"{path}: not written: a symbolic link to {real}, outside {tree} "
                    "(--follow-symlinks-out to write through it)")
    if st.st_nlink > 1 and not policy.break_hardlinks:
        return (f"{path}: not written: it has {st.st_nlink} hard links, and replacing it would leave "
                "the other names with the old text (--break-hardlinks to replace it anyway)")
    if not policy.force_readonly and (not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
                                      or not os.access(path, os.W_OK)):
        return f"{path}: not written: no write permission (--force-readonly to replace it anyway)"
    return None


def run(paths: Sequence[str], cleaner: Cleaner, *, write: bool, pattern: str = DEFAULT_GLOB,
        invalid: str = "fail", out: TextIO = sys.stdout, err: TextIO = sys.stderr,
        workers: int = 1, options: dict | None = None, policy: WritePolicy = WritePolicy()) -> BatchReport:
    """Clean every file; with workers > 1 the files are spread over processes (each builds
    its own Cleaner from `options`), and the report lines still come in file order."""
    report = BatchReport()
    files = list(iter_files_in_trees(paths, pattern))
    if write:
        for directory in sorted({p.parent for p, _ in files}):
            remove_stale_temps(directory)
    global _WORKER
    _WORKER = (cleaner, write, invalid, policy)
    if workers > 1 and len(files) > 1:
        outcomes = ordered_map(_one_outcome, files, workers=workers, initializer=_init_worker,
                               initargs=(options or {}, write, invalid, policy))
    else:
        outcomes = map(_one_outcome, files)
    for (path, _), (changed, removed, error, warnings) in zip(files, outcomes):
        if warnings:
            print(f"cleaner: warning: {path}: {'; '.join(warnings)}", file=err)
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


_WORKER: tuple[Cleaner, bool, str, WritePolicy] | None = None


def _init_worker(options: dict, write: bool, invalid: str, policy: WritePolicy) -> None:
    global _WORKER
    _WORKER = (Cleaner(**options), write, invalid, policy)


def _one_outcome(item: tuple[Path, Path | None]) -> tuple[bool | None, int, str | None, tuple[str, ...]]:
    """(changed?, lines removed, error message, warnings) for one file, errors caught."""
    assert _WORKER is not None
    cleaner, write, invalid, policy = _WORKER
    path, tree = item
    warnings: list[str] = []
    try:
        changed, removed = _one(path, cleaner, write=write, invalid=invalid, tree=tree, policy=policy,
                                warnings=warnings)
    except InputError as exc:
        return None, 0, str(exc), tuple(warnings)
    except OSError as exc:
        return None, 0, f"{path}: cannot write: {exc.strerror or exc}; original left untouched", tuple(warnings)
    return changed, removed, None, tuple(warnings)


def _has_text(text: str) -> bool:
    return any(not c.isspace() for c in text)


def _one(path: Path, cleaner: Cleaner, *, write: bool, invalid: str, tree: Path | None = None,
         policy: WritePolicy = WritePolicy(), warnings: list[str] | None = None) -> tuple[bool | None, int]:
    """(changed?, lines removed) for one file; None when it was skipped (empty). The
    result's warnings (a rule that timed out) are added to `warnings`."""
    data, st = read_with_stat(path)
    if not data:
        return None, 0
    decoded = decode(data, str(path), invalid=invalid)
    if is_html_name(str(path)) or looks_like_html(decoded.text):
        raise InputError(f"{path}: an HTML page, left untouched (fix and check clean text files in place; "
                         f"write its text with 'cleaner clean {path} -o OUT.txt', or use --jsonl --html-field)")
    result = cleaner.clean(decoded.text)
    if warnings is not None:
        warnings.extend(result.warnings)
    new = encode(result.text, bom=decoded.bom)
    if not result.changed or new == data:
        return False, 0
    removed = sum(1 for d in result.removed if d.text.strip())
    if write:
        why = refusal(path, tree, st, policy)
        if why is None and not policy.allow_empty and not _has_text(result.text) and _has_text(decoded.text):
            why = (f"{path}: not written: cleaning removes every line of it ({removed} lines); "
                   "if that is right, --allow-empty writes it")
        if why is not None:
            raise Refused(why)
        try:
            write_atomic(path, new, expect=st)
        except ChangedMeanwhile:
            if _current(path) != new:  # else another run (a second fix) wrote the same: done
                raise
    return True, removed


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
