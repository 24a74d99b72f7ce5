"""Build the outside HTML set: pages of many kinds, with gold main text, that nobody here tuned on.

    python bench/fetch_outside.py --cleaneval CLONE --htmltotext CLONE [--out bench/data/outside-html]

CLONE is a git clone (or bare mirror) of the repository named below; the pages are read at the
pinned commit with `git show`, so the set is the same whoever builds it:

- CleanEval final test set (Baroni et al., LREC 2008: random English web pages of every kind:
  home pages, listings and directories, forums and mailing-list archives, shops, documentation,
  articles, blogs), as mirrored in https://github.com/j-szulc/html-cleaning-dataset-merged at
  CLEANEVAL_COMMIT: `cleaneval-final/input/N.html` and `cleaneval-final/GoldStandard/N.txt`.
  The gold marks each block `<p>`, `<h>` or `<l>` (paragraph, heading, list item); the marks and
  the `URL:` line are dropped here, one block per line.
- htmltotext-benchmark (https://github.com/leogao2/htmltotext-benchmark at HTMLTOTEXT_COMMIT):
  recent pages (news, blogs, forums, a wiki) in English, German, Croatian and Chinese, with
  hand-made text, `benchmarkdata/<lang>/{html,text}/<kind>-<name>`.

Out: `<name>.html.gz` (the page, decoded and written as UTF-8), `<name>.gold.txt`, and
`manifest.tsv` (name, source, url, kind, split). Neither repository states a licence for the
pages (they are the work of their publishers): the pages are not committed here, only this
script and the manifest it writes.

Kind: htmltotext names it in the file name. CleanEval does not label kinds, so one is given by
a fixed rule (`cleaneval_kind`) from the page's URL and the gold's own block marks, which the
cleaner never sees: forum (URL of a board, thread or mailing-list archive), listing (most gold
blocks are list items, or short), prose (most gold words are in paragraphs of 40+ words), other.

Split: `int(sha1(name).hexdigest(), 16) % 2 == 0` sends a page to `tune`, else `held-out`.
Decisions are made by looking at the tuning half only.
"""
from __future__ import annotations

import argparse
import gzip
import hashlib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLEANEVAL_REPO = "j-szulc/html-cleaning-dataset-merged"
CLEANEVAL_COMMIT = "46e01a04b47051838a228bf23631430b2c9de375"
HTMLTOTEXT_REPO = "leogao2/htmltotext-benchmark"
HTMLTOTEXT_COMMIT = "feab59949ee4f9789af8e0c2412720895278d3cf"
# CleanEval pages taken: the first N by sha1 of their number (a fixed draw, not a choice);
# enough for per-kind figures, few enough to run four systems in a few minutes on 2 cores.
CLEANEVAL_PAGES = 400
# Pages left out, with why: the saved HTML is not the page the gold text was made from.
EXCLUDED = {
    "zh/html/wiki-baike-liqiu.html": "the saved HTML is Baidu Baike's error page, not the article",
}

_MARK = re.compile(r"^\s*<(p|h|l)>\s*", re.IGNORECASE)
_FORUM_URL = re.compile(r"forum|board|thread|viewtopic|topic=|hypermail|mailing|lists?\.|/archives?/\d|"
                        r"message|discuss|newsgroup|groups\.", re.IGNORECASE)
# listing: at least this share of gold blocks are list items, or this share are under 8 words
LISTING_ITEM_SHARE = 0.5
LISTING_SHORT_SHARE = 0.7
SHORT_WORDS = 8
# prose: at least this share of the gold's words sit in paragraphs of PROSE_WORDS words or more
PROSE_SHARE = 0.6
PROSE_WORDS = 40


def git_show(repo: Path, commit: str, path: str) -> bytes:
    return subprocess.run(["git", "--git-dir", str(_git_dir(repo)), "show", f"{commit}:{path}"],
                          capture_output=True, check=True).stdout


def git_ls(repo: Path, commit: str, path: str) -> list[str]:
    out = subprocess.run(["git", "--git-dir", str(_git_dir(repo)), "ls-tree", "--name-only", commit, path + "/"],
                         capture_output=True, check=True, text=True).stdout
    return [ln for ln in out.splitlines() if ln]


def _git_dir(repo: Path) -> Path:
    return repo / ".git" if (repo / ".git").exists() else repo


def decode(data: bytes) -> str:
    """UTF-8 when it is, else Windows-1252 (what 2007 pages marked `encoding="unset"` are)."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def cleaneval_blocks(gold: str) -> list[tuple[str, str]]:
    """(mark, text) per gold block; the URL line and anything before the first mark is dropped."""
    blocks: list[tuple[str, list[str]]] = []
    for line in gold.splitlines():
        m = _MARK.match(line)
        if m:
            blocks.append((m.group(1).lower(), [line[m.end():]]))
        elif blocks and line.strip():
            blocks[-1][1].append(line)
    out = []
    for mark, parts in blocks:
        text = " ".join(" ".join(parts).split())
        if text:
            out.append((mark, text))
    return out


def cleaneval_kind(url: str, blocks: list[tuple[str, str]]) -> str:
    """The page's kind by the fixed rule in the module docstring."""
    if _FORUM_URL.search(url):
        return "forum"
    if not blocks:
        return "other"
    items = sum(1 for m, _ in blocks if m == "l") / len(blocks)
    short = sum(1 for _, t in blocks if len(t.split()) < SHORT_WORDS) / len(blocks)
    if items >= LISTING_ITEM_SHARE or short >= LISTING_SHORT_SHARE:
        return "listing"
    words = sum(len(t.split()) for _, t in blocks)
    prose = sum(len(t.split()) for m, t in blocks if m == "p" and len(t.split()) >= PROSE_WORDS)
    return "prose" if prose >= PROSE_SHARE * words else "other"


def split_of(name: str) -> str:
    return "tune" if int(hashlib.sha1(name.encode()).hexdigest(), 16) % 2 == 0 else "held-out"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cleaneval", type=Path, required=True, help=f"clone of {CLEANEVAL_REPO}")
    ap.add_argument("--htmltotext", type=Path, required=True, help=f"clone of {HTMLTOTEXT_REPO}")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "data" / "outside-html")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = []

    golds = {Path(p).stem: p for p in git_ls(args.cleaneval, CLEANEVAL_COMMIT, "cleaneval-final/GoldStandard")}
    drawn = sorted(golds, key=lambda n: hashlib.sha1(n.encode()).hexdigest())[:CLEANEVAL_PAGES]
    for num in sorted(drawn, key=int):
        gold = decode(git_show(args.cleaneval, CLEANEVAL_COMMIT, golds[num]))
        try:
            page = decode(git_show(args.cleaneval, CLEANEVAL_COMMIT, f"cleaneval-final/input/{num}.html"))
        except subprocess.CalledProcessError:
            continue
        m = re.search(r'<text id="([^"]*)"', page[:2000])
        url = m.group(1) if m else gold.splitlines()[0].removeprefix("URL:").strip()
        blocks = cleaneval_blocks(gold)
        name = f"cleaneval-{num}"
        rows.append((name, "cleaneval-final", url, cleaneval_kind(url, blocks), split_of(name)))
        _write(args.out, name, page, "\n".join(t for _, t in blocks))

    for path in git_ls(args.htmltotext, HTMLTOTEXT_COMMIT, "benchmarkdata"):
        lang = Path(path).name
        for html_path in git_ls(args.htmltotext, HTMLTOTEXT_COMMIT, f"{path}/html"):
            if html_path.split("/", 1)[1] in EXCLUDED:
                continue
            stem = Path(html_path).stem
            text = decode(git_show(args.htmltotext, HTMLTOTEXT_COMMIT, f"{path}/text/{stem}.txt"))
            page = decode(git_show(args.htmltotext, HTMLTOTEXT_COMMIT, html_path))
            name = f"htmltotext-{lang}-{stem}"[:120]
            kind = stem.split("-", 1)[0]
            rows.append((name, "htmltotext", stem, {"news": "article", "blog": "article"}.get(kind, kind), split_of(name)))
            _write(args.out, name, page, "\n".join(ln.strip() for ln in text.splitlines() if ln.strip()))

    with open(args.out / "manifest.tsv", "w", encoding="utf-8") as f:
        f.write("name\tsource\turl\tkind\tsplit\n")
        for row in rows:
            f.write("\t".join(row) + "\n")
    print(f"{len(rows)} pages in {args.out}", file=sys.stderr)
    return 0


def _write(out: Path, name: str, page: str, gold: str) -> None:
    (out / f"{name}.html.gz").write_bytes(gzip.compress(page.encode("utf-8"), mtime=0))
    (out / f"{name}.gold.txt").write_text(gold + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
