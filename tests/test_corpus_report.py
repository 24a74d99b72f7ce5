"""The corpus report: exact counts, bounded samples, a self-contained page, and a real browser
that renders its per-rule table and a document view without console errors."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from cleaner import clean
from cleaner.corpus_report import CorpusReport, build

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted(p for p in (ROOT / "seeds").glob("*.txt") if ".expected" not in p.name)
CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--enable-logging=stderr", "--v=0", "--window-size=1200,1400"]


def _results() -> list[tuple[str, object]]:
    return [(p.name, clean(p.read_text(encoding="utf-8"))) for p in SEEDS]


def test_counts_are_the_librarys():
    report = CorpusReport()
    results = _results()
    for name, r in results:
        report.add(name, r)
    want = Counter(d.rule for _, r in results for d in r.removed if d.text.strip())
    assert {k: t.lines for k, t in report.rules.items()} == dict(want)
    assert report.removed_lines == sum(want.values()) > 0
    assert report.documents == len(SEEDS)
    docs = Counter(rule for _, r in results for rule in {d.rule for d in r.removed if d.text.strip()})
    assert {k: t.documents for k, t in report.rules.items()} == dict(docs)


def test_samples_are_bounded_and_the_page_says_so():
    results = _results() * 40  # 200 documents
    report = CorpusReport(examples_per_rule=2, top_documents=3, sampled_documents=4)
    for k, (name, r) in enumerate(results):
        report.add(f"{k}-{name}", r)
    assert all(len(t.examples) <= 2 for t in report.rules.values())
    assert len(report.shown_documents()) == 7
    page = report.render()
    assert page.count('<section class="doc"') == 7
    assert "the 3 that lost the most characters and 4 drawn at random" in page


def test_same_run_same_page():
    assert build(_results() * 5, sampled_documents=3) == build(_results() * 5, sampled_documents=3)


def test_text_is_escaped_and_nothing_is_fetched():
    r = clean("<script>alert(1)</script> Home News Sport\n\nA body paragraph that says enough to be kept "
              "as prose, with a full stop at its end.\n")
    page = build([("<b>x</b>.txt", r)])
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<b>x</b>" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def _chromium(browser: str, url: str, tmp: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([browser, *CHROME_FLAGS, f"--user-data-dir={tmp / 'profile'}", *args, url],
                          capture_output=True, text=True, timeout=120)


def test_page_renders_in_a_real_browser(tmp_path: Path):
    browser = _browser()
    if browser is None:
        if os.environ.get("CLEANER_REQUIRE_BROWSER"):
            pytest.fail("no chromium found, and CLEANER_REQUIRE_BROWSER is set")
        pytest.skip("no chromium (apt-get install chromium)")
    results = _results()
    page = tmp_path / "report.html"
    page.write_text(build(results), encoding="utf-8")
    report = CorpusReport()
    for name, r in results:
        report.add(name, r)
    rule = max(report.rules.values(), key=lambda t: t.lines).rule
    url = f"{page.as_uri()}?rule={rule}#doc-0"

    dom = _chromium(browser, url, tmp_path, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'data-ready="1"' in dom.stdout  # the script ran to its end
    rows = re.findall(r'<tr data-rule="([^"]+)"( hidden="")?>', dom.stdout)
    assert len(rows) == len(report.rules) > 1
    assert [r for r, hidden in rows if not hidden] == [rule]  # the filter from ?rule= applied
    doc0 = dom.stdout[dom.stdout.index('id="doc-0"'):]
    doc0 = doc0[:doc0.index("</section>")]
    assert '<li class="removed' in doc0 and "<s>" in doc0  # removed lines struck through
    assert "CONSOLE" not in dom.stderr, dom.stderr

    shot = tmp_path / "shot.png"
    run = _chromium(browser, url, tmp_path, f"--screenshot={shot}")
    assert run.returncode == 0 and "CONSOLE" not in run.stderr, run.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
