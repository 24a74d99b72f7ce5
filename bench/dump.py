"""Dump every decision on the benches and the seeds to a directory, to diff two versions.

    python bench/dump.py OUTDIR [--accelerate {on,off}]

One file per input: the cleaned text, then each removed line's number, rule and reason, then
the warnings. A change that should not move any decision (a new prefilter, a rewritten
pattern) is checked by dumping before and after and running `diff -r` on the two.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from cleaner import Cleaner

ROOT = Path(__file__).resolve().parent.parent
SETS = [ROOT / "seeds", *sorted((ROOT.parent / "shared" / "bench").glob("*/dev")),
        ROOT.parent / "shared" / "bench" / "multinews" / "train"]


def inputs(d: Path) -> list[Path]:
    """The inputs of a set: its *.txt files that are not gold or expected outputs."""
    return sorted(p for p in d.glob("*.txt") if not p.name.endswith((".gold.txt", ".expected.txt")))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--accelerate", choices=("on", "off"), default="on")
    args = ap.parse_args()
    cleaner = Cleaner(accelerate=args.accelerate == "on")
    n = 0
    for d in SETS:
        if not d.is_dir():
            continue
        dest = args.out / (d.name if d.name == "seeds" else d.relative_to(d.parent.parent))
        dest.mkdir(parents=True, exist_ok=True)
        for f in inputs(d):
            r = cleaner.clean(f.read_text(encoding="utf-8"))
            gone = "".join(f"{x.line}\t{x.rule}\t{x.reason}\n" for x in r.removed)
            (dest / f.name).write_text(f"{r.text}\n--- removed\n{gone}--- site {r.site}\n--- warnings\n"
                                       + "".join(w + "\n" for w in r.warnings), encoding="utf-8")
            n += 1
    print(f"{n} documents dumped to {args.out}")


if __name__ == "__main__":
    main()
