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
import json
import os
import sys
import stat
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator, Sequence, TextIO

from cleaner.errors import InputError
from cleaner.fileio import ChangedMeanwhile, decode, encode, read_with_stat, remove_stale_temps, write_atomic
from cleaner.html import is_html_name, looks_like_html
from cleaner.parallel import ordered_map
from cleaner.pipeline import Cleaner, CleanResult
from cleaner.report import diff as unified_diff

DEFAULT_GLOB = "*.txt"


@dataclass
class BatchReport:
    changed: int = 0
    clean: int = 0
    skipped: int = 0
    errors: int = 0
    removed_lines: int = 0  # lines with text removed (or that would be) in the changed files
    rules: Counter = field(default_factory=Counter)  # the same, per rule id (with Review.statistics)

    @property
    def exit_code(self) -> int:
        return 2 if self.errors else (1 if self.changed else 0)

    @property
    def files(self) -> int:
        return self.changed + self.clean + self.skipped + self.errors

    def total_line(self, *, wrote: bool) -> str:
        """The closing line, ruff-style: files checked, changed, lines removed (and errors)."""
        files = f"{self.files} file{'s' if self.files != 1 else ''} checked"
        lines = f"{self.removed_lines} line{'s' if self.removed_lines != 1 else ''}"
        if wrote:
            text = f"{files}, {self.changed} changed, {lines} removed"
        else:
            text = f"{files}, {self.changed} would change, {lines} would be removed"
        return text + (f", {self.errors} error{'s' if self.errors != 1 else ''}" if self.errors else "")

    def statistics(self) -> str:
        """Removed lines per rule across the run, the most first (like `ruff --statistics`)."""
        rows = sorted(self.rules.items(), key=lambda kv: (-kv[1], kv[0]))
        return "".join(f"{n:7d}  {rule}\n" for rule, n in rows)


@dataclass(frozen=True)
class Review:
    """What a run shows of each changed file besides its one line (ruff-style review)."""

    diff: bool = False  # a unified diff per file (nothing is written)
    as_json: bool = False  # one JSON object per file: its removed lines with rule and reason
    statistics: bool = False  # counts per rule across the run, instead of the per-file lines
    quiet: bool = False  # no per-file lines and no closing total
    results: bool = False  # keep each file's CleanResult (for the HTML report)


@dataclass
class FileOutcome:
    """One file's result as the main process needs it (computed in a worker)."""

    changed: bool | None = None  # None: skipped (empty) or an error
    removed: int = 0
    error: str | None = None
    warnings: tuple[str, ...] = ()
    rules: Counter = field(default_factory=Counter)
    diff: str | None = None
    removals: list[dict] | None = None
    result: CleanResult | None = None


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
        workers: int = 1, options: dict | None = None, policy: WritePolicy = WritePolicy(),
        review: Review = Review(), page=None, max_bytes: int | None = None) -> BatchReport:
    """Clean every file; with workers > 1 the files are spread over processes (each builds
    its own Cleaner from `options`), and the report lines still come in file order. With
    `review.diff` nothing is written. With `page` (a CorpusReport) each cleaned file is added
    to it, in file order whatever the number of workers. A file longer than `max_bytes`
    (--max-record-mb) is refused, one line, and not read."""
    report = BatchReport()
    write = write and not review.diff
    if page is not None:
        review = replace(review, results=True)
    files = list(iter_files_in_trees(paths, pattern))
    if write:
        for directory in sorted({p.parent for p, _ in files}):
            remove_stale_temps(directory)
    global _WORKER
    _WORKER = (cleaner, write, invalid, policy, review, max_bytes)
    if workers > 1 and len(files) > 1:
        outcomes = ordered_map(_one_outcome, files, workers=workers, initializer=_init_worker,
                               initargs=(options or {}, write, invalid, policy, review, max_bytes))
    else:
        outcomes = map(_one_outcome, files)
    for (path, _), o in zip(files, outcomes):
        if o.warnings:
            print(f"cleaner: warning: {path}: {'; '.join(o.warnings)}", file=err)
        if page is not None and o.result is not None:
            page.add(str(path), o.result)
        if o.error is not None:
            print(f"cleaner: {o.error}", file=err)
            report.errors += 1
        elif o.changed is None:
            report.skipped += 1
        elif o.changed:
            report.changed += 1
            report.removed_lines += o.removed
            report.rules.update(o.rules)
            _show(path, o, write, review, out)
        else:
            report.clean += 1
    if review.statistics:
        out.write(report.statistics())
    if not review.quiet:  # as ruff does; on stderr when stdout is a patch or JSON, so it stays one
        print(report.total_line(wrote=write), file=err if review.diff or review.as_json else out)
    out.flush()
    return report


def _show(path: Path, o: FileOutcome, wrote: bool, review: Review, out: TextIO) -> None:
    """What a changed file shows on stdout: its diff, its JSON, or its one line."""
    if review.as_json:
        out.write(json.dumps({"file": str(path), "removed": o.removals}, ensure_ascii=False) + "\n")
    elif review.diff:
        out.write(o.diff or "")
    elif not review.statistics and not review.quiet:
        verb = "fixed" if wrote else "would fix"
        print(f"{verb} {path} ({o.removed} line{'s' if o.removed != 1 else ''} removed)", file=out)


_WORKER: tuple[Cleaner, bool, str, WritePolicy, Review, int | None] | None = None


def _init_worker(options: dict, write: bool, invalid: str, policy: WritePolicy, review: Review,
                 max_bytes: int | None = None) -> None:
    global _WORKER
    _WORKER = (Cleaner(**options), write, invalid, policy, review, max_bytes)


def _one_outcome(item: tuple[Path, Path | None]) -> FileOutcome:
    """One file's outcome, errors caught; what the review asks for computed here (in the
    worker), so the main process only prints."""
    assert _WORKER is not None
    cleaner, write, invalid, policy, review, max_bytes = _WORKER
    path, tree = item
    warnings: list[str] = []
    try:
        changed, removed, result, before = _one(path, cleaner, write=write, invalid=invalid, tree=tree,
                                                policy=policy, warnings=warnings, max_bytes=max_bytes)
    except InputError as exc:
        return FileOutcome(error=str(exc), warnings=tuple(warnings))
    except OSError as exc:
        return FileOutcome(error=f"{path}: cannot write: {exc.strerror or exc}; original left untouched",
                           warnings=tuple(warnings))
    o = FileOutcome(changed, removed, warnings=tuple(warnings),
                    result=result if review.results else None)
    if changed and result is not None:
        if review.statistics:
            o.rules = result.counts()
        if review.diff:
            o.diff = unified_diff(before, result.text, str(path))
        if review.as_json:
            o.removals = [{"line": d.line, "text": d.text, "rule": d.rule, "family": d.family, "reason": d.reason}
                          for d in result.removed_text()]
    return o


def _has_text(text: str) -> bool:
    return any(not c.isspace() for c in text)


def _one(path: Path, cleaner: Cleaner, *, write: bool, invalid: str, tree: Path | None = None,
         policy: WritePolicy = WritePolicy(), warnings: list[str] | None = None, max_bytes: int | None = None
         ) -> tuple[bool | None, int, CleanResult | None, str]:
    """(changed?, lines removed, the result, the text before) for one file; changed is None
    when it was skipped (empty). The result's warnings (a rule that timed out) are added to
    `warnings`."""
    data, st = read_with_stat(path, max_bytes)
    if not data:
        return None, 0, None, ""
    decoded = decode(data, str(path), invalid=invalid)
    if is_html_name(str(path)) or looks_like_html(decoded.text):
        raise InputError(f"{path}: an HTML page, left untouched (fix and check clean text files in place; "
                         f"write its text with 'cleaner clean {path} -o OUT.txt', or use --jsonl --html-field)")
    result = cleaner.clean(decoded.text)
    if warnings is not None:
        warnings.extend(result.warnings)
    new = encode(result.text, bom=decoded.bom)
    if not result.changed or new == data:
        return False, 0, result, decoded.text
    removed = sum(result.families().values())  # removed lines with text, no Decision built per line
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
    return True, removed, result, decoded.text


def _current(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
