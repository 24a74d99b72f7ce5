"""`cleaner report` through a real subprocess: a page from files or JSONL, the corpus left as
it was, and one-line errors."""
from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

from conftest import SEEDS, run_cli

INPUTS = sorted(p for p in SEEDS.glob("*.txt") if ".expected" not in p.name)


def _digest(d: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


def test_report_of_a_directory_leaves_the_corpus_alone(tmp_path: Path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in INPUTS:
        shutil.copy(p, corpus / p.name)
    before = _digest(corpus)
    out = tmp_path / "report.html"
    r = run_cli("report", str(corpus), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert _digest(corpus) == before
    page = out.read_text(encoding="utf-8")
    assert f"<b>{len(INPUTS)}</b> documents" in page
    assert '<table id="rules">' in page and "bbc/caption-label" in page
    assert page.count('<section class="doc"') == len(INPUTS)
    assert r.stderr.decode().startswith(f"cleaner: report of {len(INPUTS)} documents")


def test_report_of_multi_news_jsonl_names_each_document(tmp_path: Path):
    texts = [p.read_text(encoding="utf-8") for p in INPUTS]
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"document": "|||||".join(texts[:2])}) + "\n"
                   + json.dumps({"document": texts[2]}) + "\n" + "not json\n", encoding="utf-8")
    out = tmp_path / "r.html"
    r = run_cli("report", "--jsonl", "--field", "document", "--split-docs", "|||||", str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    page = out.read_text(encoding="utf-8")
    assert "<b>3</b> documents" in page
    assert f"{src}:1#0" in page and f"{src}:1#1" in page and f"{src}:2<" in page
    assert "1 inputs skipped" in r.stderr.decode() and ":3: malformed JSON" in r.stderr.decode()


def test_nothing_to_report_is_one_line_and_exit_2(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    r = run_cli("report", str(tmp_path / "empty"), "-o", str(tmp_path / "r.html"))
    assert r.returncode == 2
    assert r.stderr.decode().count("\n") == 1 and r.stderr.decode().startswith("cleaner: ")
    assert not (tmp_path / "r.html").exists()
