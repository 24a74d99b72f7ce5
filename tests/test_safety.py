"""Issue 20: outputs that are not regular files, `fix` that harms nothing it was not asked to,
truncated compressed streams, records that cannot be written back, bounded records, hostile
rule directories, and warnings surfaced in every mode. Through the real command where it can be."""
from __future__ import annotations

import gzip
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, run_cli

SEED = SEEDS / "004_8b3e18fa1e927333.txt"
EXPECTED = SEEDS / "004_8b3e18fa1e927333.expected.txt"
P1 = "The council voted on Tuesday to close the library, despite a petition signed by residents."
P2 = "Officials said the building needed repairs that would cost far more than the town could afford."


def _sh(cmd: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-c", cmd], capture_output=True, cwd=cwd, timeout=120,
                          env={**os.environ, "PY": sys.executable,
                               "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])})


# --- outputs that are not regular files -----------------------------------------------------------

def test_output_to_a_device_leaves_the_device_a_device(tmp_path: Path):
    # A private null device (c 1 3), never the system's /dev/null: a cleaner with this defect
    # replaces the device it is given with a regular file (it did so to /dev/null here).
    null = tmp_path / "null"
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError):
        pytest.skip("cannot make a device node here (needs root)")
    r = run_cli("clean", str(SEED), "-o", str(null))
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(null.stat().st_mode) and null.stat().st_rdev == os.makedev(1, 3)
    r = run_cli("clean", "--jsonl", "--quiet", "-", "-o", str(null), input=json.dumps({"text": P1}).encode() + b"\n")
    assert r.returncode == 0, r.stderr
    assert stat.S_ISCHR(null.stat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["null"]


def test_output_to_dev_stdout_appended_to_a_log_appends(tmp_path: Path):
    log = tmp_path / "log"
    log.write_bytes(b"earlier entry\n")
    ino = log.stat().st_ino
    r = _sh(f'"$PY" -m cleaner clean {SEED} -o /dev/stdout >> log', tmp_path)
    assert r.returncode == 0, r.stderr
    assert log.read_bytes() == b"earlier entry\n" + EXPECTED.read_bytes()
    assert log.stat().st_ino == ino  # the same file, not a new one renamed over it


def test_output_into_a_fifo_writes_into_it(tmp_path: Path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    r = run_cli("clean", str(SEED), "-o", str(fifo))
    reader.join(30)
    assert r.returncode == 0, r.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert got == [EXPECTED.read_bytes()]


def test_jsonl_and_learn_outputs_to_dev_stdout_append(tmp_path: Path):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": f"{P1}\nShare this article\n"}) + "\n")
    log = tmp_path / "log"
    log.write_bytes(b"first\n")
    r = _sh(f'"$PY" -m cleaner clean --jsonl --workers 1 --quiet {src} -o /dev/stdout >> log', tmp_path)
    assert r.returncode == 0, r.stderr
    assert log.read_bytes() == b"first\n" + json.dumps({"text": P1 + "\n"}, ensure_ascii=False).encode() + b"\n"
    r = _sh(f'"$PY" -m cleaner learn --workers 1 {SEEDS} -o /dev/stdout >> log', tmp_path)
    assert r.returncode == 0, r.stderr
    assert log.read_bytes().startswith(b"first\n{") and b"[pack]" in log.read_bytes()


# --- fix: another writer, temp files, SIGTERM --------------------------------------------------------

def test_fix_leaves_a_file_another_program_changed_meanwhile(tmp_path: Path):
    from cleaner import batch
    from cleaner.pipeline import Cleaner

    f = tmp_path / "a.txt"
    f.write_bytes(SEED.read_bytes())
    real = Cleaner()

    class Appending:  # another writer appends while the cleaning runs
        def clean(self, text):
            with open(f, "ab") as fh:
                fh.write(b"A line another program appended.\n")
            return real.clean(text)

    out, err = _Lines(), _Lines()
    rep = batch.run([str(f)], Appending(), write=True, out=out, err=err)  # type: ignore[arg-type]
    assert rep.exit_code == 2
    assert f.read_bytes() == SEED.read_bytes() + b"A line another program appended.\n"
    assert len(err.lines) == 1 and "changed by another program" in err.lines[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


class _Lines:
    def __init__(self):
        self.lines: list[str] = []

    def write(self, s: str) -> None:
        self.lines.extend(ln for ln in s.splitlines() if ln)

    def flush(self) -> None:
        pass


def test_fix_touches_only_its_own_temp_files(tmp_path: Path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    mine_dead = tmp_path / f".cleaner-{dead.pid}-ab_cd123.tmp"  # the name make_temp gives
    others = [tmp_path / ".cleaner-notes.tmp", tmp_path / ".cleaner-backup-2024.tmp",
              tmp_path / f".cleaner-{dead.pid}-mine.tmp", tmp_path / f".cleaner-{dead.pid}-x-y-zzzzzzzz.tmp"]
    for p in [mine_dead, *others]:
        p.write_bytes(b"keep me")
    (tmp_path / "a.txt").write_bytes(SEED.read_bytes())
    r = run_cli("fix", str(tmp_path))
    assert r.returncode == 1, r.stderr
    assert not mine_dead.exists()
    assert all(p.exists() for p in others)


def test_sigterm_removes_the_jsonl_temp_file(tmp_path: Path):
    src = tmp_path / "big.jsonl"
    rec = json.dumps({"text": f"{P1}\nShare this article\n{P2}\n"}) + "\n"
    src.write_text(rec * 200_000)
    out = tmp_path / "out.jsonl"
    p = subprocess.Popen([sys.executable, "-m", "cleaner", "clean", "--jsonl", "--workers", "2", str(src),
                          "-o", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".cleaner-*.tmp")) and time.monotonic() < deadline and p.poll() is None:
        time.sleep(0.02)
    assert p.poll() is None, "finished before it could be stopped"
    p.send_signal(signal.SIGTERM)
    err = p.communicate(timeout=60)[1].decode()
    assert p.returncode == 143, err
    assert err.strip() == "cleaner: terminated"
    assert sorted(x.name for x in tmp_path.iterdir()) == ["big.jsonl"]


# --- fix: links, permissions, emptied files -------------------------------------------------------

def test_fix_refuses_a_symlink_leaving_the_tree_unless_asked(tmp_path: Path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(SEED.read_bytes())
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "inside.txt").write_bytes(SEED.read_bytes())
    (tree / "link.txt").symlink_to(outside)
    (tree / "near.txt").symlink_to(tree / "inside.txt")  # inside the tree: written through
    r = run_cli("fix", str(tree))
    err = r.stderr.decode()
    assert r.returncode == 2, err
    assert err.count("\n") == 1 and "link.txt: not written: a symbolic link" in err and "--follow-symlinks-out" in err
    assert outside.read_bytes() == SEED.read_bytes()
    assert (tree / "inside.txt").read_bytes() == EXPECTED.read_bytes()
    r = run_cli("fix", "--follow-symlinks-out", str(tree))
    assert r.returncode == 1, r.stderr
    assert outside.read_bytes() == EXPECTED.read_bytes() and (tree / "link.txt").is_symlink()


def test_fix_refuses_to_break_a_hard_link_unless_asked(tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_bytes(SEED.read_bytes())
    other = tmp_path / "other-name.md"
    os.link(f, other)
    r = run_cli("fix", str(f))
    assert r.returncode == 2 and "2 hard links" in r.stderr.decode() and "--break-hardlinks" in r.stderr.decode()
    assert f.read_bytes() == SEED.read_bytes() and f.stat().st_nlink == 2
    r = run_cli("fix", "--break-hardlinks", str(f))
    assert r.returncode == 1 and f.read_bytes() == EXPECTED.read_bytes()
    assert other.read_bytes() == SEED.read_bytes()


def test_fix_refuses_a_read_only_file_unless_asked(tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_bytes(SEED.read_bytes())
    f.chmod(0o444)
    r = run_cli("fix", str(f))
    assert r.returncode == 2 and "no write permission" in r.stderr.decode()
    assert f.read_bytes() == SEED.read_bytes()
    r = run_cli("fix", "--force-readonly", str(f))
    assert r.returncode == 1 and f.read_bytes() == EXPECTED.read_bytes()
    assert stat.S_IMODE(f.stat().st_mode) == 0o444


def test_fix_refuses_to_empty_a_file_unless_asked(tmp_path: Path):
    f = tmp_path / "caps.txt"
    text = "ADVERTISEMENT\nSHARE THIS ARTICLE\nREAD MORE\n"
    f.write_text(text)
    probe = run_cli("clean", str(f))
    assert probe.returncode == 0 and probe.stdout.strip() == b"", "the probe text must clean to nothing"
    r = run_cli("fix", str(f))
    assert r.returncode == 2 and "removes every line" in r.stderr.decode() and "--allow-empty" in r.stderr.decode()
    assert f.read_text() == text
    r = run_cli("fix", "--allow-empty", str(f))
    assert r.returncode == 1 and f.read_text().strip() == ""


# --- compressed streams cut short ---------------------------------------------------------------

def _records(n: int) -> bytes:
    return b"".join(json.dumps({"id": i, "text": f"{P1} ({i})\n{P2}\n"}).encode() + b"\n" for i in range(n))


def _zstd_blocks(data: bytes) -> list[int]:
    """Where each block of a one-frame zstd stream ends (the offsets a cut can fall on)."""
    from cleaner.streams import ZstdFrames

    cut, frames = [], ZstdFrames()
    for i in range(1, len(data)):
        frames.feed(data[i - 1:i])
        if frames.state == "block" and not frames.head and not frames.skip:
            cut.append(i)
    return cut


def test_zstd_cut_at_a_block_boundary_is_an_error_naming_the_file(tmp_path: Path):
    import zstandard

    data = zstandard.ZstdCompressor(level=3).compress(_records(20_000))
    ends = _zstd_blocks(data)
    assert len(ends) > 2
    cut = tmp_path / "cut.jsonl.zst"
    cut.write_bytes(data[: ends[len(ends) // 2]])
    for on_error in ("fail", "skip"):
        r = run_cli("clean", "--jsonl", "--on-error", on_error, str(cut), "-o", str(tmp_path / "o.jsonl"))
        err = r.stderr.decode()
        assert r.returncode == 2 and f"{cut}: truncated" in err and err.count("\n") == 1, err
        assert not (tmp_path / "o.jsonl").exists()


def test_zstd_cut_mid_frame_is_an_error_even_when_skipping_bad_records(tmp_path: Path):
    import zstandard

    data = zstandard.ZstdCompressor(level=3).compress(_records(20_000))
    cut = tmp_path / "cut.jsonl.zst"
    cut.write_bytes(data[: len(data) // 2 + 7])
    r = run_cli("clean", "--jsonl", "--on-error", "skip", str(cut), "-o", str(tmp_path / "o.jsonl"))
    assert r.returncode == 2 and f"{cut}: truncated" in r.stderr.decode()
    r = run_cli("learn", "--jsonl", str(cut))
    assert r.returncode == 2 and f"{cut}: truncated" in r.stderr.decode()


def test_gzip_cut_short_is_an_error_naming_the_file(tmp_path: Path):
    data = gzip.compress(_records(5_000))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    r = run_cli("clean", "--jsonl", "--on-error", "skip", str(cut), "-o", str(tmp_path / "o.jsonl"))
    assert r.returncode == 2 and f"{cut}: truncated" in r.stderr.decode()


def test_complete_multi_frame_zstd_reads_whole(tmp_path: Path):
    import zstandard

    a, b = _records(300), _records(5)
    f = tmp_path / "two.jsonl.zst"
    f.write_bytes(zstandard.ZstdCompressor(write_checksum=True).compress(a)
                  + zstandard.ZstdCompressor(write_content_size=False).compress(b))
    r = run_cli("clean", "--jsonl", "--workers", "1", str(f), "-o", str(tmp_path / "o.jsonl"))
    assert r.returncode == 0, r.stderr
    assert len((tmp_path / "o.jsonl").read_bytes().splitlines()) == 305


# --- records: unencodable text, numbers, size ---------------------------------------------------

def test_lone_surrogate_follows_on_error(tmp_path: Path):
    f = tmp_path / "s.jsonl"
    good = json.dumps({"text": f"{P1}\nShare this article\n"})
    bad = '{"text": "' + P1 + '\\ud800\\nShare this article\\n"}'
    f.write_text(good + "\n" + bad + "\n" + good + "\n")
    out = tmp_path / "o.jsonl"
    r = run_cli("clean", "--jsonl", str(f), "-o", str(out))
    err = r.stderr.decode()
    assert r.returncode == 2 and f"{f}:2: " in err and "lone surrogate" in err and "internal error" not in err
    r = run_cli("clean", "--jsonl", "--on-error", "skip", str(f), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert len(out.read_bytes().splitlines()) == 2
    r = run_cli("clean", "--jsonl", "--on-error", "keep", str(f), "-o", str(out))
    assert r.returncode == 0 and out.read_bytes().splitlines()[1] == bad.encode()


def test_numbers_are_written_back_as_written(tmp_path: Path):
    f = tmp_path / "n.jsonl"
    f.write_text('{"big": 1e999, "neg": -1E+400, "p": 1.10, "i": 12345678901234567890123, '
                 '"deep": [0.5, {"x": 2.50e-3}], "text": "' + P1 + '\\nShare this article\\n"}\n')
    r = run_cli("clean", "--jsonl", "--explain-field", "why", str(f))
    assert r.returncode == 0, r.stderr
    line = r.stdout.decode()
    assert '"big": 1e999' in line and '"neg": -1E+400' in line and '"p": 1.10' in line
    assert '"deep": [0.5, {"x": 2.50e-3}]' in line and "Infinity" not in line
    json.loads(line, parse_constant=lambda c: pytest.fail(f"not JSON: {c}"))


def test_a_record_over_the_size_limit_follows_on_error(tmp_path: Path):
    f = tmp_path / "big.jsonl"
    small = json.dumps({"text": f"{P1}\nShare this article\n"})
    huge = json.dumps({"text": P1 + " word" * 400_000})  # 2 MB
    f.write_text(f"{small}\n{huge}\n{small}\n")
    out = tmp_path / "o.jsonl"
    r = run_cli("clean", "--jsonl", "--max-record-mb", "1", str(f), "-o", str(out))
    assert r.returncode == 2 and f"{f}:2: record longer than the limit of 1 MB" in r.stderr.decode()
    assert not out.exists()
    r = run_cli("clean", "--jsonl", "--max-record-mb", "1", "--on-error", "skip", str(f), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert f"{f}:2: record longer" in r.stderr.decode() and len(out.read_bytes().splitlines()) == 2
    r = run_cli("clean", "--jsonl", "--max-record-mb", "1", "--on-error", "keep", str(f), "-o", str(out))
    assert r.returncode == 2 and "cannot be kept" in r.stderr.decode()
    assert run_cli("clean", "--jsonl", "--max-record-mb", "3", str(f), "-o", str(out)).returncode == 0


def test_a_zstd_bomb_record_is_read_past_in_bounded_memory(tmp_path: Path):
    import zstandard

    f = tmp_path / "bomb.jsonl.zst"
    with open(f, "wb") as raw, zstandard.ZstdCompressor(level=19).stream_writer(raw) as w:
        w.write(b'{"text": "')
        for _ in range(400):
            w.write(b"a" * (1 << 20))
        w.write(b'"}\n' + json.dumps({"text": P1}).encode() + b"\n")
    assert f.stat().st_size < 200_000
    code = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.stderr.write(r.stderr.decode()); "
            "sys.exit(r.returncode)")
    r = subprocess.run([sys.executable, "-c", code, sys.executable, "-m", "cleaner", "clean", "--jsonl",
                        "--workers", "1", "--max-record-mb", "16", "--on-error", "skip", str(f),
                        "-o", str(tmp_path / "o.jsonl")], capture_output=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "o.jsonl").read_bytes() == json.dumps({"text": P1}).encode() + b"\n"
    rss_mb = int(r.stdout.split()[-1]) / 1024
    assert rss_mb < 300, rss_mb  # the 400 MB record is never held: a few copies of the 16 MB limit at most


# --- bad options and hostile rule directories ----------------------------------------------------

def _one_line(r: subprocess.CompletedProcess, *want: str) -> None:
    err = r.stderr.decode()
    assert r.returncode == 2 and err.count("\n") == 1 and err.startswith("cleaner: "), err
    assert "internal error" not in err and all(w in err for w in want), err


def test_empty_split_docs_separator_is_a_clear_error(tmp_path: Path):
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"text": P1}) + "\n")
    _one_line(run_cli("clean", "--jsonl", "--split-docs", "", str(f)), "--split-docs")
    _one_line(run_cli("learn", "--jsonl", "--split-docs", "", str(f)), "--split-docs")


def test_deeply_nested_toml_and_json_are_clear_errors(tmp_path: Path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "deep.toml").write_text("x = " + "[" * 5000 + "]" * 5000 + "\n")
    _one_line(run_cli("clean", "--rules", str(rules), str(SEED)), "nested too deeply")
    f = tmp_path / "deep.jsonl"
    f.write_text('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}\n" + json.dumps({"text": P1}) + "\n")
    r = run_cli("clean", "--jsonl", "--on-error", "skip", str(f))
    assert r.returncode == 0 and b":1: JSON nested too deeply" in r.stderr, r.stderr


def test_a_fifo_among_rule_packs_is_refused_not_waited_on(tmp_path: Path):
    rules = tmp_path / "rules"
    rules.mkdir()
    os.mkfifo(rules / "x.toml")
    r = run_cli("clean", "--rules", str(rules), str(SEED))  # run_cli's timeout turns a hang into a failure
    _one_line(r, "x.toml", "not a regular file")


# --- warnings in every mode ---------------------------------------------------------------------

def _slow_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "slow.toml").write_text('[pack]\nname = "slow"\n\n[[rule]]\nid = "exes"\nkind = "line"\n'
                                     "family = \"other\"\nmessage = \"m\"\npattern = '.*x.*x.*x.*y'\n")  # polynomial: loads, then times out
    return rules


def test_timeouts_are_reported_by_jsonl_fix_and_check(tmp_path: Path):
    rules = _slow_rules(tmp_path)
    slow_text = f"{P1}\nxxxy{'x' * 20000}\nShare this article\n"
    f = tmp_path / "a.jsonl"
    f.write_text("".join(json.dumps({"text": t}) + "\n" for t in (slow_text, P1 + "\n", slow_text)))
    r = run_cli("clean", "--jsonl", "--workers", "1", "--rules", str(rules), str(f), "-o", str(tmp_path / "o.jsonl"))
    err = r.stderr.decode()
    assert r.returncode == 0, err
    assert "warnings in 2 documents" in err
    assert "cleaner: warning: 2 documents: rule slow/exes" in err and "timed out" in err
    d = tmp_path / "docs"
    d.mkdir()
    (d / "slow.txt").write_text(slow_text)
    (d / "fine.txt").write_text(P1 + "\n")
    for cmd in ("check", "fix"):
        r = run_cli(cmd, "--rules", str(rules), str(d))
        err = r.stderr.decode()
        assert r.returncode == 1, err
        assert err.count("\n") == 1 and f"cleaner: warning: {d / 'slow.txt'}: rule slow/exes" in err, err


# --- the per-document time budget for rule searches ------------------------------------------------

def _budget_rules(tmp_path: Path) -> Path:
    """A pack whose pattern passes the load-time structure check (polynomial, no nested or
    overlapping unbounded repetition) but takes seconds on a long line of digits."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "slow.toml").write_text('[pack]\nname = "slow"\n\n[[rule]]\nid = "digits"\nkind = "line"\n'
                                     "family = \"other\"\nmessage = \"m\"\npattern = '\\d+\\d+\\d+(?=z)'\n")
    return rules


def _budget_text() -> str:
    # Each digit line costs the slow rule far more than the budget below on any machine (about
    # 5 s here); the menu, the ad marker and the share prompt are for the other rules and the
    # heuristics.
    digits = "".join(f"{'1' * 1000} z{k}\n" for k in range(20))
    return f"Home\nNews\nSport\nWeather\nAdvertisement\n{P1}\n{digits}{P2}\n{P1} {P2}\nShare this article\n"


def test_document_time_budget_skips_the_rules_left_and_keeps_the_rest(tmp_path: Path):
    """Once a document's rule searches have taken its budget, the rules not yet applied are
    skipped with a warning; what the rules before them removed stays, the heuristics run.
    The budget here (MATCH_TIMEOUT_S, for a document under a million characters) is below
    the per-search limit from the first search of the slow rule, so it is the budget that
    stops it, whatever the machine's speed."""
    from cleaner import Cleaner
    from cleaner.kinds import MATCH_TIMEOUT_S
    from cleaner.kinds import budget_warning

    result = Cleaner(rule_dirs=[_budget_rules(tmp_path)], regex_budget=MATCH_TIMEOUT_S).clean(_budget_text())
    assert result.warnings == (budget_warning(MATCH_TIMEOUT_S),)  # the budget, not a per-search timeout
    rules = {d.rule for d in result.removed}
    assert "slow/digits" not in rules
    assert "general/ad-marker" in rules  # a built-in rule, applied before the slow one
    assert any(r.startswith("heuristic/") for r in rules)  # the heuristics ran
    assert P2 in result.text


def test_document_time_budget_is_reported_in_every_mode(tmp_path: Path):
    rules = _budget_rules(tmp_path)
    budget = ["--rules", str(rules), "--regex-budget", "0.05"]
    f = tmp_path / "slow.txt"
    f.write_text(_budget_text())
    r = run_cli("clean", *budget, str(f))
    assert r.returncode == 0 and b"warning: rule searches ran out of this document's time budget" in r.stderr
    r = run_cli("clean", "--explain", *budget, str(f))
    assert r.returncode == 0 and b"warning: rule searches ran out" in r.stdout
    j = tmp_path / "a.jsonl"
    j.write_text("".join(json.dumps({"text": t}) + "\n" for t in (_budget_text(), P1 + "\n", _budget_text())))
    r = run_cli("clean", "--jsonl", "--workers", "1", *budget, str(j), "-o", str(tmp_path / "o.jsonl"))
    err = r.stderr.decode()
    assert r.returncode == 0 and "warnings in 2 documents" in err
    assert "cleaner: warning: 2 documents: rule searches ran out" in err
    for cmd in ("check", "fix"):
        r = run_cli(cmd, *budget, str(f))
        err = r.stderr.decode()
        assert f"cleaner: warning: {f}: rule searches ran out" in err, err
    r = run_cli("clean", "--regex-budget", "0", str(f))
    assert r.returncode == 2 and r.stderr.decode().count("\n") == 1 and "--regex-budget" in r.stderr.decode()


def test_a_text_input_longer_than_the_record_limit_is_refused_unread(tmp_path: Path):
    """A text file is one record: longer than --max-record-mb it is refused with one line
    (exit 2) by clean, check and fix, from a file or stdin, and left as it was; the other
    files of a fix are still cleaned."""
    big = tmp_path / "big.txt"
    big.write_text(f"Share this article\n{P1}\n" * 12_000)  # about 1.3 MB
    small = tmp_path / "small.txt"
    small.write_text(f"Share this article\n{P1}\n")
    before = big.read_bytes()
    out = tmp_path / "out.txt"
    for args in (["clean", str(big), "-o", str(out)], ["check", str(big)], ["fix", str(tmp_path)]):
        r = run_cli(*args, "--max-record-mb", "1")
        err = r.stderr.decode()
        assert r.returncode == 2 and f"{big}: 1.3 MB, more than the limit of 1 MB (--max-record-mb)" in err, err
        assert err.count("\n") == 1
    assert big.read_bytes() == before and not out.exists() and small.read_text() == f"{P1}\n"
    r = run_cli("clean", "--max-record-mb", "1", input=before)
    assert r.returncode == 2 and b"<stdin>: more than the limit of 1 MB" in r.stderr and r.stdout == b""
    assert run_cli("clean", str(big), "-o", str(out), "--max-record-mb", "2").returncode == 0
