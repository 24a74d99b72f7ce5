#!/usr/bin/env python3
"""Cross-validated quality: what the cleaner scores on pages nothing was fitted on.

    python bench/cv.py [--bench ../shared/bench] [--folds 5] [--thresholds 0.6,0.7,0.8] [--json]

The labelled Multi-News documents of train/ and dev/ are split into --folds folds grouped by
their Multi-News example (`example_index` in sources.tsv and sources-train.tsv: documents of
one example often come from the same story or site, so they stay on one side). The folds are
fixed: the examples, in numeric order, are dealt round-robin. For each fold the line scorer is
refitted (bench/train_scorer.py's `fit`, same settings) on the other folds' documents and the
cleaner, with that model, cleans the fold's documents; the figures are then computed over all
documents at once with the shared scorer's own functions (../shared/bench/score.py): exact,
chrome_removed, body_kept, micro_f1, rewritten_lines. Rows:

- `no scorer`: the cleaner with the line scorer off (nothing fitted: the rules and heuristics);
- `cv t=T`: cross-validated, the refitted scorer at threshold T (each of --thresholds);
- `shipped on train` / `shipped on dev`: the shipped model as it is, on each split (train is
  what it was fitted on; dev it was not).

The rules themselves were written from train and dev pages, so only the scorer's part is truly
cross-validated here; the held-out splits decide.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from cleaner import Cleaner  # noqa: E402
from cleaner.heuristics import line_scorer as ls  # noqa: E402
import train_scorer  # noqa: E402

FOLDS = 5
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)


def load_score(bench: Path):
    """The shared scorer, imported from its file (its functions are the metric code)."""
    spec = importlib.util.spec_from_file_location("score", bench / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def fold_of(cases: list[train_scorer.Case], folds: int) -> dict[str, int]:
    """Example -> fold: the examples in numeric order, dealt round-robin (deterministic)."""
    examples = sorted({c.example for c in cases}, key=lambda e: (not e.isdigit(), int(e) if e.isdigit() else 0, e))
    return {e: k % folds for k, e in enumerate(examples)}


def figures(score, outputs: list[tuple[str, str]], golds: list[str]) -> dict[str, float]:
    """score.py's figures over (input, output) pairs and their gold texts."""
    tot = [0, 0, 0]
    chrome_in = chrome_out = exact = rewritten = 0
    for (text, out), gold_text in zip(outputs, golds):
        pred, gold = score.lines_of(out), score.lines_of(gold_text)
        src = set(score.lines_of(text))
        rewritten += sum(1 for ln in pred if ln not in src)
        tp, npred, ngold = score.match(pred, gold)
        inp = score.lines_of(text)
        chrome_in += sum(map(len, inp)) - score.match(inp, gold)[0]
        chrome_out += npred - tp
        tot = [a + b for a, b in zip(tot, (tp, npred, ngold))]
        exact += pred == gold
    p, r, f = score.prf(*tot)
    n = len(outputs)
    return {"cases": n, "exact": round(exact / n, 4) if n else 0.0,
            "chrome_removed": round(1 - chrome_out / chrome_in, 4) if chrome_in else 1.0,
            "body_kept": round(r, 4), "micro_f1": round(f, 4), "rewritten_lines": rewritten}


def gold_of(case: train_scorer.Case, bench: Path) -> str:
    return (bench / "multinews" / case.split / f"{case.name}.gold.txt").read_text(encoding="utf-8")


def cross_validate(cases: list[train_scorer.Case], thresholds: tuple[float, ...], folds: int = FOLDS
                   ) -> dict[float, list[tuple[str, str]]]:
    """Per threshold, each case's (input, cleaned output) with the scorer refitted without
    the case's fold, in the order of `cases`."""
    fold = fold_of(cases, folds)
    X, y, names = train_scorer.collect(cases)
    case_fold = {c.name: fold[c.example] for c in cases}
    cleaner = Cleaner()
    outs: dict[float, dict[str, str]] = {t: {} for t in thresholds}
    try:
        for k in range(folds):
            keep = [i for i, n in enumerate(names) if case_fold[n] != k]
            base = train_scorer.fit([X[i] for i in keep], [y[i] for i in keep])
            for t in thresholds:
                ls.set_model(ls.Model(base.weights, base.bias, t))
                for c in cases:
                    if case_fold[c.name] == k:
                        outs[t][c.name] = cleaner.clean(c.text).text
    finally:
        ls.set_model(None)
    return {t: [(c.text, outs[t][c.name]) for c in cases] for t in thresholds}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", type=Path, default=train_scorer.DEFAULT_BENCH)
    ap.add_argument("--folds", type=int, default=FOLDS)
    ap.add_argument("--thresholds", default=",".join(map(str, THRESHOLDS)))
    ap.add_argument("--splits", default="train,dev", help="Multi-News splits to cross-validate on")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    score = load_score(args.bench)
    splits = args.splits.split(",")
    cases = train_scorer.load_cases([args.bench / "multinews" / s for s in splits], args.bench)
    if not cases:
        print("cleaner: no labelled documents found under " + str(args.bench / "multinews"), file=sys.stderr)
        return 2
    golds = [gold_of(c, args.bench) for c in cases]
    rows: list[tuple[str, dict]] = []
    off = Cleaner(disabled=[ls.LINE_SCORER.id])
    rows.append(("no scorer", figures(score, [(c.text, off.clean(c.text).text) for c in cases], golds)))
    thresholds = tuple(float(t) for t in args.thresholds.split(","))
    for t, outs in cross_validate(cases, thresholds, args.folds).items():
        rows.append((f"cv t={t:g}", figures(score, outs, golds)))
    on = Cleaner()
    for split in ("train", "dev"):
        mine = [(c, g) for c, g in zip(cases, golds) if c.split == split]
        if mine:
            rows.append((f"shipped on {split}", figures(score, [(c.text, on.clean(c.text).text) for c, _ in mine],
                                                        [g for _, g in mine])))
    if args.json:
        print(json.dumps(dict(rows)))
        return 0
    keys = ("cases", "exact", "chrome_removed", "body_kept", "micro_f1", "rewritten_lines")
    print(f"{args.folds}-fold grouped CV on {'+'.join(splits)} ({len(cases)} documents)")
    print("| row | " + " | ".join(keys) + " |")
    print("| --- |" + " ---: |" * len(keys))
    for label, fig in rows:
        print(f"| {label} | " + " | ".join(f"{fig[k]:g}" if isinstance(fig[k], float) else str(fig[k]) for k in keys) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
