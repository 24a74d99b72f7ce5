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
import re
import secrets
import sys
import time
from collections import Counter
from dataclasses import dataclass, field as dc_field, replace
from typing import BinaryIO, Iterator, TextIO

from cleaner.errors import InputError
from cleaner.parallel import ordered_map
from cleaner.pipeline import Cleaner, CleanResult
from cleaner.streams import DEFAULT_MAX_RECORD_MB, lines

# Records are sent to workers in batches of about this many bytes: large enough that the
# cost of passing a batch between processes is small next to cleaning it (about 0.5 ms of a
# batch's 25-40 ms), small enough that the next batch waits whole in a worker's pipe
# (parallel.PIPE_BYTES), so the worker starts it without waiting for this process to be
# scheduled. With 1 MiB batches the workers waited 3-5 ms between two (on 2 busy cores).
BATCH_BYTES = 1 << 19
BATCH_MAX_RECORDS = 512

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

_WORKER: tuple[Cleaner, Settings] | None = None


def _init_worker(settings: Settings) -> None:
    global _WORKER
    _WORKER = (Cleaner(**settings.cleaner_options), settings)


@dataclass
class BatchResult:
    """A batch's outcomes as the main process needs them: what to write, as one block, and
    the tallies (one small object to send back per batch rather than one per record)."""

    data: bytes = b""
    records: int = 0
    changed: int = 0
    bytes_in: int = 0
    removed: Counter = dc_field(default_factory=Counter)
    errors: list[tuple[int, str]] = dc_field(default_factory=list)  # (line, message), in order
    warnings: Counter = dc_field(default_factory=Counter)
    warned: int = 0
    rules: Counter = dc_field(default_factory=Counter)
    documents: list[tuple[int, int | None, CleanResult]] = dc_field(default_factory=list)  # (line, k, result)


def _process_batch(batch: list[tuple[int, bytes]]) -> BatchResult:
    assert _WORKER is not None
    cleaner, settings = _WORKER
    result, data = BatchResult(), []
    for line_no, raw in batch:
        o = process_record(cleaner, settings, line_no, raw)
        if o.error:
            result.errors.append((o.line, o.error))
            if settings.on_error == "fail":
                break  # the run stops at this record: nothing of it is written
        result.records += 1
        result.changed += o.changed
        result.removed.update(o.removed)
        result.rules.update(o.rules)
        result.documents.extend((o.line, k, r) for k, r in o.results)
        result.warnings.update(o.warnings)
        result.warned += o.warned
        result.bytes_in += o.size_in
        if o.data is not None:
            data.append(o.data)
    result.data = b"".join(data)
    return result


def batches(stream: BinaryIO, settings: Settings, name: str) -> Iterator[list[tuple[int, bytes | None]]]:
    """The stream's lines in batches for the workers. A line over the size limit is passed on
    as None (to be reported and skipped) with --on-error skip; otherwise the run stops at it,
    here, before it is ever held whole."""
    batch: list[tuple[int, bytes | None]] = []
    size = 0
    for line_no, raw in lines(stream, settings.max_record_bytes):
        if raw is None and settings.on_error != "skip":
            keep = " (it cannot be kept: it was never held whole)" if settings.on_error == "keep" else ""
            raise InputError(f"{name}:{line_no}: {too_large(settings.max_record_bytes)}{keep}; "
                             "use --on-error skip to go on without it, or raise --max-record-mb")
        batch.append((line_no, raw))
        size += len(raw) if raw is not None else 0
        if size >= BATCH_BYTES or len(batch) >= BATCH_MAX_RECORDS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


# --- the run ------------------------------------------------------------------------------------

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


def _write_all(out: BinaryIO):
    """out.write, or for a buffered file (stdout) a loop that writes all: a buffered write that
    the reader cuts short (`| head`) returns what got through; writing the rest raises
    BrokenPipeError. (A compressor's write returns compressed bytes, so it is left as it is.)"""
    if not isinstance(out, io.BufferedWriter):
        return out.write

    def write(data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[out.write(view):]
    return write


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


def run(stream: BinaryIO, out: BinaryIO, settings: Settings, *, workers: int, name: str,
        progress: Progress, total_bytes: int | None = None, report=None) -> Summary:
    """Clean every record of `stream` into `out`; raises InputError on a bad record with
    on_error="fail" (the caller then leaves the output file as it was). With `report` (a
    CorpusReport; `settings.keep_results` must be set) each document is added to it here, in
    input order whatever the number of workers, so its samples are the same for any N."""
    s = Summary()
    write = _write_all(out)
    for b in ordered_map(_process_batch, batches(stream, settings, name), workers=workers,
                         initializer=_init_worker, initargs=(settings,)):
        write(b.data)
        for line, error in b.errors:
            s.errors += 1
            if settings.on_error == "fail":
                raise InputError(f"{name}:{line}: {error} (use --on-error skip or keep to go on)")
            print(f"cleaner: {name}:{line}: {error}; record "
                  f"{'skipped' if settings.on_error == 'skip' else 'kept as it was'}", file=sys.stderr)
        s.records += b.records
        s.changed += b.changed
        s.removed.update(b.removed)
        s.rules.update(b.rules)
        if report is not None:
            for line, k, result in b.documents:
                report.add(f"{name}:{line}" + (f"#{k}" if k is not None else ""), result)
        s.warnings.update(b.warnings)
        s.warned += b.warned
        s.bytes_in += b.bytes_in
        progress.update(s)
    progress.update(s, final=True)
    return s
