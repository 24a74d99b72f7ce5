#!/usr/bin/env python3
"""One datatrove task, and a one-process `datasets.map`, against the CLI's one worker, side by
side on the same JSONL.

    python bench/datatrove_compare.py [--mb 25] [--repeat 3] [--bench ../shared/bench]

Both read the same JSONL file (the corpus of bench/speed.py as records {"id", "text"}),
clean the "text" field and write JSONL: the CLI as `cleaner clean --jsonl --workers 1`, and
datatrove as JsonlReader -> CleanerStep -> JsonlWriter under LocalPipelineExecutor with one
task; and (when `datasets` is installed) `load_dataset("json")` then `map(CleanColumns("text"),
batched=True)` in one process, written back with `to_json`. Each is a fresh process, wall time from start to exit (imports and start-up
included); the runs alternate so that both see the same stretches of the host's speed, and
each row is the best of --repeat. The outputs' texts are compared. Prints MB/s (of the input
file) and the ratio datatrove / CLI.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

DATATROVE_RUN = """
import sys
from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter
from cleaner.datatrove_step import CleanerStep
src, out, logs = sys.argv[1:4]
LocalPipelineExecutor([JsonlReader(src, glob_pattern="in.jsonl", text_key="text"), CleanerStep(),
                       JsonlWriter(out, compression=None)],
                      tasks=1, workers=1, logging_dir=logs).run()
"""


DATASETS_RUN = """
import sys
from datasets import load_dataset, disable_caching
from cleaner.hf import CleanColumns
disable_caching()  # time the cleaning, not a cache hit from the previous round
src, out, cache = sys.argv[1:4]
ds = load_dataset("json", data_files=src, split="train", cache_dir=cache)
ds.map(CleanColumns("text"), batched=True, batch_size=256).to_json(out, lines=True, force_ascii=False)
"""


def timed(cmd: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def texts_of(paths: list[Path]) -> list[str]:
    return [json.loads(line)["text"] for p in paths for line in p.open(encoding="utf-8")]


def main() -> int:
    import speed  # bench/speed.py: the corpus

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=25)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        src = tmpd / "in.jsonl"
        with src.open("w", encoding="utf-8") as f:
            for i, t in enumerate(speed.corpus(args.bench, args.mb)):
                f.write(json.dumps({"id": str(i), "text": t}) + "\n")
        mb = src.stat().st_size / 1e6
        cli = [sys.executable, "-m", "cleaner", "clean", "--jsonl", "--workers", "1", "--quiet",
               str(src), "-o", str(tmpd / "cli.jsonl")]
        try:
            import datasets  # noqa: F401
            rows = ("cli", "datatrove", "datasets")
        except ImportError:
            rows = ("cli", "datatrove")
        best = dict.fromkeys(rows, float("inf"))
        for k in range(args.repeat):
            best["cli"] = min(best["cli"], timed(cli, ROOT))
            dt = [sys.executable, "-c", DATATROVE_RUN, str(tmpd), str(tmpd / f"dt{k}"), str(tmpd / f"logs{k}")]
            best["datatrove"] = min(best["datatrove"], timed(dt, ROOT))
            if "datasets" in best:
                hf = [sys.executable, "-c", DATASETS_RUN, str(src), str(tmpd / f"hf{k}.jsonl"), str(tmpd / "hf-cache")]
                best["datasets"] = min(best["datasets"], timed(hf, ROOT))
        same = texts_of([tmpd / "cli.jsonl"]) == texts_of(sorted((tmpd / "dt0").glob("*.jsonl")))
        if "datasets" in best:
            same = same and texts_of([tmpd / "cli.jsonl"]) == texts_of([tmpd / "hf0.jsonl"])
    print(f"input: {mb:.1f} MB of JSONL, best of {args.repeat}, wall time of a fresh process each")
    for name, secs in best.items():
        print(f"  {name:<10} {secs:6.2f} s  {mb / secs:6.1f} MB/s")
    print(f"  datatrove one task / CLI one worker: {best['cli'] / best['datatrove']:.0%}")
    if "datasets" in best:
        print(f"  datasets.map one process / CLI one worker: {best['cli'] / best['datasets']:.0%}")
    print(f"  outputs {'identical' if same else 'DIFFER'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
