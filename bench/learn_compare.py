"""What a pack learned from the corpus itself adds: learn on each benchmark's inputs (never
its gold), clean with and without the learned pack, and score both.

    python bench/learn_compare.py [--min-docs N ...] [--write docs/learn.md]

Each `--min-docs` value (default: the built-in threshold, then 2) is one learned pack per
benchmark. The scorer (`score.py --pred`) gives the figures.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaner import learn  # noqa: E402
from cleaner.pipeline import Cleaner  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench"
FIGURES = ("micro_f1", "chrome_removed", "body_kept", "exact", "token_f1")


def inputs(case_dir: Path) -> dict[str, str]:
    return {p.name[: -len(".txt")]: p.read_text(encoding="utf-8")
            for p in sorted(case_dir.glob("*.txt")) if not p.name.endswith(".gold.txt")}


def score(case_dir: Path, cleaner: Cleaner, docs: dict[str, str], tmp: Path) -> dict:
    out = Path(tempfile.mkdtemp(dir=tmp))
    for name, text in docs.items():
        (out / f"{name}.txt").write_text(cleaner.clean(text).text, encoding="utf-8")
    run = subprocess.run([sys.executable, str(SHARED / "score.py"), str(case_dir), "--pred", str(out), "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(run.stdout)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--min-docs", type=int, action="append", help="learning threshold(s) to try")
    ap.add_argument("--write", type=Path, help="write the table into this markdown file")
    args = ap.parse_args()
    settings = [None] + [m for m in (args.min_docs or [2])]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for bench in ("multinews", "html-articles"):
            case_dir = SHARED / bench / "dev"
            docs = inputs(case_dir)
            base = score(case_dir, Cleaner(), docs, Path(tmp))
            rows.append((bench, "built-in packs only", "-", base))
            evidence = learn.gather(docs.values(), options={})
            for min_docs in settings:
                found = learn.candidates(evidence, min_docs)
                short, body = learn.thresholds(evidence.documents, min_docs)
                toml = learn.to_toml(found, name="learned", documents=evidence.documents, source=bench)
                figures = score(case_dir, Cleaner(extra_packs=[("<learned>", toml)]), docs, Path(tmp))
                label = f"+ learned pack (a line needs {short} docs{'' if min_docs else ', the default'})"
                rows.append((bench, label, str(len(found)), figures))
    table = ["| benchmark | packs | learned rules | " + " | ".join(FIGURES) + " |",
             "| --- | --- | --- | " + " | ".join("---" for _ in FIGURES) + " |"]
    for bench, label, n, f in rows:
        table.append(f"| {bench} | {label} | {n} | " + " | ".join(f"{f[k]:.4f}" for k in FIGURES) + " |")
    print("\n".join(table))
    if args.write:
        begin, end = "<!-- learn-compare:begin -->", "<!-- learn-compare:end -->"
        body = f"{begin}\n`python bench/learn_compare.py --write {args.write}`:\n\n" + "\n".join(table) + f"\n{end}"
        text = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
        if begin in text and end in text:
            text = text[: text.index(begin)] + body + text[text.index(end) + len(end):]
        else:
            text += ("\n" if text else "") + body + "\n"
        args.write.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
