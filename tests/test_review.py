"""Reviewing a clean before trusting it, through the real command: check/fix --diff,
--statistics, --format json, --exit-zero, --quiet and the closing total; clean FILE...
--output-dir; --report on clean --jsonl, fix and check; the JSONL summary per rule."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from conftest import SEEDS, run_cli

from cleaner import clean

INPUTS = sorted(p for p in SEEDS.glob("*.txt") if ".expected" not in p.name)


def _corpus(tmp_path: Path, name: str = "corpus") -> Path:
    d = tmp_path / name
    d.mkdir()
    for p in INPUTS:
        shutil.copy(p, d / p.name)
    (d / "clean.txt").write_text("The council voted on Tuesday to close the library, despite a petition.\n",
                                 encoding="utf-8")
    return d


def _digest(d: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(d.iterdir())}


def _expected() -> tuple[dict[str, list], Counter]:
    """What the library removes from each seed (lines with text), and the counts per rule."""
    removed = {p.name: clean(p.read_text(encoding="utf-8")).removed_text() for p in INPUTS}
    counts = Counter(d.rule for gone in removed.values() for d in gone)
    return {k: v for k, v in removed.items() if v}, counts


@pytest.mark.parametrize("command", ["check", "fix"])
def test_diff_is_a_patch_per_changed_file_and_writes_nothing(tmp_path: Path, command: str):
    corpus = _corpus(tmp_path)
    before = _digest(corpus)
    r = run_cli(command, "--diff", "corpus", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert _digest(corpus) == before
    out = r.stdout.decode()
    removed, _ = _expected()
    assert sorted(re.findall(r"^--- a/corpus/(\S+)$", out, re.M)) == sorted(removed)
    assert sorted(re.findall(r"^\+\+\+ b/corpus/(\S+)$", out, re.M)) == sorted(removed)
    # the patch, applied, makes each file what cleaning it gives
    applied = subprocess.run(["git", "apply", "--unsafe-paths", "-"], input=r.stdout, cwd=tmp_path,
                             capture_output=True)
    assert applied.returncode == 0, applied.stderr
    for p in INPUTS:
        assert (corpus / p.name).read_bytes() == p.with_name(p.name.replace(".txt", ".expected.txt")).read_bytes()
    total = sum(len(v) for v in removed.values())
    assert r.stderr.decode() == (f"{len(INPUTS) + 1} files checked, {len(removed)} would change, "
                                 f"{total} lines would be removed\n")


def test_statistics_count_per_rule_across_the_run(tmp_path: Path):
    _corpus(tmp_path)
    r = run_cli("check", "--statistics", "corpus", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    _, counts = _expected()
    *table, total = r.stdout.decode().splitlines()
    rows = [ln.split() for ln in table]
    assert {rule: int(n) for n, rule in rows} == dict(counts)
    assert [int(n) for n, _ in rows] == sorted((int(n) for n, _ in rows), reverse=True)
    assert total.endswith(f", {sum(counts.values())} lines would be removed") and r.stderr == b""


def test_format_json_lists_each_changed_files_removed_lines(tmp_path: Path):
    corpus = _corpus(tmp_path)
    r = run_cli("check", "--format", "json", str(corpus))
    assert r.returncode == 1, r.stderr
    objects = [json.loads(ln) for ln in r.stdout.decode().splitlines()]
    removed, _ = _expected()
    assert [Path(o["file"]).name for o in objects] == sorted(removed)
    for o in objects:
        lines = Path(o["file"]).read_text(encoding="utf-8").splitlines()
        want = removed[Path(o["file"]).name]
        assert [(e["line"], e["text"], e["rule"], e["reason"]) for e in o["removed"]] == \
            [(d.line, d.text, d.rule, d.reason) for d in want]
        assert all(lines[e["line"] - 1] == e["text"] for e in o["removed"])


def test_fix_total_line_exit_zero_and_quiet(tmp_path: Path):
    corpus = _corpus(tmp_path)
    removed, counts = _expected()
    r = run_cli("fix", "--exit-zero", str(corpus))
    assert r.returncode == 0, r.stderr
    *files, total = r.stdout.decode().splitlines()
    assert len(files) == len(removed) and all(f.startswith("fixed ") for f in files)
    assert total == f"{len(INPUTS) + 1} files checked, {len(removed)} changed, {sum(counts.values())} lines removed"
    assert r.stderr == b""
    again = run_cli("fix", str(corpus))
    assert again.returncode == 0 and again.stderr == b""
    assert again.stdout.decode() == f"{len(INPUTS) + 1} files checked, 0 changed, 0 lines removed\n"
    fresh = _corpus(tmp_path, "fresh")
    quiet = run_cli("check", "--quiet", str(fresh))
    assert quiet.returncode == 1 and quiet.stdout == b"" and quiet.stderr == b""


def test_review_output_is_the_same_for_any_number_of_workers(tmp_path: Path):
    _corpus(tmp_path)
    for flags in (["--format", "json"], ["--statistics"], ["--diff"], []):
        one = run_cli("check", *flags, "--workers", "1", "corpus", cwd=tmp_path)
        two = run_cli("check", *flags, "--workers", "3", "corpus", cwd=tmp_path)
        assert one.returncode == two.returncode == 1
        assert one.stdout == two.stdout and one.stderr == two.stderr and one.stdout


def test_clean_several_inputs_into_an_output_dir(tmp_path: Path):
    out = tmp_path / "out"
    r = run_cli("clean", *map(str, INPUTS), "--output-dir", str(out))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == [p.name for p in INPUTS]
    for p in INPUTS:
        assert (out / p.name).read_bytes() == p.with_name(p.name.replace(".txt", ".expected.txt")).read_bytes()
    assert not [p for p in out.iterdir() if p.name.startswith(".cleaner-")]


def test_output_dir_refuses_two_inputs_of_one_name_and_writing_over_an_input(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    shutil.copy(INPUTS[0], tmp_path / "a" / "x.txt")
    shutil.copy(INPUTS[1], tmp_path / "b" / "x.txt")
    out = tmp_path / "out"
    r = run_cli("clean", "a/x.txt", "b/x.txt", "--output-dir", "out", cwd=tmp_path)
    assert r.returncode == 2 and r.stderr.decode().count("\n") == 1
    assert "a/x.txt and b/x.txt" in r.stderr.decode() and not out.exists()
    before = (tmp_path / "a" / "x.txt").read_bytes()
    r = run_cli("clean", "a/x.txt", "--output-dir", "a", cwd=tmp_path)
    assert r.returncode == 2 and "would replace it" in r.stderr.decode()
    assert (tmp_path / "a" / "x.txt").read_bytes() == before


def _jsonl(tmp_path: Path) -> Path:
    texts = [p.read_text(encoding="utf-8") for p in INPUTS]
    src = tmp_path / "in.jsonl"
    with src.open("w", encoding="utf-8") as f:
        for k in range(40):  # more documents than the page samples, so the sampling is tested
            f.write(json.dumps({"id": k, "text": "|||||".join(texts[k % 5: k % 5 + 1 + k % 3])}) + "\n")
    return src


def test_clean_jsonl_report_is_the_report_command_page_for_any_workers(tmp_path: Path):
    src = _jsonl(tmp_path)
    plain = run_cli("clean", "--jsonl", "--split-docs", "|||||", "in.jsonl", "-o", "plain.jsonl", cwd=tmp_path)
    assert plain.returncode == 0, plain.stderr
    want = run_cli("report", "--jsonl", "--split-docs", "|||||", "in.jsonl", "-o", "want.html", cwd=tmp_path)
    assert want.returncode == 0, want.stderr
    for n in ("1", "2", "3"):
        r = run_cli("clean", "--jsonl", "--split-docs", "|||||", "in.jsonl", "-o", f"out{n}.jsonl",
                    "--report", f"r{n}.html", "--workers", n, cwd=tmp_path)
        assert r.returncode == 0, r.stderr
        assert (tmp_path / f"out{n}.jsonl").read_bytes() == (tmp_path / "plain.jsonl").read_bytes()
        assert (tmp_path / f"r{n}.html").read_bytes() == (tmp_path / "want.html").read_bytes()
    assert src.exists()


@pytest.mark.parametrize("command", ["check", "fix"])
def test_fix_and_check_report_is_the_report_command_page(tmp_path: Path, command: str):
    _corpus(tmp_path)
    want = run_cli("report", "corpus", "-o", "want.html", cwd=tmp_path)
    assert want.returncode == 0, want.stderr
    r = run_cli(command, "corpus", "--report", "got.html", "--workers", "2", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    assert (tmp_path / "got.html").read_bytes() == (tmp_path / "want.html").read_bytes()


def test_jsonl_summary_counts_per_rule(tmp_path: Path):
    _jsonl(tmp_path)
    r = run_cli("clean", "--jsonl", "--split-docs", "|||||", "in.jsonl", "-o", "out.jsonl", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    lines = r.stderr.decode().splitlines()
    total = int(re.search(r"removed lines: (\d+)", lines[0]).group(1))
    rows = [ln.split() for ln in lines[1:]]
    assert rows and all(row[0] == "cleaner:" for row in rows)
    per_rule = {row[2]: int(row[1].replace(",", "")) for row in rows}
    assert sum(per_rule.values()) == total
    want: Counter = Counter()
    for rec in (tmp_path / "in.jsonl").read_text(encoding="utf-8").splitlines():
        for doc in json.loads(rec)["text"].split("|||||"):
            want.update(clean(doc).counts())
    assert per_rule == dict(want)


def test_report_is_not_written_when_the_run_fails_and_a_bad_path_is_refused_first(tmp_path: Path):
    src = _jsonl(tmp_path)
    with src.open("a", encoding="utf-8") as f:
        f.write("not json\n")
    r = run_cli("clean", "--jsonl", "in.jsonl", "-o", "out.jsonl", "--report", "r.html", cwd=tmp_path)
    assert r.returncode == 2 and ":41: malformed JSON" in r.stderr.decode()
    assert not (tmp_path / "r.html").exists() and not (tmp_path / "out.jsonl").exists()
    r = run_cli("check", "--report", "nodir/r.html", str(SEEDS), cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == b""
    assert r.stderr.decode().count("\n") == 1 and "nodir/r.html: cannot write" in r.stderr.decode()
