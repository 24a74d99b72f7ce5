"""Side by side on raw HTML pages: trafilatura alone against cleaner's HTML mode.

    python bench/html_compare.py [--pages ../shared/bench/html-articles/dev-html] [--write docs/html.md]

Each system turns every page into text; the shared scorer (`score.py --pred`) compares the
texts with the gold bodies. Lines made from HTML are not the lines of the benchmark's `.txt`
inputs, so the figure that counts is `token_f1` (bag of words); the line figures are shown
for completeness. Systems:

- trafilatura: `trafilatura.extract` with its defaults (tables in, comments out);
- trafilatura recall: the same with `favor_recall=True`, the setting cleaner starts from;
- cleaner text path: cleaner's visible blocks of the page, cleaned as plain text;
- cleaner html: `cleaner.html.clean_html` (extraction, headline, recovery, text pipeline).
"""
from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleaner.html import clean_html, visible_blocks  # noqa: E402
from cleaner.pipeline import clean  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench"


def systems():
    import trafilatura

    def traf(markup: str) -> str:
        return trafilatura.extract(markup, include_comments=False, include_tables=True) or ""

    def traf_recall(markup: str) -> str:
        return trafilatura.extract(markup, include_comments=False, include_tables=True, favor_recall=True) or ""

    return {
        "trafilatura": traf,
        "trafilatura recall": traf_recall,
        "cleaner text path": lambda m: clean("\n".join(visible_blocks(m)) + "\n").text,
        "cleaner html": lambda m: clean_html(m).text,
    }


def tokens(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))  # the scorer's tokens


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=Path, default=SHARED / "html-articles" / "dev-html")
    ap.add_argument("--write", type=Path, help="write the table into this markdown file")
    args = ap.parse_args()
    gold_dir = args.pages.parent / "dev" if args.pages.name == "dev-html" else args.pages.parent
    pages = sorted(args.pages.glob("*.html.gz"))
    if not pages:
        print(f"no *.html.gz pages in {args.pages}", file=sys.stderr)
        return 2
    markup = {p.name[: -len(".html.gz")]: gzip.decompress(p.read_bytes()).decode("utf-8") for p in pages}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in systems().items():
            out = Path(tmp) / name.replace(" ", "-")
            out.mkdir()
            started = time.perf_counter()
            tp = npred = ngold = 0
            for page, html in markup.items():
                text = fn(html)
                (out / f"{page}.txt").write_text(text + ("\n" if text and not text.endswith("\n") else ""),
                                                 encoding="utf-8")
                got, gold = tokens(text), tokens((gold_dir / f"{page}.gold.txt").read_text(encoding="utf-8"))
                tp += sum((got & gold).values())
                npred += sum(got.values())
                ngold += sum(gold.values())
            took = time.perf_counter() - started
            score = subprocess.run([sys.executable, str(SHARED / "score.py"), str(gold_dir), "--pred", str(out),
                                    "--json"], capture_output=True, text=True, check=True)
            figures = json.loads(score.stdout)
            rows.append((name, tp / npred, tp / ngold, figures, took))
            print(f"{name:20s} token_f1={figures['token_f1']:.4f} token_P={tp / npred:.4f} "
                  f"token_R={tp / ngold:.4f} line_f1={figures['micro_f1']:.4f} exact={figures['exact']:.4f} "
                  f"({took:.1f}s for {len(pages)} pages)")
    if args.write:
        table = ["| system | token F1 | token P | token R | line F1 | exact | time |",
                 "| --- | --- | --- | --- | --- | --- | --- |"]
        for name, p, r, f, took in rows:
            table.append(f"| {name} | {f['token_f1']:.4f} | {p:.4f} | {r:.4f} | {f['micro_f1']:.4f} "
                         f"| {f['exact']:.4f} | {took:.1f} s |")
        _write_section(args.write, "\n".join(table), len(pages), args.pages)
    return 0


BEGIN, END = "<!-- html-compare:begin -->", "<!-- html-compare:end -->"


def _write_section(path: Path, table: str, n: int, pages: Path) -> None:
    body = (f"{BEGIN}\n`python bench/html_compare.py --write {path}` on {n} pages "
            f"(`{pages.name}`):\n\n{table}\n{END}")
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + body + text[text.index(END) + len(END):]
    else:
        text = text + ("\n" if text else "") + body + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
