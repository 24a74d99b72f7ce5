"""JSONL mode: stream records, clean one string field, keep everything else.

One output record per input record, in input order. A record whose text is unchanged is
written back byte for byte; a changed one is re-serialised with only that field (and the
optional explanation field) different. With `split_docs`, the field holds several documents
joined by a separator (Multi-News uses "|||||"): each is cleaned on its own and the
separators stay where they were.

Bad records (malformed JSON, no such field, a field that is not a string, text that cannot
be written back as UTF-8 such as an escaped lone surrogate, a record longer than the size
limit) are reported with their line number; `on_error` says whether to stop ("fail"), drop
the record ("skip") or write it unchanged ("keep"; a record over the size limit was never
held whole, so it cannot be kept: the run stops there).

Numbers are written back as they were written (`1e999` stays `1e999`, `1.10` stays `1.10`),
not as Python reads them (`Infinity`, which is not JSON).
"""
from __future__ import annotations

import io
import json
import os
import re
import secrets
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, closing
from dataclasses import dataclass, field as dc_field, replace
from pathlib import Path
from typing import BinaryIO, Iterator, Sequence, TextIO

from cleaner.errors import InputError
from cleaner.fileio import make_temp, terminate_cleanly
from cleaner.parallel import WorkerError, ordered_map
from cleaner.pipeline import Cleaner, CleanResult
from cleaner.streams import (DEFAULT_MAX_RECORD_MB, READ_BYTES, AtomicOutput, PieceWriter, _writer, append_file,
                             blocks, compression, lines, open_input, piece_directory, range_lines, seekable_file)

# A number's text, kept as a placeholder string while the record is a Python object: NUMBER_TAG
# (random per process, with a NUL that json escapes, so no text in a record can be mistaken for
# it) and then the literal. On the way out each quoted placeholder becomes the literal again.
NUMBER_TAG = "\x00" + secrets.token_hex(8) + ":"
_NUMBER_OUT = re.compile(re.escape(json.dumps(NUMBER_TAG)[:-1]) + r'([-+.0-9eE]+)"')


@dataclass(frozen=True)
class Settings:
    """What to do with each record; sent once to each worker."""

    field: str = "text"
    split_docs: str | None = None
    explain_field: str | None = None
    on_error: str = "fail"
    cleaner_options: dict = dc_field(default_factory=dict)
    html_field: str | None = None  # read an HTML page from here, write the text into `field`
    max_record_bytes: int = DEFAULT_MAX_RECORD_MB << 20
    keep_results: bool = False  # send each document's CleanResult back (for the HTML report)


@dataclass
class Outcome:
    """One record's result: the bytes to write (None: skipped), an error, what was removed."""

    line: int
    data: bytes | None
    size_in: int = 0
    error: str | None = None
    removed: Counter = dc_field(default_factory=Counter)
    changed: bool = False
    warnings: Counter = dc_field(default_factory=Counter)  # warning -> documents it was given for
    warned: int = 0  # documents with at least one warning
    rules: Counter = dc_field(default_factory=Counter)  # removed lines with text per rule id
    results: list[tuple[int | None, CleanResult]] = dc_field(default_factory=list)  # (k-th document, result)


class _Number(str):
    """A JSON number as it was written (see NUMBER_TAG)."""


def _number(literal: str) -> _Number:
    return _Number(NUMBER_TAG + literal)


def loads(raw: bytes):
    """A record, its numbers kept as written (floats; integers are exact in Python)."""
    return json.loads(raw, parse_float=_number)


def dumps(record) -> bytes:
    """A record as one JSON line of UTF-8, numbers as they were read; UnicodeEncodeError for
    text UTF-8 cannot hold (a lone surrogate, escaped as \\ud800 in the input)."""
    text = json.dumps(record, ensure_ascii=False)
    if NUMBER_TAG[1:] in text:
        text = _NUMBER_OUT.sub(lambda m: m.group(1), text)
    return text.encode("utf-8") + b"\n"


def _warnings(results) -> tuple[Counter, int]:
    """Each warning (a rule that timed out, ...) counted once per document it was given for,
    and the number of documents given any."""
    out: Counter = Counter()
    docs = 0
    for r in results:
        if r.warnings:
            out.update(set(r.warnings))
            docs += 1
    return out, docs


def clean_field(cleaner: Cleaner, text: str, split_docs: str | None) -> tuple[str, list[tuple[int, CleanResult]]]:
    """Clean a field's text, document by document when it holds several."""
    if split_docs is None:
        result = cleaner.clean(text)
        return result.text, [(0, result)]
    parts = text.split(split_docs)
    results = [(k, cleaner.clean(part)) for k, part in enumerate(parts)]
    return split_docs.join(r.text for _, r in results), results


def process_record(cleaner: Cleaner, settings: Settings, line_no: int, raw: bytes | None) -> Outcome:
    outcome = _process(cleaner, settings, line_no, raw)
    outcome.size_in = len(raw) if raw is not None else 0
    return outcome


def _process(cleaner: Cleaner, settings: Settings, line_no: int, raw: bytes | None) -> Outcome:
    if raw is None:  # longer than the limit (streams.lines): skipped, and only then, by `run`
        return Outcome(line_no, None, error=too_large(settings.max_record_bytes))
    if not raw.strip():
        return Outcome(line_no, raw)  # a blank line is not a record: passed through
    try:
        record = loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return _bad(settings, line_no, raw, f"malformed JSON ({exc.msg if hasattr(exc, 'msg') else exc})")
    except RecursionError:
        return _bad(settings, line_no, raw, "JSON nested too deeply to read")
    if not isinstance(record, dict):
        return _bad(settings, line_no, raw, f"a JSON {type(record).__name__}, not an object")
    source = settings.html_field or settings.field
    if source not in record:
        return _bad(settings, line_no, raw, f"no field '{source}'")
    value = record[source]
    if not isinstance(value, str) or isinstance(value, _Number):
        kind = {"_Number": "a number","int": "a number", "float": "a number", "bool": "a boolean", "NoneType": "null",
                "list": "a list", "dict": "an object"}.get(type(value).__name__, type(value).__name__)
        return _bad(settings, line_no, raw, f"field '{source}' is {kind}, not a string")
    if settings.html_field is not None:
        return _process_html(cleaner, settings, line_no, raw, record, value)
    cleaned, results = clean_field(cleaner, value, settings.split_docs)
    removed: Counter = Counter()
    rules: Counter = Counter()
    for _, r in results:
        removed.update(r.families())
        rules.update(r.counts())
    warnings, warned = _warnings(r for _, r in results)
    kept = _kept_results(settings, results)
    changed = cleaned != value
    if not changed and settings.explain_field is None:
        return Outcome(line_no, raw if raw.endswith(b"\n") else raw + b"\n", removed=removed, warnings=warnings,
                       warned=warned, rules=rules, results=kept)
    record[settings.field] = cleaned
    if settings.explain_field is not None:
        record[settings.explain_field] = [
            {**({"doc": k} if settings.split_docs is not None else {}),
             "line": d.line, "rule": d.rule, "reason": d.reason}
            for k, r in results for d in r.removed_text()
        ]
    try:
        out = dumps(record)
    except UnicodeEncodeError as exc:
        return _unencodable(settings, line_no, raw, exc)
    return Outcome(line_no, out, removed=removed, changed=changed, warnings=warnings, warned=warned,
                   rules=rules, results=kept)


def _kept_results(settings: Settings, results: list[tuple[int, CleanResult]]) -> list[tuple[int | None, CleanResult]]:
    """The results the HTML report needs (none unless asked): the k-th document's number
    only when the field held several. A blank document is none (as for `cleaner report`);
    the cleaned text, which the report does not read, is left out of what is sent back."""
    if not settings.keep_results:
        return []
    several = len(results) > 1
    return [(k if several else None, replace(r, text="")) for k, r in results if r.changed or r.text.strip()]


def _process_html(cleaner: Cleaner, settings: Settings, line_no: int, raw: bytes, record: dict,
                  markup: str) -> Outcome:
    """An HTML page in one field: the cleaned text goes into `settings.field`."""
    try:
        res = _html_cleaner(cleaner).clean(markup)
    except InputError as exc:
        return _bad(settings, line_no, raw, f"field '{settings.html_field}': {exc}")
    removed = res.result.families()
    record[settings.field] = res.text
    if settings.explain_field is not None:
        record[settings.explain_field] = {
            "extraction": res.extraction.to_dict(),
            "removed": [{"line": d.line, "text": d.text, "rule": d.rule, "reason": d.reason}
                        for d in res.result.removed_text()],
        }
    try:
        out = dumps(record)
    except UnicodeEncodeError as exc:
        return _unencodable(settings, line_no, raw, exc)
    warnings, warned = _warnings([res.result])
    return Outcome(line_no, out, removed=removed, changed=True, warnings=warnings, warned=warned,
                   rules=res.result.counts(), results=_kept_results(settings, [(0, res.result)]))


def _unencodable(settings: Settings, line_no: int, raw: bytes, exc: UnicodeEncodeError) -> Outcome:
    char = exc.object[exc.start:exc.end] if isinstance(exc.object, str) else ""
    what = f"U+{ord(char[0]):04X}, a lone surrogate" if char and 0xD800 <= ord(char[0]) <= 0xDFFF else "a character"
    return _bad(settings, line_no, raw, f"the cleaned record cannot be written as UTF-8 ({what})")


def too_large(max_bytes: int) -> str:
    return f"record longer than the limit of {max_bytes / 2**20:g} MB (--max-record-mb)"


_HTML: dict[int, object] = {}


def _html_cleaner(cleaner: Cleaner):
    """One HtmlCleaner per Cleaner (each worker has one Cleaner)."""
    from cleaner.html import HtmlCleaner

    if id(cleaner) not in _HTML:
        _HTML.clear()
        _HTML[id(cleaner)] = HtmlCleaner(cleaner)
    return _HTML[id(cleaner)]


def _bad(settings: Settings, line_no: int, raw: bytes, message: str) -> Outcome:
    keep = raw if raw.endswith(b"\n") else raw + b"\n"
    return Outcome(line_no, None if settings.on_error == "skip" else keep, error=message)


# --- the worker side ----------------------------------------------------------------------------
# A run is cut into pieces that depend on the inputs alone, never on the number of workers:
# byte ranges of a plain file, a whole compressed file (when there are several inputs), or a
# block of lines that the main process read from one stream it cannot cut (stdin, one
# compressed file). A worker reads its piece's records itself, cleans them and writes its
# output piece into a temporary file (compressed as one whole gzip member or zstd frame when
# the output is compressed); the main process joins the pieces in input order with a copy
# in the kernel. So the output is the same bytes for any number of workers, and the main
# process does nothing per record.

# A plain file is cut into about this many ranges: the workers finish within about one
# piece of each other, so with N workers up to about N / PIECES_PER_FILE of the run is a
# tail where some of them wait (16 workers: 6% here, 25% with 64 pieces); and the progress
# line moves often. Each is between these sizes: a piece's fixed costs (a temporary file
# made, two messages, a copy call: under 1 ms of the main process's CPU, profiled) stay
# under 2% of cleaning 1 MiB (about 50 ms); over 32 MiB a piece would hold back the
# progress line and the join for seconds.
PIECES_PER_FILE = 256
MIN_PIECE_BYTES = 1 << 20
MAX_PIECE_BYTES = 32 << 20

# One stream the main process reads (stdin, a single compressed input) is handed over in
# blocks of about this size: one read, one pickle and one pipe write per block, nothing per
# record. Small enough that a block waits whole in a worker's pipe (parallel.PIPE_BYTES, 1
# MiB), so the worker starts it without waiting for this process to be scheduled (with 1 MiB
# batches of records, workers waited 3-5 ms between two on 2 busy cores), and that the
# blocks in flight (parallel.PENDING_PER_WORKER per worker) hold little memory.
BLOCK_BYTES = 1 << 19


@dataclass(frozen=True)
class Piece:
    """One job for a worker: the records of [start, end) of the plain file `path` (those whose
    first byte lies there), all of the file `path` (end None; decompressed), or the lines in
    `data` (read by the main process; `cut`: one more line after them, over the size limit).
    Its output goes into the existing temporary file `out`, or back with the result (None)."""

    file: int  # which of the run's inputs
    path: str | None = None
    start: int = 0
    end: int | None = None
    data: bytes | None = None
    cut: bool = False
    out: str | None = None
    compression: str | None = None  # the output's: each piece is one whole member or frame


def piece_bytes(size: int) -> int:
    """The size of the ranges a plain file of `size` bytes is cut into."""
    return min(MAX_PIECE_BYTES, max(MIN_PIECE_BYTES, size // PIECES_PER_FILE))


_WORKER: tuple[Cleaner, Settings] | None = None


def _init_worker(settings: Settings, cleaner: Cleaner | None = None) -> None:
    """Set up the process that cleans: `cleaner`, if the caller has built it with
    settings.cleaner_options already (checking the rule packs), else a new one."""
    global _WORKER
    _WORKER = (cleaner if cleaner is not None else Cleaner(**settings.cleaner_options), settings)


@dataclass
class BatchResult:
    """A piece's outcomes as the main process needs them: the tallies (one small object sent
    back per piece), and where its output is. Line numbers count from the piece's first
    line (1); the main process, which knows the lines of the pieces before, adds them."""

    data: bytes = b""  # the output, when it is sent back rather than written to `out`
    out: str | None = None
    file: int = 0
    lines: int = 0  # the lines (records, blank lines, lines over the limit) the piece holds
    records: int = 0
    changed: int = 0
    bytes_in: int = 0
    removed: Counter = dc_field(default_factory=Counter)
    errors: list[tuple[int, str]] = dc_field(default_factory=list)  # (line, message), in order
    stop: tuple[int, str] | None = None  # a line over the limit the run cannot go past: (line, why)
    failed: str | None = None  # the input could not be read (one line, naming it)
    warnings: Counter = dc_field(default_factory=Counter)
    warned: int = 0
    rules: Counter = dc_field(default_factory=Counter)
    documents: list[tuple[int, int | None, CleanResult]] = dc_field(default_factory=list)  # (line, k, result)


def _piece_records(piece: Piece, max_bytes: int, stack: ExitStack) -> Iterator[bytes | None]:
    """The piece's lines (None: over the limit), read by this process."""
    if piece.data is not None:
        yield from (raw for _, raw in lines(io.BytesIO(piece.data), max_bytes))
        if piece.cut:
            yield None
        return
    assert piece.path is not None
    if piece.end is None:
        stream = stack.enter_context(open_input(piece.path))
        yield from (raw for _, raw in lines(stream, max_bytes))
        return
    try:
        stream = stack.enter_context(open(piece.path, "rb", buffering=READ_BYTES))
    except OSError as exc:
        raise InputError(f"{piece.path}: cannot read: {exc.strerror or exc}") from None
    yield from range_lines(stream, piece.start, piece.end, max_bytes)


def clean_piece(piece: Piece, sink: BinaryIO) -> BatchResult:
    """Read, clean and write one piece into `sink`, in this process; its tallies. Stops at
    the first bad record with on_error="fail" (nothing of it is written), and at a line over
    the limit unless on_error="skip" (it was never held whole)."""
    assert _WORKER is not None
    cleaner, settings = _WORKER
    result = BatchResult(file=piece.file)
    writer = PieceWriter(sink, piece.compression)
    write = writer.write
    with ExitStack() as stack:
        for line_no, raw in enumerate(_piece_records(piece, settings.max_record_bytes, stack), 1):
            result.lines = line_no
            if raw is None and settings.on_error != "skip":
                keep = " (it cannot be kept: it was never held whole)" if settings.on_error == "keep" else ""
                result.stop = (line_no, f"{too_large(settings.max_record_bytes)}{keep}; "
                                        "use --on-error skip to go on without it, or raise --max-record-mb")
                break
            o = process_record(cleaner, settings, line_no, raw)
            if o.error:
                result.errors.append((o.line, o.error))
                if settings.on_error == "fail":
                    break  # the run stops at this record: nothing of it is written
            result.records += 1
            result.changed += o.changed
            if o.removed:
                result.removed.update(o.removed)
            if o.rules:
                result.rules.update(o.rules)
            if o.results:
                result.documents.extend((o.line, k, r) for k, r in o.results)
            if o.warned:
                result.warnings.update(o.warnings)
                result.warned += o.warned
            result.bytes_in += o.size_in
            if o.data is not None:
                write(o.data)
    writer.close()
    return result


def _clean_piece_apart(piece: Piece) -> BatchResult:
    """A worker's job: the piece cleaned into its temporary file (opened, never created here:
    a file the main process has already removed, on an interrupted run, stays removed), or
    sent back whole when it has none."""
    if piece.out is None:
        buffer = io.BytesIO()
        result = _clean_or_fail(piece, buffer)
        result.data = buffer.getvalue()
        return result
    fd = os.open(piece.out, os.O_WRONLY | os.O_TRUNC)
    with os.fdopen(fd, "wb", buffering=READ_BYTES) as sink:
        result = _clean_or_fail(piece, sink)
    result.out = piece.out
    return result


def _clean_or_fail(piece: Piece, sink: BinaryIO) -> BatchResult:
    """clean_piece, an input that cannot be read (missing, truncated, not gzip) told in the
    result rather than raised: with several inputs the others go on."""
    try:
        return clean_piece(piece, sink)
    except BrokenPipeError:
        raise  # stdout's reader went away (one worker, writing to stdout): the run ends quietly
    except InputError as exc:
        return BatchResult(file=piece.file, failed=str(exc))
    except (EOFError, OSError) as exc:
        return BatchResult(file=piece.file, failed=f"{piece.path or '<stdin>'}: cannot clean: {exc}")


# --- the summary and the progress line ----------------------------------------------------------

@dataclass
class Summary:
    records: int = 0
    changed: int = 0
    errors: int = 0
    removed: Counter = dc_field(default_factory=Counter)  # removed lines with text per family
    bytes_in: int = 0
    warnings: Counter = dc_field(default_factory=Counter)  # warning -> documents it was given for
    warned: int = 0  # documents with at least one warning
    rules: Counter = dc_field(default_factory=Counter)  # removed lines with text per rule id
    started: float = dc_field(default_factory=time.monotonic)

    def line(self) -> str:
        took = time.monotonic() - self.started
        fams = ", ".join(f"{k} {v}" for k, v in sorted(self.removed.items(), key=lambda kv: (-kv[1], kv[0])))
        warned = f"; warnings in {self.warned} documents" if self.warned else ""
        return (f"cleaner: {self.records} records, {self.changed} changed, {self.errors} bad; "
                f"removed lines: {sum(self.removed.values())}" + (f" ({fams})" if fams else "")
                + warned + f"; {took:.1f}s, {self.bytes_in / 1e6 / took if took else 0:.1f} MB/s")

    def rule_lines(self) -> list[str]:
        """The removed lines per rule id, the most first, one line each (under the summary)."""
        return [f"cleaner:   {n:9,d}  {rule}" for rule, n in sorted(self.rules.items(), key=lambda kv: (-kv[1], kv[0]))]

    def warning_lines(self) -> list[str]:
        """One line per warning (a rule that timed out names the rule) with the number of
        documents it was given for, the most frequent first."""
        return [f"cleaner: warning: {n} document{'s' if n != 1 else ''}: {w}"
                for w, n in sorted(self.warnings.items(), key=lambda kv: (-kv[1], kv[0]))]


class Progress:
    """A one-line progress report on a terminal: records, MB/s and, when the size is known, ETA."""

    def __init__(self, err: TextIO, total_bytes: int | None, enabled: bool):
        self.err, self.total, self.enabled = err, total_bytes, enabled
        self.last = 0.0

    def update(self, s: Summary, *, final: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not final and now - self.last < 0.2):
            return
        self.last = now
        took = max(now - s.started, 1e-9)
        rate = s.bytes_in / took
        eta = ""
        if self.total and rate > 0 and s.bytes_in < self.total:
            eta = f", ETA {max(self.total - s.bytes_in, 0) / rate:.0f}s"
        self.err.write(f"\r{s.records} records, {rate / 1e6:.1f} MB/s{eta}   ")
        if final:
            self.err.write("\n")
        self.err.flush()


# --- the run ------------------------------------------------------------------------------------

@dataclass
class Job:
    """One input of a run and where its output goes: a path ("-": stdout), or a stream
    written into as it is (nothing atomic about it; for callers that hold the output)."""

    name: str  # as messages name it
    source: str | BinaryIO  # a path ("-": stdin), or an open binary stream
    target: str | BinaryIO


def plan(jobs: Sequence[Job], settings: Settings) -> Iterator[Piece]:
    """The run's pieces in input order (see the comment above Piece); the same for any number
    of workers. A stream that cannot be cut is read here, by blocks."""
    several = len(jobs) > 1
    for i, job in enumerate(jobs):
        kind = compression(job.target) if isinstance(job.target, str) else None
        if isinstance(job.source, str) and seekable_file(job.source):
            size = os.path.getsize(job.source)
            step = piece_bytes(size)
            for start in range(0, size, step):
                yield Piece(i, path=job.source, start=start, end=min(start + step, size), compression=kind)
        elif isinstance(job.source, str) and job.source != "-" and several:
            yield Piece(i, path=job.source, compression=kind)  # a whole compressed file
        else:
            stream = open_input(job.source) if isinstance(job.source, str) else job.source
            try:
                for data, cut in blocks(stream, BLOCK_BYTES, settings.max_record_bytes):
                    yield Piece(i, data=data, cut=cut, compression=kind)
            finally:
                if isinstance(job.source, str) and job.source != "-":
                    stream.close()


class _Outputs:
    """The run's outputs, opened one at a time in input order (each an AtomicOutput written
    with the pieces' bytes as they are: compressed already where the name asks for it). An
    output is committed when the run moves past it, so an input with no pieces (an empty
    file) still gets its (empty) output."""

    def __init__(self, jobs: Sequence[Job]):
        self.jobs = jobs
        self.current = -1
        self.atomic: AtomicOutput | None = None
        self.sink: BinaryIO | None = None
        self.failed: set[int] = set()

    def get(self, i: int) -> BinaryIO | None:
        """Output i's stream (None: that input failed), committing the ones before it."""
        while self.current < i:
            self._commit()
            self.current += 1
            if self.current in self.failed:
                continue
            target = self.jobs[self.current].target
            if isinstance(target, str):
                self.atomic = AtomicOutput(target, compress=False)
                self.sink = self.atomic.__enter__()
            else:
                self.sink = target
        return None if i in self.failed else self.sink

    def _commit(self) -> None:
        atomic, self.atomic, self.sink = self.atomic, None, None
        if atomic is not None:
            atomic.__exit__(None, None, None)

    def fail(self, i: int, exc: BaseException) -> None:
        """Leave output i as it was (its temporary file removed)."""
        self.failed.add(i)
        if i == self.current:
            atomic, self.atomic, self.sink = self.atomic, None, None
            if atomic is not None:
                atomic.__exit__(type(exc), exc, None)

    def finish(self) -> None:
        self.get(len(self.jobs) - 1)
        self._commit()

    def abandon(self, exc: BaseException) -> None:
        if self.atomic is not None:
            self.fail(self.current, exc)


class _Discard(io.RawIOBase):
    """The sink of a piece whose input has failed already (one worker, in this process)."""

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        return len(b)


def _pieces_done(pieces: Iterator[Piece], settings: Settings, workers: int, outputs: _Outputs,
                 jobs: Sequence[Job], cleaner: Cleaner | None) -> Iterator[BatchResult]:
    """Each piece's result in input order, its output joined by the caller before the next
    is asked for. With one worker, in this process, written straight into its output. With
    several, each piece of a file gets a temporary file beside its output, which a worker
    writes. A file once joined is handed to a later piece (the worker that opens it empties
    it: freeing its pages is the workers' work, not this process's); all are removed at the
    end, or when the run stops, once the workers are stopped."""
    if workers <= 1:
        _init_worker(settings, cleaner)
        for piece in pieces:
            yield _clean_or_fail(piece, outputs.get(piece.file) or _Discard())
        return
    made: list[str] = []  # every temporary file of the run
    free: dict[Path, list[str]] = {}  # joined already, by directory: free for another piece
    directories: dict[int, Path] = {}  # where each input's pieces go

    def with_temps() -> Iterator[Piece]:
        for piece in pieces:
            if piece.data is None:
                target = jobs[piece.file].target
                if piece.file not in directories:
                    directories[piece.file] = (piece_directory(target) if isinstance(target, str)
                                               else Path(tempfile.gettempdir()))
                where = directories[piece.file]
                if free.get(where):
                    path = free[where].pop()
                else:
                    try:
                        fd, path = make_temp(where)
                    except OSError as exc:
                        raise InputError(f"{target if isinstance(target, str) else where}: cannot write: "
                                         f"{exc.strerror or exc}") from None
                    os.close(fd)
                    made.append(path)
                piece = replace(piece, out=path)
            yield piece

    results = ordered_map(_clean_piece_apart, with_temps(), workers=workers, initializer=_init_worker,
                          initargs=(settings, cleaner))
    try:
        for result in results:
            yield result
            if result.out is not None:
                free.setdefault(Path(result.out).parent, []).append(result.out)
    except WorkerError as exc:
        raise InputError(f"a worker process died while cleaning ({exc}); the output it was "
                         "cleaning, and the ones after, were not written") from None
    finally:
        results.close()  # the workers are stopped before their files are removed
        for path in made:
            try:
                os.unlink(path)
            except OSError:
                pass


def run_jobs(jobs: Sequence[Job], settings: Settings, *, workers: int, progress: Progress, report=None,
             keep_going: bool = False, cleaner: Cleaner | None = None) -> tuple[Summary, list[str]]:
    """Clean every record of each job's input into its output; the summary, and the one-line
    errors of the inputs that failed. A bad record with on_error="fail" (or a worker that
    died) raises InputError, and no output is written, unless `keep_going`: then that input's
    output is left as it was and the others go on. With `report` (a CorpusReport;
    `settings.keep_results` must be set) each document is added to it here, in input order
    whatever the number of workers, so its samples are the same for any N. `cleaner`: one
    built already with settings.cleaner_options, to use (forked workers inherit it)."""
    with terminate_cleanly():  # SIGTERM: the workers' temporary files are removed too
        return _run_jobs(jobs, settings, workers, progress, report, keep_going, cleaner)


def _run_jobs(jobs: Sequence[Job], settings: Settings, workers: int, progress: Progress, report,
              keep_going: bool, cleaner: Cleaner | None) -> tuple[Summary, list[str]]:
    s = Summary()
    outputs = _Outputs(jobs)
    failures: list[str] = []
    lines_before = [0] * len(jobs)
    try:
        with closing(_pieces_done(plan(jobs, settings), settings, workers, outputs, jobs, cleaner)) as done:
            for b in done:
                i, name = b.file, jobs[b.file].name
                out = outputs.get(i)
                if out is None:
                    continue  # its input failed already
                try:
                    _take(b, out, s, settings, name, lines_before[i], report)
                except InputError as exc:
                    if not keep_going:
                        raise
                    outputs.fail(i, exc)
                    failures.append(str(exc))
                lines_before[i] += b.lines
                progress.update(s)
        outputs.finish()
    except BaseException as exc:
        outputs.abandon(exc)
        raise
    progress.update(s, final=True)
    return s, failures


def _take(b: BatchResult, out: BinaryIO, s: Summary, settings: Settings, name: str, before: int,
          report) -> None:
    """One piece's result at its turn: its errors reported (at their line in the file), its
    output joined onto the file's, its tallies added."""
    if b.failed is not None:
        raise InputError(b.failed)
    for line, error in b.errors:
        s.errors += 1
        if settings.on_error == "fail":
            raise InputError(f"{name}:{before + line}: {error} (use --on-error skip or keep to go on)")
        print(f"cleaner: {name}:{before + line}: {error}; record "
              f"{'skipped' if settings.on_error == 'skip' else 'kept as it was'}", file=sys.stderr)
    if b.stop is not None:
        raise InputError(f"{name}:{before + b.stop[0]}: {b.stop[1]}")
    if b.out is not None:
        append_file(b.out, out)
    elif b.data:
        _writer(out)(b.data)
    s.records += b.records
    s.changed += b.changed
    s.removed.update(b.removed)
    s.rules.update(b.rules)
    if report is not None:
        for line, k, result in b.documents:
            report.add(f"{name}:{before + line}" + (f"#{k}" if k is not None else ""), result)
    s.warnings.update(b.warnings)
    s.warned += b.warned
    s.bytes_in += b.bytes_in


def run(stream: BinaryIO | str, out: BinaryIO | str, settings: Settings, *, workers: int, name: str,
        progress: Progress, total_bytes: int | None = None, report=None) -> Summary:
    """Clean every record of one input (a path, or a stream read by blocks) into one output
    (a path written atomically, or a stream written into); raises InputError on a bad record
    with on_error="fail" (an output path is then left as it was). See run_jobs."""
    summary, _ = run_jobs([Job(name, stream, out)], settings, workers=workers, progress=progress, report=report)
    return summary
