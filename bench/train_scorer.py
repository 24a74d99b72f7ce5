#!/usr/bin/env python3
"""Fit the line scorer (cleaner/heuristics/line_scorer.py) from labelled lines.

    python bench/train_scorer.py [--write] [--bench ../shared/bench] [DIR ...]

The labelled set is the Multi-News train split by default (NAME.txt + NAME.labels.tsv, one
`line<TAB>keep|drop<TAB>reason` row per input line); give other directories of the same form
to fit on your own labels. Each document is cleaned with the scorer switched off, up to where
the scorer runs in the first pass (rules, then the heuristics before it), and every kept line
with text becomes one example: its features, and 1 if its label is drop.

The model is an L2-regularised logistic regression fitted by L-BFGS-B (scipy) with fixed
settings, examples weighted by class (BODY_WEIGHT for kept lines: losing body costs more),
and the two removal-context features bounded to weights >= 0 (idempotence: see the scorer's
docstring). Weights are rounded to ROUND_DIGITS decimals, so a refit on the same data gives
the shipped file byte for byte; tests/test_line_scorer.py checks that. Without --write it
prints the model; with it, it writes cleaner/data/line_scorer.json. The threshold is
THRESHOLD below, chosen with bench/cv.py (grouped cross-validation on the train split,
body safety first; see docs/quality.md).

Needs numpy and scipy at training time only (`pip install -e .[train]`).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner  # noqa: E402
from cleaner.document import Document  # noqa: E402
from cleaner.heuristics import SECOND_COPY  # noqa: E402
from cleaner.heuristics import line_scorer as ls  # noqa: E402

DEFAULT_BENCH = ROOT.parent / "shared" / "bench"
MODEL_PATH = ROOT / "cleaner" / "data" / ls.MODEL_FILE

# Fixed fitting settings (changing any of them changes the shipped weights).
L2 = 0.1            # penalty on the squared weights (not the bias), per unit of total weight
BODY_WEIGHT = 3.0   # a kept line's example weight; a dropped line's is 1
ROUND_DIGITS = 3
MAX_ITER = 5000
TOLERANCE = 1e-12
# The shipped threshold: the chrome probability a line needs to be removed. Chosen by
# bench/cv.py on the train split (the highest chrome_removed whose body_kept does not fall
# below the cleaner without the scorer); see docs/quality.md for every threshold tried.
THRESHOLD = 0.8


@dataclass(frozen=True)
class Case:
    """One labelled document: its id, text, per-line drop flags and Multi-News example."""

    name: str
    text: str
    drop: dict[int, bool]  # 1-based line number -> dropped
    example: str           # the Multi-News example it comes from (the CV group); name if unknown
    split: str


def examples_of(bench: Path) -> dict[str, str]:
    """Document id -> example_index, from the Multi-News sources files."""
    out: dict[str, str] = {}
    for tsv in sorted((bench / "multinews").glob("sources*.tsv")):
        with tsv.open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh, delimiter="\t"):
                out[row["id"]] = row["example_index"]
    return out


def load_cases(dirs: list[Path], bench: Path = DEFAULT_BENCH) -> list[Case]:
    groups = examples_of(bench) if (bench / "multinews").is_dir() else {}
    cases = []
    for d in dirs:
        for lab in sorted(d.glob("*.labels.tsv")):
            name = lab.name[: -len(".labels.tsv")]
            drop = {}
            for raw in lab.read_text(encoding="utf-8").splitlines():
                parts = raw.split("\t")
                if len(parts) >= 2 and parts[0].isdigit():
                    drop[int(parts[0])] = parts[1] == "drop"
            text = (d / f"{name}.txt").read_text(encoding="utf-8")
            cases.append(Case(name, text, drop, groups.get(name, name), d.name))
    return cases


def scorer_view(cleaner: Cleaner, text: str) -> Document:
    """The document as the scorer sees it in the first pass (the cleaner must have the
    scorer switched off): site detected, rules applied, the heuristics before it run."""
    doc = Document.from_text(text)
    for stage in cleaner.stages():
        if stage is SECOND_COPY:
            break
        doc = stage(doc)
    return doc


def collect(cases: list[Case]) -> tuple[list[tuple[float, ...]], list[int], list[str]]:
    """Feature vectors, labels (1 = drop) and case names of every line the scorer sees."""
    cleaner = Cleaner(disabled=[ls.LINE_SCORER.id], accelerate=False)
    ls.set_model(ls.Model(tuple(0.0 for _ in ls.FEATURES), 0.0, 0.5))
    X, y, names = [], [], []
    try:
        for case in cases:
            doc = scorer_view(cleaner, case.text)
            for row in ls.rows(doc, every=True):
                X.append(row.x)
                y.append(int(case.drop.get(doc.lines[row.index].number, False)))
                names.append(case.name)
    finally:
        ls.set_model(None)
    return X, y, names


def fit(X: list[tuple[float, ...]], y: list[int], threshold: float = THRESHOLD) -> ls.Model:
    """The weighted, L2-regularised logistic regression, weights rounded (deterministic)."""
    import numpy as np
    from scipy.optimize import minimize

    A = np.asarray(X, dtype=np.float64)
    t = np.asarray(y, dtype=np.float64)
    sw = np.where(t > 0, 1.0, BODY_WEIGHT)
    sw = sw / sw.sum()
    n_feat = A.shape[1]
    lam = L2 / max(len(y), 1)

    def loss(params):
        w, b = params[:-1], params[-1]
        z = A @ w + b
        # log(1 + e^z) - t z, stably
        lz = np.logaddexp(0.0, z)
        val = float(sw @ (lz - t * z)) + 0.5 * lam * float(w @ w)
        p = 1.0 / (1.0 + np.exp(-z))
        g = sw * (p - t)
        grad = np.empty_like(params)
        grad[:-1] = A.T @ g + lam * w
        grad[-1] = g.sum()
        return val, grad

    bounds = [(0.0, None) if name in ls.NON_NEGATIVE else (None, None) for name in ls.FEATURES] + [(None, None)]
    res = minimize(loss, np.zeros(n_feat + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                   options={"maxiter": MAX_ITER, "ftol": TOLERANCE, "gtol": 1e-10})
    params = [round(float(v), ROUND_DIGITS) + 0.0 for v in res.x]  # + 0.0: no "-0.0"
    return ls.Model(tuple(params[:-1]), params[-1], threshold)


def train(cases: list[Case], threshold: float = THRESHOLD) -> ls.Model:
    X, y, _ = collect(cases)
    return fit(X, y, threshold)


def digest(cases: list[Case]) -> str:
    """What the model was fitted on: a digest of the labelled files' contents."""
    h = hashlib.sha1()
    for c in cases:
        h.update(c.name.encode())
        h.update(c.text.encode())
        h.update(repr(sorted(c.drop.items())).encode())
    return h.hexdigest()[:16]


def model_json(cases: list[Case], threshold: float = THRESHOLD) -> str:
    m = train(cases, threshold)
    return m.to_json({"trained_on": sorted({c.split for c in cases}), "documents": len(cases),
                      "data_digest": digest(cases),
                      "settings": {"l2": L2, "body_weight": BODY_WEIGHT, "round_digits": ROUND_DIGITS},
                      "refit": "python bench/train_scorer.py --write"})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="*", type=Path, help="labelled directories (default: multinews/train)")
    ap.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    ap.add_argument("--threshold", type=float, default=THRESHOLD)
    ap.add_argument("--write", action="store_true", help=f"write {MODEL_PATH.relative_to(ROOT)}")
    args = ap.parse_args()
    dirs = args.dirs or [args.bench / "multinews" / "train"]
    cases = load_cases(dirs, args.bench)
    if not cases:
        print("cleaner: no labelled documents (NAME.txt + NAME.labels.tsv) found", file=sys.stderr)
        return 2
    text = model_json(cases, args.threshold)
    if args.write:
        MODEL_PATH.write_text(text, encoding="utf-8")
        print(f"wrote {MODEL_PATH.relative_to(ROOT)} ({len(cases)} documents)")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
