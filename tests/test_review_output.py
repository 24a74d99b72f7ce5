"""How removals are shown: a section's reason once with its line range, JSON decisions that
carry their text, and diff headers with the path as given."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from conftest import SEEDS, run_cli

from cleaner import clean
from cleaner.report import as_json, explain

SEED = SEEDS / "004_8b3e18fa1e927333.txt"


def test_a_section_is_explained_once_with_its_range():
    menu = "\n".join(["Related stories:"] + [f"Story headline number {k}" for k in range(1, 9)])
    body = "".join(f"The council voted on Tuesday to close library number {k}, despite a petition "
                   f"signed by residents and a debate that ran late into the night.\n\n" for k in range(3))
    text = body + menu + "\n"
    result = clean(text)
    gone = [d for d in result.removed if d.text.strip()]
    assert len(gone) >= 5 and len({(d.rule, d.reason) for d in gone}) == 1
    out = explain(result, "doc.txt")
    first, last = gone[0].line, gone[-1].line
    assert out.count(gone[0].reason) == 1
    assert f"doc.txt:{first}-{last}: {gone[0].rule}" in out and f"({len(gone)} lines)" in out
    assert all(d.text.strip()[:40] in out for d in gone)


def test_json_decisions_carry_the_line_text():
    text = SEED.read_text(encoding="utf-8")
    data = json.loads(as_json(clean(text), "x"))
    lines = text.splitlines()
    assert [d["text"] for d in data["decisions"]] == lines
    assert any(not d["kept"] and d["text"].startswith("image caption") for d in data["decisions"])


def test_diff_headers_carry_the_path_as_given(tmp_path: Path):
    shutil.copy(SEED, tmp_path / "a.txt")
    r = run_cli("clean", "--diff", "a.txt", cwd=tmp_path)
    assert r.stdout.decode().startswith("--- a/a.txt\n+++ b/a.txt\n")
    r = run_cli("clean", "--diff", str(tmp_path / "a.txt"))
    assert r.stdout.decode().startswith(f"--- {tmp_path}/a.txt\n+++ {tmp_path}/a.txt\n")
