"""Peak memory and time of `cleaner` on hostile inputs (issue 20's figures).

    python bench/hostile.py memory [--bomb-mb N] [--only jsonl,fix]   peak RSS of each case
    python bench/hostile.py html [--sizes 12.5,25,50]  seconds to clean generated HTML pages

Each case runs the real command in its own process, under a wrapper process that reads the
child's peak RSS (getrusage(RUSAGE_CHILDREN).ru_maxrss), so one case's memory never counts for
another. Inputs are generated in a temporary directory and removed afterwards. The cleaner
imported is the one on PYTHONPATH (run from the worktree root with PYTHONPATH=.).
"""
from __future__ import annotations

import argparse
import json
import os
import string
import subprocess
import sys
import tempfile
import time
from pathlib import Path

P1 = "The council voted on Tuesday to close the library, despite a petition signed by residents."
_WRAP = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
         "stderr=subprocess.PIPE); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
         "sys.stdout.write('rc=%d %s' % (r.returncode, r.stderr.decode(errors='replace')[-300:].strip()))")


# The memory bound the README states for cleaning one text (clean, fix): this many MB, plus
# this many times the text's bytes, plus this many bytes per line that holds text (blank
# lines are held as one line per run, so they cost nothing of their own). The most per line
# measured: 3 M two-character lines, nearly all removed as second copies, about 210 bytes a
# line (a removed line's dict entry costs up to twice as much just after the dict grows).
BOUND_BASE_MB = 100
BOUND_PER_BYTE = 15
BOUND_PER_LINE = 300


def peak(args: list[str]) -> tuple[float, float, str]:
    """(peak RSS in MB, seconds, exit status and stderr tail) of `cleaner ARGS`."""
    start = time.monotonic()
    r = subprocess.run([sys.executable, "-c", _WRAP, sys.executable, "-m", "cleaner", *args],
                       capture_output=True, text=True)
    took = time.monotonic() - start
    first, _, rest = r.stdout.partition("\n")
    return int(first) / 1024, took, rest.strip().replace("\n", " | ")


def memory(bomb_mb: int, only: str | None = None) -> None:
    import zstandard

    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        out = str(d / "out")
        cases: list[tuple[str, list[str]]] = []
        (d / "empty.txt").write_bytes((P1 + "\n").encode() + b"\n" * (20 << 20))
        cases.append(("text: 20 MB of empty lines (one body line)", ["clean", str(d / "empty.txt"), "-o", out]))
        (d / "empty-fix.txt").write_bytes(b"\n" * (20 << 20))
        cases.append(("fix: 20 MB of empty lines", ["fix", str(d / "empty-fix.txt")]))
        with open(d / "short.txt", "w") as fh:
            for i in range(5_000_000):
                fh.write(f"line {i}\n")
        cases.append(("text: 5 M short lines", ["clean", str(d / "short.txt"), "-o", out]))
        with open(d / "tiny.txt", "w") as fh:  # each a second copy of one of the first ten: removed
            for i in range(2_000_000):
                fh.write(f"a{i % 10}\n")
        cases.append(("text: 2 M tiny repeated lines", ["clean", str(d / "tiny.txt"), "-o", out]))
        with open(d / "pairs.txt", "w") as fh:  # two characters a line, 3,844 distinct: nearly all removed
            pairs = [a + b for a in string.ascii_letters + string.digits for b in string.ascii_letters + string.digits]
            for i in range(3_000_000):
                fh.write(pairs[i % len(pairs)] + "\n")
        cases.append(("text: 3 M two-character lines, 3,844 distinct", ["clean", str(d / "pairs.txt"), "-o", out]))
        with open(d / "news.txt", "w") as fh:  # about 50 MB of paragraphs between blank lines, with chrome
            for i in range(400_000):
                fh.write(f"{P1} Item {i} of the council's agenda.\n\nShare this article\n\n" if i % 10 == 9
                         else f"{P1} Item {i} of the council's agenda.\n\n")
        cases.append(("text: 50 MB of news paragraphs", ["clean", str(d / "news.txt"), "-o", out]))
        with open(d / "short.jsonl", "w") as fh:
            for i in range(5_000_000):
                fh.write(f'{{"id": {i}, "text": "line {i}"}}\n')
        cases.append(("jsonl: 5 M short records, 1 worker",
                      ["clean", "--jsonl", "--workers", "1", str(d / "short.jsonl"), "-o", out + ".jsonl"]))
        with open(d / "emptyrec.jsonl", "w") as fh:
            fh.write(json.dumps({"text": P1 + "\n" * (20 << 20)}) + "\n")
        cases.append(("jsonl: one record of 20 MB of empty lines",
                      ["clean", "--jsonl", "--workers", "1", str(d / "emptyrec.jsonl"), "-o", out + ".jsonl"]))
        cctx = zstandard.ZstdCompressor(level=19)
        with open(d / "bomb.jsonl.zst", "wb") as raw, cctx.stream_writer(raw) as w:
            w.write(b'{"text": "')
            chunk = b"a" * (1 << 20)
            for _ in range(bomb_mb):
                w.write(chunk)
            w.write(b'"}\n')
        size = (d / "bomb.jsonl.zst").stat().st_size
        for on_error in ("fail", "skip"):
            cases.append((f"jsonl: {bomb_mb} MB record in a {size // 1024} KB .zst, --on-error {on_error}",
                          ["clean", "--jsonl", "--workers", "1", "--on-error", on_error, str(d / "bomb.jsonl.zst"),
                           "-o", out + ".jsonl"]))
        for label, args in cases:
            if only and not any(o in label for o in only.split(",")):
                continue
            mb, took, tail = peak(args)
            size = Path(args[1]).stat().st_size / 2**20 if args[0] in ("clean", "fix") and args[1] != "--jsonl" else 0
            # the README's bound for one text: BOUND_BASE_MB + BOUND_PER_BYTE x its bytes + BOUND_PER_LINE per line with text
            bound = ""
            if size:
                with open(args[1], "rb") as fh:
                    lines = sum(1 for ln in fh if ln.strip())
                limit = BOUND_BASE_MB + BOUND_PER_BYTE * size + BOUND_PER_LINE * lines / 2**20
                bound = f" ({size:.0f} MB, {lines:,} lines with text: bound {limit:.0f} MB, {'ok' if mb <= limit else 'OVER'})"
            print(f"{label:60s} {mb:8.0f} MB {took:7.1f} s  {tail[:160]}{bound}", flush=True)


def page(mb: float) -> str:
    """A news-like page of about `mb` MB: nav, many article paragraphs, teasers, footer."""
    head = ("<!doctype html><html><head><title>t</title></head><body><nav><ul>"
            + "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(20)) + "</ul></nav>"
            "<article><h1>The council closes the library</h1>")
    tail = "</article><footer><p>© 2024 Example News</p></footer></body></html>"
    parts, size, i = [head], len(head), 0
    target = int(mb * 1e6)
    while size < target:
        if i % 10 == 9:
            s = f"<aside><p>Read more: story number {i}</p><button>Share</button></aside>"
        else:
            s = (f"<p>Paragraph {i}: {P1} Officials said the building needed repairs that would cost "
                 f"far more than the town could afford, item {i}.</p>")
        parts.append(s)
        size += len(s)
        i += 1
    parts.append(tail)
    return "".join(parts)


def html(sizes: list[float]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for mb in sizes:
            f = Path(tmp) / f"page-{mb}.html"
            f.write_text(page(mb))
            rss, took, tail = peak(["clean", str(f), "-o", str(Path(tmp) / "out.txt")])
            print(f"html {mb:6.1f} MB: {took:7.1f} s, peak {rss:6.0f} MB  {tail[:160]}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("what", choices=("memory", "html"))
    ap.add_argument("--bomb-mb", type=int, default=512)
    ap.add_argument("--sizes", default="12.5,25,50")
    ap.add_argument("--only", help="memory: run only the cases whose label holds one of these (comma-separated)")
    a = ap.parse_args()
    if a.what == "memory":
        memory(a.bomb_mb, a.only)
    else:
        html([float(s) for s in a.sizes.split(",")])


if __name__ == "__main__":
    os.environ.setdefault("CLEANER_CACHE_DIR", tempfile.mkdtemp(prefix="cleaner-bench-cache-"))
    main()
