#!/usr/bin/env python3
"""Regenerate the quality figures and the ablation table in docs/quality.md.

    python bench/ablation.py [--bench ../shared/bench] [--write docs/quality.md]

Scores the package in-process on each benchmark's dev split with the shared scorer's own
functions, first with everything on, then with each rule family and each heuristic switched
off in turn, so a reader sees what each part buys. Without --write it prints the table.
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from cleaner import Cleaner  # noqa: E402
from cleaner.heuristics import ALL as HEURISTICS  # noqa: E402

BEGIN, END = "<!-- ablation:begin -->", "<!-- ablation:end -->"


def load_scorer(bench: Path):
    spec = importlib.util.spec_from_file_location("score", bench / "score.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)  # type: ignore[union-attr]
    return mod


def figures(score, cleaner: Cleaner, cases: Path) -> dict[str, float]:
    """The scorer's micro figures for one dev split (same arithmetic as score.py)."""
    tot = [0, 0, 0]
    chrome_in = chrome_out = exact = n = 0
    for gold_path in sorted(cases.glob("*.gold.txt")):
        text = (cases / gold_path.name.replace(".gold.txt", ".txt")).read_text(encoding="utf-8")
        pred = score.lines_of(cleaner.clean(text).text)
        gold = score.lines_of(gold_path.read_text(encoding="utf-8"))
        tp, npred, ngold = score.match(pred, gold)
        inp = score.lines_of(text)
        chrome_in += sum(map(len, inp)) - score.match(inp, gold)[0]
        chrome_out += npred - tp
        tot = [a + b for a, b in zip(tot, (tp, npred, ngold))]
        exact += pred == gold
        n += 1
    p, r, f = score.prf(*tot)
    return {"f1": f, "body_kept": r, "chrome_removed": 1 - chrome_out / chrome_in if chrome_in else 1.0,
            "exact": exact / n if n else 0.0}


def configurations(base: Cleaner) -> list[tuple[str, list[str]]]:
    configs: list[tuple[str, list[str]]] = [("everything on", [])]
    families = sorted({r.family for r in base.rules})
    for fam in families:
        ids = [r.id for r in base.rules if r.family == fam]
        configs.append((f"without rule family `{fam}` ({len(ids)} rules)", ids))
    configs.append(("without site packs", [r.id for p in base.packs if p.is_site for r in p.rules]))
    for h in HEURISTICS:
        configs.append((f"without `{h.id}`", [h.id]))
    configs.append(("no rules at all (heuristics only)", [r.id for r in base.rules]))
    configs.append(("no heuristics at all (rules only)", [h.id for h in HEURISTICS]))
    return configs


def table(bench: Path) -> str:
    score = load_scorer(bench)
    mn, html = bench / "multinews" / "dev", bench / "html-articles" / "dev"
    rows = ["| configuration | MN exact | MN chrome_removed | MN body_kept | HTML micro_f1 | HTML body_kept |",
            "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for label, disabled in configurations(Cleaner()):
        c = Cleaner(disabled=disabled)
        a, b = figures(score, c, mn), figures(score, c, html)
        rows.append(f"| {label} | {a['exact']:.3f} | {a['chrome_removed']:.3f} | {a['body_kept']:.3f} "
                    f"| {b['f1']:.3f} | {b['body_kept']:.3f} |")
        print(rows[-1], file=sys.stderr, flush=True)
    return "\n".join(rows)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", type=Path, default=ROOT.parent / "shared" / "bench")
    ap.add_argument("--write", type=Path, help="replace the table between the ablation markers in this file")
    args = ap.parse_args()
    out = table(args.bench)
    if args.write:
        doc = args.write.read_text(encoding="utf-8")
        head, _, rest = doc.partition(BEGIN)
        _, _, tail = rest.partition(END)
        args.write.write_text(f"{head}{BEGIN}\n{out}\n{END}{tail}", encoding="utf-8")
    else:
        print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
