"""The `cleaner` command.

    cleaner clean FILE|- [-o OUT] [--explain | --diff | --format json]
    cleaner clean FILE... --output-dir DIR     several files, each output named like its input
    cleaner clean --jsonl IN [-o OUT] [--report REPORT.html]
    cleaner clean --jsonl IN... --output-dir DIR  several JSONL files (or directories of *.jsonl[.gz|.zst])
    cleaner fix PATH... [--glob PATTERN]      rewrite in place; exit 1 if anything changed
    cleaner check PATH... [--glob PATTERN]    list what fix would change; exit 1 if any
        (fix and check: --diff, --statistics, --format json, --exit-zero, --quiet, --report)
    cleaner learn PATH... [-o PACK.toml]       draft a rule pack from lines recurring across a corpus
    cleaner report PATH... -o REPORT.html      clean a corpus (writing nothing back); an HTML report of the run
    cleaner rules list | validate DIR | show ID

Exit status: 0 done (nothing to fix), 1 files changed or would change, 2 an error, which is
reported as one line on stderr, never as a traceback; 130 interrupted (Ctrl-C), 143 terminated
(SIGTERM): either way temporary files are removed and no output is left half-written; 141
(128 + SIGPIPE, what `cat` shows) when the reader of stdout went away (`| head`), with
nothing on stderr.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from cleaner import __version__
from cleaner.errors import CleanerError, InputError
from cleaner.fileio import Terminated

EXIT_OK, EXIT_CHANGED, EXIT_ERROR = 0, 1, 2
EXIT_BROKEN_PIPE = 128 + 13  # SIGPIPE: what a shell shows for `cat big | head`


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--rules", action="append", default=[], metavar="DIR",
                   help="extra directory of *.toml rule packs (repeatable)")
    p.add_argument("--disable", action="append", default=[], metavar="ID",
                   help="switch off a rule or heuristic: 'general/byline', 'general/*', 'family:teaser' (repeatable)")
    p.add_argument("--site", metavar="NAME", help="use this site pack instead of detecting the site")
    p.add_argument("--no-builtin", action="store_true", help="do not load the shipped rule packs")
    p.add_argument("--invalid-utf8", choices=("fail", "replace"), default="fail",
                   help="invalid UTF-8 input: refuse it (default) or replace bad bytes with U+FFFD")
    p.add_argument("--regex-budget", type=float, default=None, metavar="SECONDS",
                   help="seconds all rule searches on one document may take, per million characters of it "
                        "(default 10); then the rules left are skipped for it, with a warning")


def _learning(p: argparse.ArgumentParser) -> None:
    p.add_argument("--min-docs", type=int, default=None, metavar="N",
                   help="documents a short line must occur in to count as chrome (default: 3, or 5%% of "
                        "the documents if more); body-like lines need far more")


def _record_limit(p) -> None:
    """--max-record-mb, default None: it needs --jsonl, so a value given must be told from the
    default; the default is filled in once the combination is checked."""
    from cleaner.streams import DEFAULT_MAX_RECORD_MB

    p.add_argument("--max-record-mb", type=float, default=None, metavar="MB",
                   help=f"the longest record read (default {DEFAULT_MAX_RECORD_MB}): a longer JSONL record is a bad "
                        "record (--on-error), read past without being held in memory; a longer text file or page "
                        "is refused")


def _jsonl_limits(args: argparse.Namespace) -> int:
    """The record size limit in bytes; the JSONL options that cannot work are refused here."""
    if getattr(args, "split_docs", None) == "":
        raise CleanerError("--split-docs needs a non-empty separator (Multi-News: '|||||')")
    if not args.max_record_mb > 0:
        raise CleanerError("--max-record-mb must be more than 0")
    return int(args.max_record_mb * 2**20)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="cleaner", description="Strip site chrome from scraped article text.")
    ap.add_argument("--version", action="version", version=f"cleaner {__version__}")
    sub = ap.add_subparsers(dest="command", required=True)

    # Options that only mean something with others (--field needs --jsonl, ...) default to
    # None, so that a value given can be told from the default and refused (_refuse_clean).
    c = sub.add_parser("clean", help="clean a file (or stdin, or several files) and write the body")
    c.add_argument("inputs", nargs="*", metavar="input",
                   help="input file, or - for stdin (default); several with --output-dir")
    c.add_argument("-o", "--output", default=None, help="output file, or - for stdout (default)")
    c.add_argument("--output-dir", metavar="DIR",
                   help="write each input's output into DIR under the input's own name (several inputs)")
    show = c.add_mutually_exclusive_group()
    show.add_argument("--explain", action="store_true", help="list every removed line with its rule and reason")
    show.add_argument("--diff", action="store_true", help="print a unified diff of input against output")
    c.add_argument("--format", choices=("text", "json"), default=None,
                   help="json: print the decisions (line, kept, text, rule, reason) for tools")
    c.add_argument("--html", action=argparse.BooleanOptionalAction, default=None,
                   help="the input is an HTML page (default: detected from the name, *.html/*.htm, "
                        "or from a doctype/<html> at the start); --no-html reads it as text")
    j = c.add_argument_group("JSONL streams (one JSON object per line; .gz and .zst by extension)")
    j.add_argument("--jsonl", action="store_true", help="the input is JSONL: clean one field of each record")
    j.add_argument("--field", default=None, help="the field to clean (default: text)")
    j.add_argument("--html-field", metavar="NAME",
                   help="read an HTML page from this field and write the cleaned text into --field")
    j.add_argument("--split-docs", metavar="SEP",
                   help="the field holds several documents joined by SEP (Multi-News: '|||||'); clean each")
    j.add_argument("--explain-field", metavar="NAME", help="add the removals (rule per removed line) to each record")
    j.add_argument("--corpus-chrome", action="store_true",
                   help="first learn the chrome that recurs across this stream's documents, then clean "
                        "with it too (two passes; not for stdin)")
    j.add_argument("--on-error", choices=("fail", "skip", "keep"), default=None,
                   help="a bad record: stop (default; the output file is not written), drop it, or keep it as is")
    _record_limit(j)
    j.add_argument("--report", metavar="HTML",
                   help="also write the HTML report of the run (as 'cleaner report' does) to this file")
    c.add_argument("--workers", type=int, default=None, metavar="N",
                   help="worker processes for --jsonl (default: the number of cores); output is identical for any N")
    c.add_argument("--quiet", action="store_true", help="no progress line and no summary on stderr")
    _learning(c)
    _common(c)

    for name, help_ in (("fix", "clean files in place (exit 1 if any changed)"),
                        ("check", "list files that fix would change (exit 1 if any)")):
        b = sub.add_parser(name, help=help_)
        b.add_argument("paths", nargs="+", help="files, or directories to recurse")
        b.add_argument("--glob", default="*.txt", help="file name pattern inside directories (default *.txt)")
        b.add_argument("--workers", type=int, default=None, metavar="N",
                       help="worker processes (default: the number of cores); same output for any N")
        b.add_argument("--corpus-chrome", action="store_true",
                       help="first learn the chrome that recurs across these files, then clean with it too")
        r = b.add_argument_group("review (ruff-style)")
        r.add_argument("--diff", action="store_true",
                       help="print a unified diff per file that would change; write nothing")
        r.add_argument("--statistics", action="store_true",
                       help="print the lines removed per rule across the run instead of one line per file")
        r.add_argument("--format", choices=("text", "json"), default=None,
                       help="json: one JSON object per changed file, its removed lines (line, text, rule, reason)")
        r.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when files changed or would change (errors still exit 2)")
        r.add_argument("--quiet", action="store_true",
                       help="no line per file and no closing total (errors are still printed)")
        r.add_argument("--report", metavar="HTML",
                       help="also write the HTML report of the run (as 'cleaner report' does) to this file")
        if name == "fix":
            w = b.add_argument_group("what fix refuses unless asked (each refused file: one line, exit 2)")
            w.add_argument("--follow-symlinks-out", action="store_true",
                           help="write through a symbolic link found in a directory whose target is outside it")
            w.add_argument("--break-hardlinks", action="store_true",
                           help="replace a file that has other hard links (they keep the old text)")
            w.add_argument("--force-readonly", action="store_true",
                           help="replace a file that has no write permission")
            w.add_argument("--allow-empty", action="store_true",
                           help="write a file even when cleaning removes every line of it")
        _record_limit(b)
        _learning(b)
        _common(b)

    lp = sub.add_parser("learn", help="draft a rule pack from lines that recur across a corpus")
    lp.add_argument("paths", nargs="+", help="files or directories (or JSONL files with --jsonl)")
    lp.add_argument("-o", "--output", default="-", help="the draft pack (.toml), or - for stdout (default)")
    lp.add_argument("--name", default="learned", help="the pack's name (default: learned)")
    lp.add_argument("--glob", default="*.txt", help="file name pattern inside directories (default *.txt)")
    lp.add_argument("--jsonl", action="store_true", help="the inputs are JSONL; learn from one field")
    lp.add_argument("--field", default=None, help="the JSONL field (default: text)")
    lp.add_argument("--split-docs", metavar="SEP", help="the field holds several documents joined by SEP")
    _record_limit(lp)
    _learning(lp)
    lp.add_argument("--workers", type=int, default=None, metavar="N",
                    help="worker processes (default: the number of cores); same pack for any N")
    _common(lp)

    from cleaner import report_command
    report_command.add_parser(sub, _common)

    r = sub.add_parser("rules", help="list, validate or show rules")
    rsub = r.add_subparsers(dest="rules_command", required=True)
    rl = rsub.add_parser("list", help="list the loaded packs, rules and heuristics")
    _common(rl)
    rv = rsub.add_parser("validate", help="check a directory of rule packs (and their examples)")
    rv.add_argument("directory")
    rs = rsub.add_parser("show", help="print what one rule or heuristic does and why")
    rs.add_argument("id")
    _common(rs)
    return ap


def _refuse_clean(args: argparse.Namespace) -> str | None:
    """Why this combination of `clean` options cannot be run as asked (one line), or None.
    A flag that would be ignored is refused too: the user meant something by it."""
    inputs = args.inputs or ["-"]
    side = [flag for flag, on in (("--explain", args.explain), ("--diff", args.diff),
                                  ("--format json", args.format == "json")) if on]
    if args.jsonl:
        instead = {"--explain": "--explain-field NAME records each record's removals",
                   "--diff": "--report HTML shows what was removed",
                   "--format json": "--explain-field NAME adds the decisions to each record"}
        if side:
            return f"--jsonl and {side[0]} cannot be combined ({instead[side[0]]})"
        if args.html is not None:
            return "--html/--no-html is for a page in a file; with --jsonl, --html-field NAME reads a page per record"
    else:
        for flag, given in (("--field", args.field), ("--html-field", args.html_field),
                            ("--split-docs", args.split_docs), ("--explain-field", args.explain_field),
                            ("--on-error", args.on_error),
                            ("--corpus-chrome", args.corpus_chrome or None), ("--workers", args.workers),
                            ("--report", args.report)):
            if given is not None:
                return f"{flag} applies to JSONL input only (add --jsonl)"
    if len(side) > 1:
        return f"{side[0]} and {side[1]} cannot be combined (one report at a time on stdout)"
    if args.output is not None and args.output_dir is not None:
        return "-o and --output-dir cannot be combined (-o names one output, --output-dir holds one per input)"
    if len(inputs) > 1 and args.output is not None:
        return "-o names one output; several inputs need --output-dir DIR"
    if len(inputs) > 1 and args.output_dir is None:
        return "several inputs need --output-dir DIR (each output is named like its input)"
    if args.output_dir is not None and "-" in inputs:
        return "stdin (-) has no name to write under --output-dir; name the files"
    return _refuse_common(args)


def _refuse_jsonl_only(args: argparse.Namespace, flags: Sequence[str]) -> str | None:
    """A JSONL option given without --jsonl (learn, report): it would be ignored."""
    if args.jsonl:
        return None
    for flag in flags:
        if getattr(args, flag[2:].replace("-", "_")) is not None:
            return f"{flag} applies to JSONL input only (add --jsonl)"
    return None


def _refuse_common(args: argparse.Namespace) -> str | None:
    if getattr(args, "workers", None) is not None and args.workers < 1:
        return "--workers must be at least 1"
    if getattr(args, "min_docs", None) is not None and not getattr(args, "corpus_chrome", True):
        return "--min-docs applies to --corpus-chrome only (or to 'cleaner learn')"
    return None


def _refuse_batch(args: argparse.Namespace) -> str | None:
    """Why this combination of `fix`/`check` options cannot be run as asked, or None."""
    shown = [flag for flag, on in (("--diff", args.diff), ("--format json", args.format == "json"),
                                   ("--statistics", args.statistics)) if on]
    if len(shown) > 1:
        return f"{shown[0]} and {shown[1]} cannot be combined (one report at a time on stdout)"
    if args.command == "fix" and args.diff:
        for flag in ("follow_symlinks_out", "break_hardlinks", "force_readonly", "allow_empty"):
            if getattr(args, flag):
                return f"--diff writes nothing, so --{flag.replace('_', '-')} means nothing with it"
    return _refuse_common(args)


def _cleaner(args: argparse.Namespace, extra: Sequence[tuple[str, str]] = ()):
    from cleaner.pipeline import Cleaner
    try:
        return Cleaner(**_options(args, extra))
    except RecursionError:  # tomllib recurses once per level of nesting
        where = ", ".join(args.rules) or "the built-in rules"
        raise CleanerError(f"a rule pack in {where} is nested too deeply to read (thousands of "
                           "nested arrays or tables)") from None


def _options(args: argparse.Namespace, extra: Sequence[tuple[str, str]] = ()) -> dict:
    from cleaner.kinds import REGEX_BUDGET_S

    budget = args.regex_budget if args.regex_budget is not None else REGEX_BUDGET_S
    if not budget > 0:
        raise CleanerError("--regex-budget must be more than 0 seconds")
    return {"rule_dirs": list(args.rules), "disabled": list(args.disable), "site": args.site,
            "builtin": not args.no_builtin, "extra_packs": list(extra), "regex_budget": budget}


def _learn(args: argparse.Namespace, documents, source: str, skipped):
    """Gather the corpus's evidence; (the draft pack's TOML, number of rules, summary line)."""
    from cleaner import learn
    from cleaner.packs import parse_pack

    if args.min_docs is not None and args.min_docs < 2:
        raise CleanerError("--min-docs must be at least 2 (a line in one document is no evidence)")
    evidence = learn.gather(documents, options=_options(args), workers=_workers(args))
    found = learn.candidates(evidence, args.min_docs)
    short, body = learn.thresholds(evidence.documents, args.min_docs)
    name = getattr(args, "name", None) or "corpus-chrome"
    toml = learn.to_toml(found, name=name, documents=evidence.documents, source=source)
    parse_pack(toml, f"<{name}>")  # what is written must load
    summary = (f"cleaner: learned {len(found)} rules from {evidence.documents} documents of {source} "
               f"(a line needs {short} documents, a body-like line {body})"
               + (f"; {skipped.count} inputs skipped, e.g. {skipped.reasons[0]}" if skipped.count else ""))
    return toml, len(found), summary


def cmd_learn(args: argparse.Namespace) -> int:
    from itertools import chain

    from cleaner import corpus
    from cleaner.fileio import write_output
    from cleaner.streams import DEFAULT_MAX_RECORD_MB

    why = _refuse_jsonl_only(args, ("--field", "--split-docs", "--max-record-mb")) or _refuse_common(args)
    if why is not None:
        raise CleanerError(why)
    args.field = args.field if args.field is not None else "text"
    args.max_record_mb = args.max_record_mb if args.max_record_mb is not None else DEFAULT_MAX_RECORD_MB
    limit = _jsonl_limits(args)
    _cleaner(args)  # check the packs once before any worker starts
    skipped = corpus.Skipped()
    if args.jsonl:
        docs = chain.from_iterable(corpus.jsonl_documents(p, args.field, args.split_docs, skipped, limit)
                                   for p in args.paths)
    else:
        docs = corpus.file_documents(args.paths, args.glob, skipped)
    toml, _, summary = _learn(args, docs, " ".join(args.paths), skipped)
    print(summary, file=sys.stderr)
    if args.output == "-":
        sys.stdout.write(toml)
    else:
        if Path(args.output).is_dir():
            raise InputError(f"{args.output}: is a directory, cannot write the pack there")
        try:
            write_output(Path(args.output), toml.encode("utf-8"))
        except OSError as exc:
            raise InputError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    return EXIT_OK


def _corpus_chrome(args: argparse.Namespace, docs, source: str, skipped) -> list[tuple[str, str]]:
    """The pack learned from this very corpus, as an extra pack for the cleaning pass."""
    toml, count, summary = _learn(args, docs, source, skipped)
    if not getattr(args, "quiet", False):
        print(summary.replace("cleaner: learned", "cleaner: corpus chrome: learned"), file=sys.stderr)
    return [("<corpus-chrome>", toml)] if count else []


def _workers(args: argparse.Namespace) -> int:
    from cleaner.parallel import default_workers
    if args.workers is None:
        return default_workers()
    if args.workers < 1:
        raise CleanerError("--workers must be at least 1")
    return args.workers


def cmd_jsonl(args: argparse.Namespace) -> int:
    from cleaner import jsonl, streams

    limit = _jsonl_limits(args)
    checked = _cleaner(args)  # load and check the rule packs once, before any worker starts
    if args.html_field is not None and args.split_docs is not None:
        raise CleanerError("--html-field and --split-docs cannot be combined (one page per record)")
    pairs = _jsonl_pairs(args)
    extra: list[tuple[str, str]] = []
    if args.corpus_chrome:
        from itertools import chain

        from cleaner import corpus

        if args.html_field is not None:
            raise CleanerError("--corpus-chrome learns from text fields; it cannot be combined with --html-field")
        docs = chain.from_iterable(corpus.jsonl_documents(source, args.field, args.split_docs, corpus.Skipped(),
                                                          limit) for source, _ in pairs)
        extra = _corpus_chrome(args, docs, " ".join(source for source, _ in pairs), corpus.Skipped())
    page = _new_page(args)
    settings = jsonl.Settings(field=args.field, split_docs=args.split_docs, explain_field=args.explain_field,
                              on_error=args.on_error, cleaner_options=_options(args, extra),
                              html_field=args.html_field, max_record_bytes=limit, keep_results=page is not None)
    jobs = [jsonl.Job("<stdin>" if source == "-" else source, source, target) for source, target in pairs]
    sizes = [None if streams.compression(source) else streams.input_size(source) for source, _ in pairs]
    size = None if None in sizes else sum(sizes)  # compressed: the bytes read are not the file's size
    progress = jsonl.Progress(sys.stderr, size, enabled=sys.stderr.isatty() and not args.quiet)
    try:
        summary, failures = jsonl.run_jobs(jobs, settings, workers=_workers(args), progress=progress, report=page,
                                           keep_going=args.output_dir is not None,
                                           cleaner=None if extra else checked)  # the same options: reused
    except BrokenPipeError:
        raise  # stdout's reader went away: see _main
    except (EOFError, OSError) as exc:
        raise InputError(f"{jobs[0].name if len(jobs) == 1 else 'an input'}: cannot read: {exc}") from None
    for failure in failures:  # one line per input that failed; the others were written
        print(f"cleaner: {failure}", file=sys.stderr)
    if page is not None:
        _write_page(args, page)
    if not args.quiet:
        print(summary.line(), file=sys.stderr)
        for line in summary.rule_lines():
            print(line, file=sys.stderr)
    for line in summary.warning_lines():  # even with --quiet: a rule skipped is worth a line
        print(line, file=sys.stderr)
    return EXIT_ERROR if failures else EXIT_OK


# The files of a directory given to `clean --jsonl --output-dir`: JSONL, compressed or not.
JSONL_NAMES = ("*.jsonl", "*.jsonl.gz", "*.jsonl.zst", "*.jsonl.zstd")


def _jsonl_pairs(args: argparse.Namespace) -> list[tuple[str, str]]:
    """(input, output) for each JSONL stream of the run: the one input and -o, or with
    --output-dir each file named (under its name) and each JSONL file under a directory named
    (under its path inside that directory). Refused before anything is written: a directory
    without --output-dir, a directory with no JSONL file."""
    from fnmatch import fnmatch

    inputs = args.inputs or ["-"]
    if args.output_dir is None:
        if Path(inputs[0]).is_dir():
            raise CleanerError(f"{inputs[0]}: is a directory; clean its JSONL files with --output-dir DIR")
        return [(inputs[0], args.output or "-")]
    named = [p for p in inputs if not Path(p).is_dir()]
    pairs = _output_paths(named, args.output_dir) if named else []
    out = Path(args.output_dir)
    for top in (Path(p) for p in inputs if Path(p).is_dir()):
        found = 0
        for root, dirs, files in os.walk(top):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith(".") or not any(fnmatch(name, pattern) for pattern in JSONL_NAMES):
                    continue
                source = Path(root) / name
                target = out / source.relative_to(top)
                if os.path.realpath(target) == os.path.realpath(source):
                    raise CleanerError(f"{source}: its output {target} would replace it; choose another --output-dir")
                if str(target) in {t for _, t in pairs}:
                    raise CleanerError(f"two inputs would both be written to {target}; clean them into "
                                       "different directories")
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise InputError(f"{target.parent}: cannot create: {exc.strerror or exc}") from None
                pairs.append((str(source), str(target)))
                found += 1
        if not found:
            raise CleanerError(f"{top}: no JSONL files in it ({', '.join(JSONL_NAMES)})")
    return pairs


def _new_page(args: argparse.Namespace):
    """The CorpusReport that --report fills during the run, or None; the path is checked
    first, so a run is not wasted on a report that cannot be written."""
    if getattr(args, "report", None) is None:
        return None
    from cleaner.corpus_report import CorpusReport

    target = Path(args.report)
    if target.is_dir():
        raise InputError(f"{args.report}: is a directory, cannot write the report there")
    if not target.parent.is_dir():
        raise InputError(f"{args.report}: cannot write: no such directory {target.parent}")
    return CorpusReport()


def _write_page(args: argparse.Namespace, page) -> None:
    from cleaner.fileio import write_atomic

    inputs = getattr(args, "paths", None) or getattr(args, "inputs", None) or ["-"]
    html = page.render(f"cleaner report: {' '.join(inputs)}")
    try:
        write_atomic(Path(args.report), html.encode("utf-8"))
    except OSError as exc:
        raise InputError(f"{args.report}: cannot write: {exc.strerror or exc}") from None


def _read_input(path: str, html_by_name: bool, max_bytes: int | None = None) -> bytes:
    """The input's bytes; an HTML page named *.html.gz / *.html.zst is decompressed. Longer
    than `max_bytes` (--max-record-mb), it is refused and not read whole."""
    from cleaner import streams
    from cleaner.fileio import read_limited, read_regular

    if path == "-":
        return read_limited(sys.stdin.buffer, "<stdin>", max_bytes)
    if html_by_name and streams.compression(path):
        read_regular(path, max_bytes)  # the same one-line errors as for any file
        stream = streams.open_input(path)
        try:
            return read_limited(stream, path, max_bytes)
        except (EOFError, OSError) as exc:
            raise InputError(f"{path}: cannot decompress: {exc}") from None
        finally:
            stream.close()
    return read_regular(path, max_bytes)


def cmd_clean(args: argparse.Namespace) -> int:
    from cleaner.streams import DEFAULT_MAX_RECORD_MB

    why = _refuse_clean(args)
    if why is not None:
        raise CleanerError(why)
    args.field = args.field if args.field is not None else "text"
    args.on_error = args.on_error or "fail"
    args.max_record_mb = args.max_record_mb if args.max_record_mb is not None else DEFAULT_MAX_RECORD_MB
    args.format = args.format or "text"
    inputs = args.inputs or ["-"]
    if args.jsonl:
        return cmd_jsonl(args)
    cleaner = _cleaner(args)
    if args.output_dir is None:
        return _clean_one(args, cleaner, inputs[0], args.output or "-")
    status = EXIT_OK
    for source, target in _output_paths(inputs, args.output_dir):
        try:
            _clean_one(args, cleaner, source, target)
        except CleanerError as exc:  # one line for this input; the others are still cleaned
            print(f"cleaner: {exc}", file=sys.stderr)
            status = EXIT_ERROR
    return status


def _output_paths(inputs: Sequence[str], directory: str) -> list[tuple[str, str]]:
    """(input, output) pairs for --output-dir: each output under its input's name. Refused
    before anything is written: two inputs of the same name, an output that is its input."""
    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InputError(f"{directory}: not a directory (--output-dir)")
    pairs: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    for source in inputs:
        name = Path(source).name
        if name in seen:
            raise CleanerError(f"{seen[name]} and {source} would both be written to {out / name}; "
                               "clean them into different directories")
        seen[name] = source
        target = out / name
        if target.exists() and os.path.realpath(target) == os.path.realpath(source):
            raise CleanerError(f"{source}: its output {target} would replace it; choose another "
                               "--output-dir (or 'cleaner fix' to clean in place)")
        pairs.append((source, str(target)))
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{directory}: cannot create: {exc.strerror or exc}") from None
    return pairs


def _clean_one(args: argparse.Namespace, cleaner, source: str, target: str) -> int:
    """Clean one text or HTML input into `target` ("-": stdout)."""
    from cleaner import report
    from cleaner.fileio import decode, encode
    from cleaner.html import is_html_name, looks_like_html

    name = "<stdin>" if source == "-" else source
    by_name = args.html is None and source != "-" and is_html_name(source)
    raw = _read_input(source, by_name or bool(args.html), _jsonl_limits(args))
    html = args.html if args.html is not None else (
        by_name or looks_like_html(raw[:4096].decode("utf-8", errors="replace")))
    if html:
        return _clean_html(args, cleaner, raw, name, target)
    src = decode(raw, name, invalid=args.invalid_utf8)
    if src.replaced:
        print(f"cleaner: {name}: replaced {src.replaced} invalid UTF-8 sequence(s) with U+FFFD", file=sys.stderr)
    if not src.text.strip():
        raise InputError(f"{name}: empty input, nothing to clean")
    result = cleaner.clean(src.text)
    side = _side(args, lambda: report.as_json(result, name), lambda: report.explain(result, name),
                 lambda: report.diff(src.text, result.text, name))
    return _emit(target, result.warnings, encode(result.text, bom=src.bom), side)


def _side(args: argparse.Namespace, as_json, explain, diff) -> str | None:
    """The report asked for (--format json, --explain or --diff), if any, made only then."""
    if args.format == "json":
        return as_json()
    if args.explain:
        return explain()
    if args.diff:
        return diff()
    return None


def _clean_html(args: argparse.Namespace, cleaner, raw: bytes, name: str, target: str) -> int:
    from cleaner import report
    from cleaner.fileio import encode
    from cleaner.html import HtmlCleaner, decode_html

    if b"\x00" in raw[:8192]:
        raise InputError(f"{name}: looks like a binary file (NUL byte), not an HTML page; not cleaned")
    markup = decode_html(raw, name, invalid=args.invalid_utf8)
    if not markup.strip():
        raise InputError(f"{name}: empty input, nothing to clean")
    res = HtmlCleaner(cleaner).clean(markup)
    side = _side(args, lambda: report.html_as_json(res, name), lambda: report.html_explain(res, name),
                 lambda: report.diff(res.extracted_text, res.text, name))
    return _emit(target, res.result.warnings, encode(res.text), side)


def _emit(target: str, warnings, data: bytes, side: str | None) -> int:
    """Write the cleaned bytes (atomically to a file, into a device or FIFO, or to stdout)
    and any report."""
    from cleaner.fileio import write_output

    for w in warnings:
        print(f"cleaner: warning: {w}", file=sys.stderr)
    if target != "-":
        out = Path(target)
        if out.is_dir():
            raise InputError(f"{target}: is a directory, cannot write the output there")
        try:
            write_output(out, data)
        except BrokenPipeError:
            raise  # a FIFO whose reader went away: see _main
        except OSError as exc:
            raise InputError(f"{target}: cannot write: {exc.strerror or exc}") from None
    if side is not None:
        write_stdout(side.encode(sys.stdout.encoding or "utf-8", errors=sys.stdout.errors or "strict"))
    elif target == "-":
        write_stdout(data)
    return EXIT_OK


def write_stdout(data: bytes) -> None:
    """Write all of `data` to stdout. A buffered write that the reader cuts short (`| head`)
    returns the bytes it got through instead of raising; writing the rest raises
    BrokenPipeError, so the run ends as `cat` does (see _main) rather than with exit 0."""
    sys.stdout.flush()
    out = sys.stdout.buffer
    view = memoryview(data)
    while view:
        view = view[out.write(view):]
    out.flush()


def cmd_batch(args: argparse.Namespace, *, write: bool) -> int:
    from cleaner import batch
    from cleaner.streams import DEFAULT_MAX_RECORD_MB

    why = _refuse_batch(args)
    if why is not None:
        raise CleanerError(why)
    args.max_record_mb = args.max_record_mb if args.max_record_mb is not None else DEFAULT_MAX_RECORD_MB
    extra: list[tuple[str, str]] = []
    if args.corpus_chrome:
        from cleaner import corpus

        _cleaner(args)
        skipped = corpus.Skipped()
        extra = _corpus_chrome(args, corpus.file_documents(args.paths, args.glob, skipped),
                               " ".join(args.paths), skipped)
    policy = batch.WritePolicy(**{k: getattr(args, k, False) for k in
                                  ("follow_symlinks_out", "break_hardlinks", "force_readonly", "allow_empty")})
    review = batch.Review(diff=args.diff, as_json=args.format == "json", statistics=args.statistics,
                          quiet=args.quiet)
    page = _new_page(args)
    rep = batch.run(args.paths, _cleaner(args, extra), write=write, pattern=args.glob, invalid=args.invalid_utf8,
                    workers=_workers(args), options=_options(args, extra), policy=policy, review=review,
                    page=page, max_bytes=_jsonl_limits(args))
    if page is not None:
        _write_page(args, page)
    if args.exit_zero and rep.exit_code == EXIT_CHANGED:
        return EXIT_OK
    return rep.exit_code


def cmd_rules(args: argparse.Namespace) -> int:
    from cleaner import report

    if args.rules_command == "list":
        sys.stdout.write(report.rules_table(_cleaner(args)))
        return EXIT_OK
    if args.rules_command == "show":
        text = report.describe(_cleaner(args), args.id)
        if text is None:
            raise CleanerError(f"no rule or heuristic with id '{args.id}' (see 'cleaner rules list')")
        sys.stdout.write(text)
        return EXIT_OK
    from cleaner.validate import validate_dir

    problems, count = validate_dir(Path(args.directory))
    for p in problems:
        print(f"cleaner: {p}", file=sys.stderr)
    if problems:
        return EXIT_ERROR
    print(f"{args.directory}: {count} rules OK (patterns compile, examples match, counterexamples do not)")
    return EXIT_OK


def _reader_gone() -> int:
    """stdout's reader went away (`cleaner ... | head`): end quietly, as `cat` does. What is
    still buffered for stdout is dropped (stdout now writes to /dev/null), so Python's exit
    does not report the broken pipe once more."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_BROKEN_PIPE


def main(argv: Sequence[str] | None = None) -> int:
    return _main(parser().parse_args(argv))


def _main(args: argparse.Namespace) -> int:
    try:
        if args.command == "clean":
            return cmd_clean(args)
        if args.command in ("fix", "check"):
            return cmd_batch(args, write=args.command == "fix")
        if args.command == "learn":
            return cmd_learn(args)
        if args.command == "report":
            from cleaner import report_command
            why = _refuse_jsonl_only(args, ("--field", "--split-docs"))
            if why is not None:
                raise CleanerError(why)
            args.field = args.field if args.field is not None else "text"
            return report_command.run(args, _cleaner(args))
        return cmd_rules(args)
    except CleanerError as exc:
        print(f"cleaner: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return _reader_gone()
    except KeyboardInterrupt:
        print("cleaner: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("cleaner: terminated", file=sys.stderr)
        return 128 + 15  # SIGTERM
    except RecursionError:
        print("cleaner: input nested too deeply to read (a rule pack, record or page with thousands "
              "of nested levels); nothing was written", file=sys.stderr)
        return EXIT_ERROR
    except MemoryError:
        print("cleaner: out of memory", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:  # a bug: still one line, and CLEANER_DEBUG=1 shows the traceback
        if os.environ.get("CLEANER_DEBUG"):
            raise
        print(f"cleaner: internal error: {type(exc).__name__}: {exc} (set CLEANER_DEBUG=1 for details)",
              file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
