#!/usr/bin/env python3
"""Speed and memory of cleaner, side by side with its peers, on one deterministic corpus.

    python bench/speed.py [--mb 50] [--stream-mb 0] [--repeat 3] [--bench ../shared/bench]

The corpus is the seeds and the shared dev inputs, repeated in a fixed order to about --mb
megabytes, as JSONL records. Measured in one run (each row shorter than 20 s is the best of
--repeat runs, 3 by default: the host's speed drifts):

- read + split lines only (the floor: nothing can clean faster than it reads);
- cleaner in-process, one worker, decisions recorded (the library call, reading the decision
  of every removed line: its rule, reason and family, as the summary and --explain-field do);
- the same with every distinct document once, in a fresh process (no line cache hits from
  repeats), and with the native scanner off (every rule tries every line);
- cleaner on the JSONL stream path with 1 and with 2 workers (`--workers 1`, `--workers 2`):
  the same work (JSON parsing and writing included), so their ratio is the scaling; their
  runs alternate, so both rows see the same stretches of the host's speed;
- the host's own yardstick for that ratio, in the same rounds: one process cleaning
  in-process alone, and two independent ones at once, for the same seconds (what two
  processes can get from this host, whatever the code between them);
- jusText on each line wrapped as a paragraph (on a fifth of the corpus), and datatrove's C4
  filter (its line rules alone, and with its defaults on a tenth), when installed; the
  issue's one-worker target scaled to this host by the peers the issue also measured;
- start-up: `cleaner clean` of one small file, wall time, best of 5;
- with --stream-mb N: peak RSS of `cleaner clean --jsonl` streaming an N MB file;
- with --split-mb N (100 by default; 0: skip): `cleaner clean --jsonl FILE -o OUT` of an N MB
  file, as a user runs it, with --workers 1 and --workers 2: wall time, the CPU time of the
  main process and of its workers read from the OS (getrusage of the main process itself and
  of the children it waited for), their ratio (workers + main) / main (the speed-up that
  any number of workers can reach is bounded by it: the main process's work is not shared),
  and the peak RSS of the main process and of the largest worker. With --old ROOT (a source
  tree of another commit, its native module built), the same runs of that code alternate
  with these, in the same minutes. --split-only runs this section alone.

Targets are in docs/performance.md; this script only measures and prints.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def distinct_texts(bench: Path) -> list[str]:
    """The seeds and the shared dev inputs, each once, in a fixed order."""
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))
             if ".expected" not in p.name]
    for d in sorted(bench.glob("*/dev")):
        texts += [p.read_text(encoding="utf-8") for p in sorted(d.glob("*.txt")) if not p.name.endswith(".gold.txt")]
    return texts


def corpus(bench: Path, megabytes: float) -> list[str]:
    """The distinct texts repeated in order to about `megabytes`."""
    texts = distinct_texts(bench)
    out, size, i = [], 0, 0
    while size < megabytes * 1e6:
        t = texts[i % len(texts)]
        out.append(t)
        size += len(t.encode("utf-8"))
        i += 1
    return out


# A shared host's speed drifts from minute to minute: a row that takes less than this is
# run `--repeat` times and its best run reported (as timeit does); longer rows average the
# drift out within one run and are run once.
REPEAT_UNDER_S = 20.0
REPEAT = 3


def timed(label: str, fn, nbytes: int, records: int) -> dict:
    took, runs = float("inf"), 0
    while runs < REPEAT and (runs == 0 or took < REPEAT_UNDER_S):
        start = time.perf_counter()
        fn()
        took = min(took, time.perf_counter() - start)
        runs += 1
    row = {"what": label, "seconds": took, "mb_s": nbytes / 1e6 / took, "records_s": records / took}
    how = f"best of {runs}" if runs > 1 else "one run"
    print(f"  {label:48s} {row['mb_s']:8.2f} MB/s {row['records_s']:9.0f} records/s  ({took:.1f}s, {how})", flush=True)
    return row


def timed_alternating(rows: list[tuple[str, Callable[[], object]]], nbytes: int, records: int,
                      each_round: Callable[[], object] | None = None) -> list[dict]:
    """`timed` for rows to be compared with each other: their runs alternate (and
    `each_round` runs after each round of them), so each row's best run is drawn from the
    same stretch of the host's drifting speed."""
    took = [float("inf")] * len(rows)
    runs = 0
    while runs < REPEAT and (runs == 0 or max(took) < REPEAT_UNDER_S):
        for k, (_, fn) in enumerate(rows):
            start = time.perf_counter()
            fn()
            took[k] = min(took[k], time.perf_counter() - start)
        if each_round is not None:
            each_round()
        runs += 1
    out = []
    for (label, _), t in zip(rows, took):
        out.append({"what": label, "seconds": t, "mb_s": nbytes / 1e6 / t, "records_s": records / t})
        how = f"best of {runs}, alternating" if runs > 1 else "one run"
        print(f"  {label:48s} {out[-1]['mb_s']:8.2f} MB/s {out[-1]['records_s']:9.0f} records/s  ({t:.1f}s, {how})",
              flush=True)
    return out


# How long each process of the host-capacity yardstick cleans: long enough that start-up
# skew between two processes (a few ms) is noise, short enough to run it a few times.
CAPACITY_SECONDS = 3.0

_CLEAN_FOR = (
    "import sys, time; sys.path[:0] = [sys.argv[1], sys.argv[1] + '/bench']\n"
    "from pathlib import Path; from speed import corpus; from cleaner import Cleaner\n"
    "docs = corpus(Path(sys.argv[2]), 5); c = Cleaner(accelerate=True)\n"
    "for d in docs[:200]: c.clean(d).removed\n"
    "start, stop = float(sys.argv[3]), float(sys.argv[3]) + float(sys.argv[4])\n"
    "time.sleep(max(0.0, start - time.monotonic()))\n"
    "n = i = 0\n"
    "while time.monotonic() < stop:\n"
    "    d = docs[i % len(docs)]; c.clean(d).removed; n += len(d.encode()); i += 1\n"
    "print(n / 1e6 / (time.monotonic() - start))\n"
)


def clean_for(bench: Path, processes: int, seconds: float) -> list[float]:
    """MB/s of `processes` independent processes (not forks: nothing shared, nothing passed)
    each cleaning in-process, with decisions, for the same `seconds` of wall time."""
    start = time.monotonic() + 2.0  # every process has built its corpus and warmed up by then
    procs = [subprocess.Popen([sys.executable, "-c", _CLEAN_FOR, str(ROOT), str(bench), str(start), str(seconds)],
                              stdout=subprocess.PIPE, text=True, cwd=tempfile.gettempdir())
             for _ in range(processes)]
    rates = []
    for p in procs:
        out, _ = p.communicate()
        if p.returncode:
            raise RuntimeError(f"host-capacity process exited {p.returncode}")
        rates.append(float(out))
    return rates


class HostCapacity:
    """What this host gives two processes against one, measured a round at a time: one
    process cleaning alone, then two independent ones at once. No parallel code can scale
    past the ratio of the best pair to the best single run on this host: a 2-core host whose
    cores slow down when both are busy gives two processes less than 2x."""

    def __init__(self, bench: Path):
        self.bench = bench
        self.alone = self.pair = 0.0
        self.pairs: list[list[float]] = []

    def round(self) -> None:
        self.alone = max(self.alone, clean_for(self.bench, 1, CAPACITY_SECONDS)[0])
        both = clean_for(self.bench, 2, CAPACITY_SECONDS)
        self.pairs.append(both)
        self.pair = max(self.pair, sum(both))

    @property
    def ratio(self) -> float:
        return self.pair / self.alone


def run_split(docs: list[str]) -> None:
    for d in docs:
        d.split("\n")


def run_cleaner(docs: list[str], **options) -> None:
    from cleaner import Cleaner
    c = Cleaner(**options)
    for d in docs:
        c.clean(d).removed  # noqa: B018 - every removal's decision, as a summary reads them


def distinct_once(bench: Path) -> tuple[float, int, int, float]:
    """MB/s cleaning each distinct corpus document once in a fresh process (cold caches),
    with the scanner and the rules' patterns compiled beforehand (patterns of packs loaded
    from the validation cache are otherwise compiled when first used); also the documents,
    bytes and set-up seconds."""
    code = (
        "import sys, time; sys.path[:0] = [sys.argv[1], sys.argv[1] + '/bench']\n"
        "from pathlib import Path; from speed import distinct_texts; from cleaner import Cleaner\n"
        "docs = list(dict.fromkeys(distinct_texts(Path(sys.argv[2]))))\n"
        "t = time.perf_counter(); c = Cleaner(accelerate=True)\n"
        "for p in c.packs:\n"
        "    for pat in [*p.fingerprints, *(v for r in p.rules for v in r.options.values() if hasattr(v, 'source'))]:\n"
        "        pat.compiled\n"
        "compile_s = time.perf_counter() - t\n"
        "t = time.perf_counter()\n"
        "for d in docs: c.clean(d).removed\n"
        "took = time.perf_counter() - t; n = sum(len(d.encode()) for d in docs)\n"
        "print(n / 1e6 / took, len(docs), n, compile_s)\n"
    )
    r = subprocess.run([sys.executable, "-c", code, str(ROOT), str(bench)], capture_output=True, text=True,
                       check=True, cwd=tempfile.gettempdir())
    rate, n_docs, n_bytes, compile_s = r.stdout.split()
    return float(rate), int(n_docs), int(n_bytes), float(compile_s)


def run_workers(jsonl_bytes: bytes, workers: int) -> None:
    from cleaner import jsonl
    settings = jsonl.Settings(field="text")
    out = io.BytesIO()
    jsonl.run(io.BytesIO(jsonl_bytes), out, settings, workers=workers, name="bench",
              progress=jsonl.Progress(sys.stderr, None, enabled=False))


def run_justext(docs: list[str]) -> None:
    import justext
    stop = justext.get_stoplist("English")
    for d in docs:
        html = "".join(f"<p>{line}</p>" for line in d.split("\n") if line.strip()) or "<p></p>"
        justext.justext(html.encode("utf-8"), stop)


def run_c4(docs: list[str], **options) -> None:
    from datatrove.data import Document
    from datatrove.pipeline.filters import C4QualityFilter
    f = C4QualityFilter(**options)
    for i, d in enumerate(docs):
        f.filter(Document(text=d, id=str(i)))


# The figures the issue gives for its machine: the one-worker target and two peers measured
# there. A host that runs the peers slower or faster is scaled by them (see `scaled`).
TARGET_MB_S = 20.0
ISSUE_PEERS_MB_S = {"c4-lines": 19.0, "justext": 1.4}


def startup(seed: Path) -> float:
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cleaner", "clean", str(seed), "-o", "/dev/null"], check=True,
                       cwd=tempfile.gettempdir())
        best = min(best, time.perf_counter() - start)
    return best


def stream_rss(docs: list[str], megabytes: int) -> tuple[float, float]:
    """Peak RSS (MB) and MB/s of `cleaner clean --jsonl` streaming a file of `megabytes`."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "big.jsonl"
        with src.open("w", encoding="utf-8") as fh:
            size, i = 0, 0
            while size < megabytes * 1e6:
                line = json.dumps({"id": i, "text": docs[i % len(docs)]}) + "\n"
                fh.write(line)
                size += len(line)
                i += 1
        code = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
                "subprocess.run(sys.argv[1:], check=True); "
                "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, time.perf_counter() - t)")
        r = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "cleaner", "clean", "--jsonl",
                            str(src), "-o", str(Path(tmp) / "out.jsonl"), "--quiet"],
                           capture_output=True, text=True, check=True, cwd=tempfile.gettempdir())
        kb, secs = r.stdout.split()
        return int(kb) / 1024, size / 1e6 / float(secs)


# Runs `cleaner` (from the source tree argv[1]) as `python -m cleaner argv[2:]` would, and
# prints, once it exits, the CPU seconds (user + system) of this process and of the children
# it waited for (its workers), and the peak RSS (KiB) of each: Linux's getrusage.
_MEASURED_CLI = (
    "import atexit, resource, runpy, sys, time\n"
    "root = sys.argv[1]; sys.path.insert(0, root); sys.argv = ['cleaner'] + sys.argv[2:]\n"
    "t0 = time.perf_counter()\n"
    "def report():\n"
    "    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "    sys.stdout.write(f'MEASURED {me.ru_utime + me.ru_stime} {kids.ru_utime + kids.ru_stime} '\n"
    "                     f'{me.ru_maxrss} {kids.ru_maxrss} {time.perf_counter() - t0}\\n')\n"
    "    sys.stdout.flush()\n"
    "atexit.register(report)\n"
    "runpy.run_module('cleaner', run_name='__main__', alter_sys=True)\n"
)


def measured_cli(root: Path, args: list[str]) -> dict:
    """One `cleaner` run of the tree `root`: main and workers' CPU seconds, their peak RSS
    (MB), wall seconds (from the interpreter's start of the run, imports included). Modules
    are imported from compiled bytecode, as an installed package's are (kept under the
    temporary directory, not in the tree, even where PYTHONDONTWRITEBYTECODE is set: else
    every run compiles the package's sources again, 50 ms of the main process's CPU)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "cleaner-bench-pycache")
    start = time.perf_counter()
    r = subprocess.run([sys.executable, "-c", _MEASURED_CLI, str(root), *args], capture_output=True, text=True,
                       cwd=tempfile.gettempdir(), env=env)
    wall = time.perf_counter() - start
    if r.returncode:
        raise RuntimeError(f"cleaner {' '.join(args)} exited {r.returncode}: {r.stderr[-500:]}")
    line = next(x for x in r.stdout.splitlines() if x.startswith("MEASURED "))
    main_cpu, kids_cpu, main_kb, kid_kb, _ = (float(v) for v in line.split()[1:])
    return {"main": main_cpu, "workers": kids_cpu, "main_rss": main_kb / 1024, "worker_rss": kid_kb / 1024,
            "wall": wall}


def write_jsonl_file(docs: list[str], path: Path, megabytes: float) -> int:
    """`docs` as records {"id", "text"}, repeated in order to about `megabytes`; the size."""
    size, i = 0, 0
    with path.open("w", encoding="utf-8") as fh:
        while size < megabytes * 1e6:
            line = json.dumps({"id": i, "text": docs[i % len(docs)]}) + "\n"
            fh.write(line)
            size += len(line.encode("utf-8"))
            i += 1
    return size


def split_rows(docs: list[str], megabytes: float, old: Path | None, repeat: int, host: HostCapacity) -> None:
    """`cleaner clean --jsonl` of a `megabytes` file with 1 and 2 workers, this tree (and
    `old`'s) alternating: wall MB/s, main and worker CPU, the ratio, peak RSS. Each row's
    best wall time of `repeat` rounds; the CPU figures are of that run. The host's own
    yardstick (two independent processes against one) is measured in the same rounds."""
    trees = [("this tree", ROOT)] + ([("old: " + str(old), old)] if old is not None else [])
    with tempfile.TemporaryDirectory() as tmp:
        src, small = Path(tmp) / "split.jsonl", Path(tmp) / "small.jsonl"
        size = write_jsonl_file(docs, src, megabytes)
        write_jsonl_file(docs, small, 1)
        outs = {}
        best: dict[tuple[str, int], dict] = {}
        fixed: dict[str, float] = {}  # the main process's CPU on 1 MB: its start-up, whatever the size
        load = []
        for _ in range(repeat):
            for label, root in trees:
                m = measured_cli(root, ["clean", "--jsonl", str(small), "-o", str(Path(tmp) / "small-out.jsonl"),
                                        "--quiet", "--workers", "2"])
                fixed[label] = min(fixed.get(label, float("inf")), m["main"])
                for workers in (1, 2):
                    out = Path(tmp) / f"out-{len(outs)}.jsonl"
                    m = measured_cli(root, ["clean", "--jsonl", str(src), "-o", str(out), "--quiet",
                                            "--workers", str(workers)])
                    load.append(os.getloadavg()[0])
                    key = (label, workers)
                    if key not in best or m["wall"] < best[key]["wall"]:
                        best[key] = m
                    outs[key] = out.stat().st_size
                    digest = _digest(out)
                    outs.setdefault("digest", digest)
                    if outs["digest"] != digest:
                        raise RuntimeError(f"{label}, {workers} workers: output differs")
                    out.unlink()
            host.round()
        print(f"  `cleaner clean --jsonl FILE -o OUT --workers N` on {size / 1e6:.0f} MB ({repeat} rounds, "
              f"alternating; outputs identical; load average during the runs {min(load):.1f}-{max(load):.1f} "
              f"on {os.cpu_count()} cores):")
        for label, _ in trees:
            one, two = best[(label, 1)], best[(label, 2)]
            for workers, m in ((1, one), (2, two)):
                ratio = (m["main"] + m["workers"]) / m["main"]
                plural = "s" if workers > 1 else " "
                print(f"    {label:28s} {workers} worker{plural} {size / 1e6 / m['wall']:6.2f} MB/s "
                      f"(wall {m['wall']:5.1f}s, {(m['main'] + m['workers']) / m['wall']:.2f} cores busy); "
                      f"CPU main {m['main']:6.2f}s, workers {m['workers']:6.2f}s, "
                      f"(workers + main) / main {ratio:6.1f}; peak RSS main {m['main_rss']:4.0f} MB, "
                      f"worker {m['worker_rss']:4.0f} MB")
            per_byte = two["main"] - fixed[label]
            grows = f"{(two['workers'] + per_byte) / per_byte:.0f}" if per_byte > 0.01 else "n/a (under 10 ms)"
            print(f"    {label:28s} 2 workers / 1 worker: {one['wall'] / two['wall']:.2f}x (the host gave two "
                  f"independent processes {host.ratio:.2f}x one, in the same rounds); main's CPU on 1 MB "
                  f"(start-up) {fixed[label]:.2f}s, so {max(per_byte, 0) / size * 1e9:.2f} ms per MB beyond it, and "
                  f"(workers + main) / main on the work that grows with the input "
                  f"{grows}")


def _digest(path: Path) -> str:
    import hashlib
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def scaled(target: float, peer_there: float, peer_here: float) -> float:
    """The issue's target on this host: its machine ran the peer at `peer_there` MB/s; this
    host runs it at `peer_here`, so it is that much slower or faster (a shared host's speed
    varies between runs; a peer measured in the same run is the fair yardstick)."""
    return target * peer_here / peer_there


def main() -> int:
    global REPEAT
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=float, default=50.0, help="corpus size in MB (default 50)")
    ap.add_argument("--stream-mb", type=int, default=0, help="also measure peak RSS streaming a file this big")
    ap.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    ap.add_argument("--repeat", type=int, default=REPEAT,
                    help=f"runs of each row shorter than {REPEAT_UNDER_S:.0f}s, best reported (default {REPEAT})")
    ap.add_argument("--split-mb", type=float, default=100.0,
                    help="the size of the file for the main/worker CPU rows (default 100; 0: skip them)")
    ap.add_argument("--old", type=Path, default=None,
                    help="a source tree of another commit (native module built) to run beside this one in those rows")
    ap.add_argument("--split-only", action="store_true", help="only the main/worker CPU rows")
    args = ap.parse_args()
    REPEAT = max(1, args.repeat)

    if args.split_only:
        split_rows(distinct_texts(args.bench), args.split_mb, args.old, REPEAT, HostCapacity(args.bench))
        return 0
    docs = corpus(args.bench, args.mb)
    nbytes = sum(len(d.encode("utf-8")) for d in docs)
    jsonl_bytes = "".join(json.dumps({"text": d}) + "\n" for d in docs).encode("utf-8")
    print(f"corpus: {len(docs)} documents, {nbytes / 1e6:.1f} MB (seeds + shared dev inputs, repeated)")
    rows = [timed("read + split lines only", lambda: run_split(docs), nbytes, len(docs))]
    one = timed("cleaner, in-process, 1 worker, with decisions", lambda: run_cleaner(docs), nbytes, len(docs))
    host = HostCapacity(args.bench)
    one_jsonl, two = timed_alternating([("cleaner, JSONL path, 1 worker", lambda: run_workers(jsonl_bytes, 1)),
                                        ("cleaner, JSONL path, 2 workers", lambda: run_workers(jsonl_bytes, 2))],
                                       nbytes, len(docs), each_round=host.round)
    print(f"  {'host: 1 process alone, in-process':48s} {host.alone:8.2f} MB/s  (best of {len(host.pairs)}, "
          f"{CAPACITY_SECONDS:.0f}s each, in the same rounds)")
    print(f"  {'host: 2 independent processes at once':48s} {host.pair:8.2f} MB/s  "
          f"({host.ratio:.2f}x one alone; each pair: "
          + ", ".join("+".join(f"{r:.1f}" for r in both) for both in host.pairs) + ")")
    rows += [one, one_jsonl, two]
    rate, n_docs, n_bytes, compile_s = distinct_once(args.bench)
    print(f"  {'cleaner, 1 worker, each distinct document once':48s} {rate:8.2f} MB/s"
          f"  ({n_docs} documents, {n_bytes / 1e6:.1f} MB, fresh process; scanner and patterns set up in {compile_s:.2f}s)")
    part = docs[: max(1, len(docs) // 5)]
    part_bytes = sum(len(d.encode("utf-8")) for d in part)
    off = timed("cleaner, 1 worker, scanner off (a fifth)", lambda: run_cleaner(part, accelerate=False),
                part_bytes, len(part))
    rows.append(off)
    peers = {}
    tenth = docs[: max(1, len(docs) // 10)]
    tenth_bytes = sum(len(d.encode("utf-8")) for d in tenth)
    for key, label, fn, mod, sample, size in (
            # a fifth, like the scanner-off row: short enough to be the best of --repeat runs
            ("justext", "jusText (lines as paragraphs, a fifth)", run_justext, "justext", part, part_bytes),
            # the line rules alone (no per-document sentence count, which needs a sentence
            # splitter): the configuration the issue's "about 19 MB/s" matches
            ("c4-lines", "datatrove C4 line filter (line rules)", partial(run_c4, min_num_sentences=-1),
             "datatrove", docs, nbytes),
            ("c4-full", "datatrove C4 filter, defaults (a tenth)", run_c4, "datatrove", tenth, tenth_bytes)):
        try:
            __import__(mod)
            fn(docs[:1])  # the peer's own dependencies (datatrove's sentence count needs spacy)
        except ImportError as exc:
            print(f"  {label:48s} not available: {exc}")
            continue
        peers[key] = timed(label, lambda fn=fn, sample=sample: fn(sample), size, len(sample))
    scaling = two['mb_s'] / one_jsonl['mb_s']
    print(f"  2 workers / 1 worker, both the JSONL path: {scaling:.2f}x, {scaling / host.ratio:.0%} of the "
          f"{host.ratio:.2f}x this host gave two independent processes in the same rounds")
    print(f"  2 workers (JSONL) / 1 worker in-process (no JSON): {two['mb_s'] / one['mb_s']:.2f}x; "
          f"read+split / cleaner: {rows[0]['mb_s'] / one['mb_s']:.1f}x")
    for p in peers.values():
        print(f"  cleaner / {p['what']}: {one['mb_s'] / p['mb_s']:.2f}x")
    for key, issue_rate in ISSUE_PEERS_MB_S.items():
        if key in peers:
            target = scaled(TARGET_MB_S, issue_rate, peers[key]["mb_s"])
            print(f"  1-worker target scaled to this host by {peers[key]['what']}: {target:.2f} MB/s "
                  f"({'met' if one['mb_s'] >= target else 'not met'}: {one['mb_s']:.2f})")
    print(f"  peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    seed = ROOT / "seeds" / "004_8b3e18fa1e927333.txt"
    print(f"  start-up, `cleaner clean` of one small file: {startup(seed):.3f}s (best of 5)")
    if args.stream_mb:
        rss, rate = stream_rss(docs, args.stream_mb)
        print(f"  streaming a {args.stream_mb} MB JSONL file: peak RSS {rss:.0f} MB, {rate:.2f} MB/s")
    if args.split_mb:
        split_rows(distinct_texts(args.bench), args.split_mb, args.old, REPEAT, HostCapacity(args.bench))
    return 0


if __name__ == "__main__":
    sys.exit(main())
