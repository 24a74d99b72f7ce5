"""Side by side on raw HTML pages: trafilatura alone against cleaner's HTML mode.

    python bench/html_compare.py [--pages /work/shared/bench/html-articles/dev-html] [--write docs/html.md]
    python bench/html_compare.py --outside bench/data/outside-html [--split tune|held-out|all] [--write docs/html.md]
    python bench/html_compare.py [--outside ...] --variants     # the page policy's settings, one changed at a time

Each system turns every page into text; the shared scorer (`score.py --pred`) compares the
texts with the gold bodies. Lines made from HTML are not the lines of the benchmark's `.txt`
inputs, so the figure that counts is `token_f1` (bag of words); the line figures are shown
for completeness. Systems:

- trafilatura: `trafilatura.extract` with its defaults (tables in, comments out);
- trafilatura recall: the same with `favor_recall=True`, what cleaner keeps off the article policy;
- cleaner text path: cleaner's visible blocks of the page, cleaned as plain text;
- cleaner html: `cleaner.html.clean_html` (extraction, headline, recovery, text pipeline).

`--outside DIR` runs the same systems on the outside set that `bench/fetch_outside.py` builds
(pages of many kinds: listings, forums, documentation, shops, articles), which nothing here
was tuned on. It reports token F1 (pooled over pages) per system overall and per page kind
from the set's manifest, and how many pages each system scores better or worse than
trafilatura's defaults (by more than PAGE_DIFF in the page's own token F1). `--split` picks the
tuning half (look at it when deciding), the held-out half (report it), or both. There a Han or
kana character counts as one token (`\\w+` would make a Chinese paragraph one token).
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

import cleaner.html as H  # noqa: E402
from cleaner.html import clean_html, visible_blocks  # noqa: E402
from cleaner.pipeline import clean  # noqa: E402

SHARED = ROOT.parent / "shared" / "bench"
if not SHARED.exists():  # a worktree beside the main checkout: the benchmarks live in /work/shared
    SHARED = Path("/work/shared/bench")
# A page counts as better or worse than trafilatura's defaults when its own token F1 differs by
# more than this (one or two words of a short page are noise, not a change of policy).
PAGE_DIFF = 0.01


# `--variants`: cleaner html with the page policy's settings changed, to see what each choice
# is worth (the settings of cleaner/html.py that each one overrides while it runs).
VARIANTS: dict[str, dict[str, object]] = {
    "html: article policy on every page": {"article_markup": lambda root: ("(forced)",), "ARTICLE_PROSE_SHARE": 0.0},
    "html: as-extracted on every page": {"ARTICLE_PROSE_SHARE": float("inf")},
    "html: prose share 0.5": {"ARTICLE_PROSE_SHARE": 0.5},
    "html: prose share 0.4": {"ARTICLE_PROSE_SHARE": 0.4},
    "html: recall kept even when small": {"RECALL_MIN_SHARE": 0.0},
}


def _variant(settings: dict[str, object]):
    made: list[H.HtmlCleaner] = []

    def run(markup: str) -> str:
        saved = {k: getattr(H, k) for k in settings}
        try:
            for k, v in settings.items():
                setattr(H, k, v)
            if not made:
                made.append(H.HtmlCleaner())
            return made[0].clean(markup).text
        finally:
            for k, v in saved.items():
                setattr(H, k, v)
    return run


def systems(variants: bool = False):
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
        **({name: _variant(settings) for name, settings in VARIANTS.items()} if variants else {}),
    }


def tokens(text: str) -> Counter:
    return Counter(re.findall(r"\w+", text.lower()))  # the scorer's tokens


# On the outside set, a Han or kana character is a token of its own (as in the html-articles
# gold's tokeniser): `\w+` makes a whole Chinese paragraph one token, and a page's F1 noise.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_OUTSIDE_TOKEN = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+")


def outside_tokens(text: str) -> Counter:
    return Counter(_OUTSIDE_TOKEN.findall(text.lower()))


def prf(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    """The scorer's precision, recall and F1 from token counts."""
    p = tp / npred if npred else (1.0 if not ngold else 0.0)
    r = tp / ngold if ngold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def read_manifest(folder: Path, split: str) -> list[dict[str, str]]:
    """The outside set's pages (name, source, url, kind, split), those of `split` or all."""
    lines = (folder / "manifest.tsv").read_text(encoding="utf-8").splitlines()
    head = lines[0].split("\t")
    rows = [dict(zip(head, ln.split("\t"))) for ln in lines[1:] if ln]
    return [r for r in rows if split == "all" or r["split"] == split]


def outside(folder: Path, split: str, write: Path | None, only: list[str] | None = None,
            variants: bool = False) -> int:
    """Token F1 per system, overall and per kind, and pages better/worse than trafilatura."""
    rows = read_manifest(folder, split)
    if not rows:
        print(f"no pages of split {split!r} in {folder}/manifest.tsv", file=sys.stderr)
        return 2
    gold = {r["name"]: outside_tokens((folder / f"{r['name']}.gold.txt").read_text(encoding="utf-8")) for r in rows}
    kind = {r["name"]: r["kind"] for r in rows}
    counts: dict[str, dict[str, tuple[int, int, int]]] = {}
    took: dict[str, float] = {}
    for name, fn in systems(variants).items():
        if only and name not in only and name != "trafilatura":
            continue
        started = time.process_time()
        per: dict[str, tuple[int, int, int]] = {}
        for r in rows:
            markup = gzip.decompress((folder / f"{r['name']}.html.gz").read_bytes()).decode("utf-8")
            try:
                got = outside_tokens(fn(markup))
            except Exception as exc:  # a failure scores as an empty output, and is shown
                print(f"{name}: {r['name']}: {exc}", file=sys.stderr)
                got = Counter()
            g = gold[r["name"]]
            per[r["name"]] = (sum((got & g).values()), sum(got.values()), sum(g.values()))
        counts[name] = per
        took[name] = time.process_time() - started
    kinds = sorted(set(kind.values()), key=lambda k: (-sum(1 for v in kind.values() if v == k), k))

    def f1(system: str, names) -> float:
        return prf(*(sum(counts[system][n][i] for n in names) for i in range(3)))[2]

    base = counts["trafilatura"]
    head = ["system", f"all ({len(rows)})"] + [f"{k} ({sum(1 for v in kind.values() if v == k)})" for k in kinds] \
        + ["better", "worse", "CPU"]
    table = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for system, per in counts.items():
        diffs = [prf(*per[n])[2] - prf(*base[n])[2] for n in per]
        cells = [system, f"{f1(system, per):.4f}"] + [f"{f1(system, [n for n in per if kind[n] == k]):.4f}" for k in kinds]
        cells += [str(sum(d > PAGE_DIFF for d in diffs)), str(sum(d < -PAGE_DIFF for d in diffs)), f"{took[system]:.0f} s"]
        table.append("| " + " | ".join(cells) + " |")
    print("\n".join(table))
    if write:
        _write_section(write, "\n".join(table), len(rows), folder, f"--outside {folder} --split {split}",
                       f"outside-{split}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=Path, default=SHARED / "html-articles" / "dev-html")
    ap.add_argument("--outside", type=Path, help="the outside set's folder (bench/fetch_outside.py)")
    ap.add_argument("--split", choices=("tune", "held-out", "all"), default="tune")
    ap.add_argument("--only", action="append", help="run only this system (and trafilatura); repeatable")
    ap.add_argument("--variants", action="store_true", help="also run the page policy's variants (VARIANTS)")
    ap.add_argument("--write", type=Path, help="write the table into this markdown file")
    args = ap.parse_args()
    if args.outside:
        return outside(args.outside, args.split, None if args.variants else args.write, args.only, args.variants)
    gold_dir = args.pages.parent / "dev" if args.pages.name == "dev-html" else args.pages.parent
    pages = sorted(args.pages.glob("*.html.gz"))
    if not pages:
        print(f"no *.html.gz pages in {args.pages}", file=sys.stderr)
        return 2
    markup = {p.name[: -len(".html.gz")]: gzip.decompress(p.read_bytes()).decode("utf-8") for p in pages}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, fn in systems(args.variants).items():
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
    if args.write and not args.variants:
        table = ["| system | token F1 | token P | token R | line F1 | exact | time |",
                 "| --- | --- | --- | --- | --- | --- | --- |"]
        for name, p, r, f, took in rows:
            table.append(f"| {name} | {f['token_f1']:.4f} | {p:.4f} | {r:.4f} | {f['micro_f1']:.4f} "
                         f"| {f['exact']:.4f} | {took:.1f} s |")
        _write_section(args.write, "\n".join(table), len(pages), args.pages, "", "")
    return 0


def _write_section(path: Path, table: str, n: int, pages: Path, flags: str, tag: str) -> None:
    """Put the table between this run's markers in the markdown file (replacing the last one)."""
    BEGIN, END = (f"<!-- html-compare{':' + tag if tag else ''}:begin -->",
                  f"<!-- html-compare{':' + tag if tag else ''}:end -->")
    run = f"python bench/html_compare.py {flags + ' ' if flags else ''}--write {path}"
    body = f"{BEGIN}\n`{run}` on {n} pages (`{pages.name}`):\n\n{table}\n{END}"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + body + text[text.index(END) + len(END):]
    else:
        text = text + ("\n" if text else "") + body + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
