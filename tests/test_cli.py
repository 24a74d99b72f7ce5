"""The command through a real subprocess: exit codes, outputs, bad inputs, safe rewrites."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

from conftest import SEEDS, run_cli

SEED = SEEDS / "004_8b3e18fa1e927333.txt"
EXPECTED = SEEDS / "004_8b3e18fa1e927333.expected.txt"
BODY = "The council voted on Tuesday to close the library, despite a petition signed by residents.\n"


def test_clean_file_to_output_file(tmp_path: Path):
    out = tmp_path / "out.txt"
    r = run_cli("clean", str(SEED), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes() == EXPECTED.read_bytes()


def test_clean_stdin_to_stdout():
    r = run_cli("clean", "-", input=SEED.read_bytes())
    assert r.returncode == 0 and r.stdout == EXPECTED.read_bytes()


def test_explain_lists_each_removal_with_rule_pack_and_reason():
    r = run_cli("clean", "--explain", str(SEED))
    out = r.stdout.decode()
    assert r.returncode == 0
    assert f"{SEED}:3: bbc/caption-label [rules/bbc.toml]" in out
    assert f"{SEED}:75-77: bbc/related-links [rules/bbc.toml]" in out  # a section: its range, once
    assert "summary: 5 lines removed" in out and "3  bbc/caption-label" in out


def test_diff_is_a_unified_diff():
    r = run_cli("clean", "--diff", str(SEED))
    out = r.stdout.decode()
    assert out.startswith(f"--- {SEED}\n+++ {SEED}\n")  # an absolute path as given
    assert "-image captionAreas of the city" in out


def test_json_decisions_for_tools():
    r = run_cli("clean", "--format", "json", str(SEED))
    data = json.loads(r.stdout)
    assert data["site"] == "bbc"
    d3 = data["decisions"][2]
    assert d3 == {"line": 3, "kept": False, "rule": "bbc/caption-label", "source": "rules/bbc.toml",
                  "reason": d3["reason"], "family": "caption",
                  "text": "image captionAreas of the city of Homs have been heavily shelled for days, witnesses say"}
    assert data["decisions"][0]["kept"] is True


def test_fix_rewrites_in_place_and_exits_1_then_0(tmp_path: Path):
    d = tmp_path / "corpus" / "sub"
    d.mkdir(parents=True)
    (d / "a.txt").write_bytes(SEED.read_bytes())
    (d / "b.txt").write_bytes(EXPECTED.read_bytes())
    (d / "c.md").write_bytes(SEED.read_bytes())
    r = run_cli("fix", str(tmp_path / "corpus"))
    assert r.returncode == 1, r.stderr
    assert r.stdout.decode().splitlines() == [f"fixed {d / 'a.txt'} (5 lines removed)",
                                              "2 files checked, 1 changed, 5 lines removed"]
    assert (d / "a.txt").read_bytes() == EXPECTED.read_bytes()
    assert (d / "c.md").read_bytes() == SEED.read_bytes()  # not matched by the default glob
    r2 = run_cli("fix", str(tmp_path / "corpus"))
    assert r2.returncode == 0 and r2.stdout == b"2 files checked, 0 changed, 0 lines removed\n"
    r3 = run_cli("fix", "--glob", "*.md", str(tmp_path / "corpus"))
    assert r3.returncode == 1 and (d / "c.md").read_bytes() == EXPECTED.read_bytes()


def test_check_writes_nothing_and_exits_1(tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_bytes(SEED.read_bytes())
    r = run_cli("check", str(f))
    assert r.returncode == 1 and r.stdout.decode().startswith(f"would fix {f}")
    assert f.read_bytes() == SEED.read_bytes()
    f.write_bytes(EXPECTED.read_bytes())
    assert run_cli("check", str(f)).returncode == 0


def test_fix_leaves_unchanged_file_untouched(tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_bytes(EXPECTED.read_bytes())
    os.utime(f, (1_000_000_000, 1_000_000_000))
    assert run_cli("fix", str(f)).returncode == 0
    assert f.stat().st_mtime == 1_000_000_000


def test_fix_keeps_mode_bits(tmp_path: Path):
    f = tmp_path / "a.txt"
    f.write_bytes(SEED.read_bytes())
    f.chmod(0o640)
    assert run_cli("fix", str(f)).returncode == 1
    assert (f.stat().st_mode & 0o777) == 0o640


def _one_line_error(r: subprocess.CompletedProcess, code: int = 2) -> str:
    err = r.stderr.decode()
    assert r.returncode == code, (r.returncode, err)
    assert err.count("\n") == 1 and err.startswith("cleaner: "), err
    assert "Traceback" not in err
    return err


def test_bad_inputs_get_one_line_and_nonzero_exit(tmp_path: Path):
    assert "no such file" in _one_line_error(run_cli("clean", str(tmp_path / "missing.txt")))
    assert "is a directory" in _one_line_error(run_cli("clean", str(tmp_path)))
    assert "empty input" in _one_line_error(run_cli("clean", "-", input=b""))
    binary = tmp_path / "x.bin"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in _one_line_error(run_cli("clean", str(binary)))
    bad = tmp_path / "bad.txt"
    bad.write_bytes(BODY.encode() + b"caf\xe9\n")
    assert "invalid UTF-8 at byte" in _one_line_error(run_cli("clean", str(bad)))
    assert "cannot write" in _one_line_error(run_cli("clean", str(SEED), "-o", str(tmp_path / "no" / "dir" / "o.txt")))
    assert "is a directory" in _one_line_error(run_cli("clean", str(SEED), "-o", str(tmp_path)))
    assert "unknown site" in _one_line_error(run_cli("clean", str(SEED), "--site", "nowhere"))


def test_invalid_utf8_replaced_on_request_says_so(tmp_path: Path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(BODY.encode() + b"caf\xe9 is open again after repairs to its roof and walls.\n")
    r = run_cli("clean", "--invalid-utf8", "replace", str(bad))
    assert r.returncode == 0
    assert "replaced 1 invalid UTF-8 sequence" in r.stderr.decode()
    assert "caf\ufffd" in r.stdout.decode()


def test_malformed_rule_pack_is_one_line_naming_file_rule_line(tmp_path: Path):
    (tmp_path / "bad.toml").write_text('[pack]\nname = "bad"\n\n[[rule]]\nid = "x"\nkind = "line"\n'
                                       'family = "widget"\nmessage = "m"\npattern = "(unclosed"\n')
    err = _one_line_error(run_cli("clean", str(SEED), "--rules", str(tmp_path)))
    assert f"{tmp_path / 'bad.toml'}:9: rule 'x': invalid pattern" in err


def test_fix_interrupted_by_failing_write_leaves_original_byte_identical(tmp_path: Path):
    f = tmp_path / "a.txt"
    body = "".join(f"Paragraph {i}: the council met again on day {i} to discuss the library and its budget.\n"
                   for i in range(300))
    original = ("Advertisement\n" + body).encode()
    f.write_bytes(original)
    limit = 4096  # the cleaned output is far bigger than this: the write fails part-way (EFBIG)

    def cap():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    r = subprocess.run([sys.executable, "-m", "cleaner", "fix", str(f)], capture_output=True,
                       preexec_fn=cap, timeout=120)
    err = r.stderr.decode()
    assert r.returncode == 2 and "original left untouched" in err and "Traceback" not in err
    assert f.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]  # no temporary file left behind


def test_rules_list_and_validate(tmp_path: Path):
    r = run_cli("rules", "list")
    out = r.stdout.decode()
    assert r.returncode == 0 and "general/ad-marker" in out and "heuristic/second-copy" in out
    from cleaner.packs import builtin_dir
    ok = run_cli("rules", "validate", str(builtin_dir()))
    assert ok.returncode == 0 and b"rules OK" in ok.stdout
    (tmp_path / "p.toml").write_text('[pack]\nname = "p"\n\n[[rule]]\nid = "x"\nkind = "line"\nfamily = "widget"\n'
                                     'message = "m"\npattern = "^Ad$"\nexamples = ["Advert"]\n')
    bad = run_cli("rules", "validate", str(tmp_path))
    assert bad.returncode == 2 and "example does not match: 'Advert'" in bad.stderr.decode()


def test_rules_show_prints_the_documentation():
    r = run_cli("rules", "show", "heuristic/teaser-tail")
    assert r.returncode == 0 and b"Teaser lists at the tail" in r.stdout
    assert _one_line_error(run_cli("rules", "show", "nope/none"))
