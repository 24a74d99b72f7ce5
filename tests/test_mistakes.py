"""Mistakes are errors: an id to disable that names nothing, a flag that would be ignored or
that contradicts another, each refused with one line; and a closed output pipe ends the run
quietly with the status `cat` shows (128 + SIGPIPE)."""
from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SEEDS, run_cli

from cleaner import Cleaner, clean
from cleaner.errors import CleanerError

SEED = SEEDS / "004_8b3e18fa1e927333.txt"


@pytest.mark.parametrize("wrong, closest", [
    ("family:teasers", "family:teaser"),
    ("general/bylines", "general/byline"),
    ("heuristic/teaser-tial", "heuristic/teaser-tail"),
    ("genral/*", "general/*"),
])
def test_an_unknown_id_to_disable_is_an_error_naming_the_closest(wrong: str, closest: str):
    with pytest.raises(CleanerError) as exc:
        Cleaner(disabled=[wrong])
    assert f"'{wrong}'" in str(exc.value) and f"did you mean '{closest}'?" in str(exc.value)
    with pytest.raises(CleanerError) as exc:
        clean("Some text.\n", disabled=["general/byline", wrong])
    assert f"did you mean '{closest}'?" in str(exc.value)


def test_every_kind_of_known_id_is_accepted():
    for ok in ("general/byline", "general/*", "bbc/*", "family:teaser", "family:widget",
               "heuristic/teaser-tail", "heuristic/second-copy", "bbc/caption-label"):
        Cleaner(disabled=[ok])
    with pytest.raises(CleanerError, match="'nosuchpack/\\*'"):
        Cleaner(disabled=["nosuchpack/*"])


@pytest.mark.parametrize("command", ["clean", "check", "fix"])
def test_the_cli_refuses_an_unknown_id_in_one_line_and_writes_nothing(tmp_path: Path, command: str):
    target = tmp_path / "a.txt"
    shutil.copy(SEED, target)
    r = run_cli(command, "--disable", "family:teasers", str(target))
    assert r.returncode == 2
    err = r.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("cleaner: ") and "'family:teaser'" in err
    assert r.stdout == b"" and target.read_bytes() == SEED.read_bytes()


REFUSED = [
    (["--jsonl", "--explain"], "--jsonl and --explain"),
    (["--jsonl", "--format", "json"], "--jsonl and --format json"),
    (["--jsonl", "--diff"], "--jsonl and --diff"),
    (["--format", "json", "--diff"], "--diff and --format json"),
    (["--format", "json", "--explain"], "--explain and --format json"),
    (["--field", "body"], "--field"),
    (["--html-field", "html"], "--html-field"),
    (["--split-docs", "|||||"], "--split-docs"),
    (["--explain-field", "x"], "--explain-field"),
    (["--on-error", "skip"], "--on-error"),
    (["--max-record-mb", "0"], "--max-record-mb"),  # (a limit for text inputs too, so only a bad value)
    (["--workers", "2"], "--workers"),
    (["--report", "r.html"], "--report"),
    (["--corpus-chrome"], "--corpus-chrome"),
    (["--jsonl", "--workers", "-3"], "--workers"),
    (["--jsonl", "--workers", "0"], "--workers"),
    (["--jsonl", "--html"], "--html"),
    (["-o", "x.txt", "--output-dir", "d"], "-o and --output-dir"),
    (["--min-docs", "4"], "--min-docs"),
]


@pytest.mark.parametrize("flags, named", REFUSED)
def test_clean_refuses_a_meaningless_combination_in_one_line(tmp_path: Path, flags: list[str], named: str):
    shutil.copy(SEED, tmp_path / "in.txt")
    r = run_cli("clean", *flags, "in.txt", cwd=tmp_path)
    assert r.returncode == 2, r.stdout
    err = r.stderr.decode()
    assert err.count("\n") == 1 and err.startswith("cleaner: ") and named in err, err
    assert r.stdout == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt"]


def test_several_inputs_need_an_output_dir(tmp_path: Path):
    for p in ("a.txt", "b.txt"):
        shutil.copy(SEED, tmp_path / p)
    for flags, named in (([], "--output-dir"), (["-o", "out.txt"], "-o names one output")):
        r = run_cli("clean", "a.txt", "b.txt", *flags, cwd=tmp_path)
        assert r.returncode == 2 and named in r.stderr.decode() and r.stderr.decode().count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


@pytest.mark.parametrize("flags, named", [
    (["--diff", "--format", "json"], "--diff and --format json"),
    (["--diff", "--statistics"], "--diff and --statistics"),
    (["--workers", "-3"], "--workers"),
    (["--min-docs", "4"], "--min-docs"),
])
def test_check_refuses_a_meaningless_combination_in_one_line(tmp_path: Path, flags: list[str], named: str):
    shutil.copy(SEED, tmp_path / "a.txt")
    r = run_cli("check", *flags, "a.txt", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == b""
    assert r.stderr.decode().count("\n") == 1 and named in r.stderr.decode()


def _big_jsonl(path: Path) -> None:
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    with path.open("w", encoding="utf-8") as f:
        for k in range(1500):  # about 7 MB: far more than a pipe holds
            f.write(json.dumps({"id": k, "text": texts[k % len(texts)]}) + "\n")


def _big_text(path: Path) -> None:
    words = "the council voted on tuesday to close a library despite petitions signed by residents".split()
    paragraphs = (" ".join(words[(k + j * 7) % len(words)] for j in range(40)) + f" number {k}.\n\n"
                  for k in range(20000))
    path.write_text("".join(paragraphs), encoding="utf-8")


def _read_then_close(args: list[str], cwd: Path) -> tuple[int, bytes]:
    """Run the command with stdout into a pipe, read 10 bytes, close the pipe (`| head -c 10`)."""
    p = subprocess.Popen([sys.executable, "-m", "cleaner", *args], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, cwd=cwd)
    assert p.stdout is not None and p.stderr is not None
    assert len(p.stdout.read(10)) == 10
    p.stdout.close()
    err = p.stderr.read()
    return p.wait(timeout=120), err


@pytest.mark.parametrize("args", [
    ["clean", "--jsonl", "big.jsonl", "--workers", "1"],
    ["clean", "--jsonl", "big.jsonl", "--workers", "2"],
    ["clean", "big.txt"],
])
def test_a_closed_output_pipe_ends_the_run_as_cat_does(tmp_path: Path, args: list[str]):
    _big_jsonl(tmp_path / "big.jsonl")
    _big_text(tmp_path / "big.txt")
    status, err = _read_then_close(args, tmp_path)
    assert err == b""
    assert status == 128 + signal.SIGPIPE
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".cleaner-")]


@pytest.mark.parametrize("command, flags, named", [
    ("learn", ["--field", "body"], "--field"),
    ("learn", ["--split-docs", "|||||"], "--split-docs"),
    ("learn", ["--max-record-mb", "5"], "--max-record-mb"),
    ("report", ["--field", "body", "-o", "r.html"], "--field"),
    ("report", ["--split-docs", "|||||", "-o", "r.html"], "--split-docs"),
])
def test_learn_and_report_refuse_jsonl_options_without_jsonl(tmp_path: Path, command: str, flags: list[str],
                                                             named: str):
    shutil.copy(SEED, tmp_path / "in.txt")
    r = run_cli(command, *flags, "in.txt", cwd=tmp_path)
    assert r.returncode == 2 and r.stdout == b""
    err = r.stderr.decode()
    assert err.count("\n") == 1 and f"{named} applies to JSONL input only" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt"]
