"""JSONL streams: one record out per record in, same order and bytes for any worker count,
compressed shards, Multi-News documents, bad records, and the datatrove step."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cleaner import clean
from conftest import SEEDS, run_cli

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")) if ".expected" not in p.name]
EXPECTED = [clean(t).text for t in SEED_TEXTS]
SEP = "|||||"


def records(n: int) -> list[dict]:
    return [{"id": i, "text": SEED_TEXTS[i % 5], "meta": {"n": i, "é": [1, 2.5]}} for i in range(n)]


def write_jsonl(path: Path, recs: list[dict]) -> None:
    data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in recs).encode()
    if path.suffix == ".gz":
        data = gzip.compress(data)
    elif path.suffix == ".zst":
        import zstandard
        data = zstandard.ZstdCompressor().compress(data)
    path.write_bytes(data)


def read_jsonl(path: Path) -> list[dict]:
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    elif path.suffix == ".zst":
        import zstandard
        data = zstandard.ZstdDecompressor().decompressobj().decompress(data)
    return [json.loads(line) for line in data.decode().splitlines()]


def test_each_record_cleaned_other_fields_untouched_order_kept(tmp_path: Path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    recs = records(12)
    write_jsonl(src, recs)
    r = run_cli("clean", "--jsonl", "--field", "text", str(src), "-o", str(out), "--workers", "1")
    assert r.returncode == 0, r.stderr
    got = read_jsonl(out)
    assert [g["id"] for g in got] == list(range(12))
    for g, rec in zip(got, recs):
        assert g["text"] == EXPECTED[rec["id"] % 5]
        assert g["meta"] == rec["meta"]
    assert b"12 records" in r.stderr  # the summary line (stderr is not a terminal: no progress bar)


def test_output_bytes_identical_for_any_worker_count(tmp_path: Path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, records(400))
    outs = []
    for w in ("1", "2", "3"):
        out = tmp_path / f"out{w}.jsonl"
        r = run_cli("clean", "--jsonl", str(src), "-o", str(out), "--workers", w, "--explain-field", "cleaner")
        assert r.returncode == 0, r.stderr
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] == outs[2]


def test_unchanged_records_are_written_back_byte_for_byte(tmp_path: Path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    line = '{"text":  "A clean body line that stays, as prose does.",   "x" : 1.50}\n'
    src.write_text(line)
    assert run_cli("clean", "--jsonl", str(src), "-o", str(out)).returncode == 0
    assert out.read_text() == line


@pytest.mark.parametrize("ext", [".gz", ".zst"])
def test_compressed_shards_in_and_out(tmp_path: Path, ext: str):
    src, out = tmp_path / f"in.jsonl{ext}", tmp_path / f"out.jsonl{ext}"
    write_jsonl(src, records(7))
    r = run_cli("clean", "--jsonl", str(src), "-o", str(out), "--quiet")
    assert r.returncode == 0 and r.stderr == b""
    assert [g["text"] for g in read_jsonl(out)] == [EXPECTED[i % 5] for i in range(7)]


def test_stdin_to_stdout_and_gzip_stdin_is_recognised(tmp_path: Path):
    data = "".join(json.dumps(r) + "\n" for r in records(3)).encode()
    for payload in (data, gzip.compress(data)):
        r = run_cli("clean", "--jsonl", "-", "--quiet", input=payload)
        assert r.returncode == 0
        assert [json.loads(x)["text"] for x in r.stdout.decode().splitlines()] == EXPECTED[:3]


def test_multinews_documents_cleaned_one_by_one_separators_kept(tmp_path: Path):
    src, out = tmp_path / "mn.jsonl", tmp_path / "out.jsonl"
    field = SEP.join([SEED_TEXTS[0], "", SEED_TEXTS[4], " "])
    src.write_text(json.dumps({"document": field, "summary": "s"}) + "\n")
    r = run_cli("clean", "--jsonl", "--field", "document", "--split-docs", SEP, "--explain-field", "why",
                str(src), "-o", str(out))
    assert r.returncode == 0, r.stderr
    (got,) = read_jsonl(out)
    assert got["document"] == SEP.join([EXPECTED[0], "", EXPECTED[4], " "])
    assert got["summary"] == "s"
    assert {w["doc"] for w in got["why"]} == {0, 2}
    assert all(w["rule"] and w["reason"] and w["line"] for w in got["why"])


BAD = b'{"text": "fine line"}\n{bad json\n{"other": 1}\n{"text": 5}\n{"text": "last"}\n'


def test_bad_record_fails_with_line_number_and_leaves_output_alone(tmp_path: Path):
    src, out = tmp_path / "bad.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(BAD)
    out.write_bytes(b"previous contents\n")
    r = run_cli("clean", "--jsonl", str(src), "-o", str(out))
    err = r.stderr.decode()
    assert r.returncode == 2 and f"{src}:2: malformed JSON" in err and err.count("\n") == 1
    assert out.read_bytes() == b"previous contents\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl", "out.jsonl"]


def test_on_error_skip_and_keep(tmp_path: Path):
    src = tmp_path / "bad.jsonl"
    src.write_bytes(BAD)
    skip = run_cli("clean", "--jsonl", str(src), "--on-error", "skip")
    assert skip.returncode == 0
    assert [json.loads(x)["text"] for x in skip.stdout.decode().splitlines()] == ["fine line", "last"]
    err = skip.stderr.decode()
    assert ":2: malformed JSON" in err and ":3: no field 'text'" in err and ":4: field 'text' is a number" in err
    keep = run_cli("clean", "--jsonl", str(src), "--on-error", "keep", "--quiet")
    assert keep.returncode == 0 and keep.stdout == BAD


def test_fix_with_workers_reports_in_file_order(tmp_path: Path):
    for i in range(12):
        (tmp_path / f"f{i:02d}.txt").write_text(SEED_TEXTS[i % 5])
    r = run_cli("check", str(tmp_path), "--workers", "2")
    one = run_cli("check", str(tmp_path), "--workers", "1")
    assert r.returncode == one.returncode == 1 and r.stdout == one.stdout
    assert r.stdout.decode().splitlines()[0].startswith(f"would fix {tmp_path / 'f00.txt'}")


def test_datatrove_step_matches_the_library_call(tmp_path: Path):
    pytest.importorskip("datatrove")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter

    from cleaner.datatrove_step import CleanerStep

    src = tmp_path / "in"
    src.mkdir()
    for shard in range(2):
        write_jsonl(src / f"shard{shard}.jsonl", [{"id": f"{shard}-{i}", "text": SEED_TEXTS[(i + shard) % 5]}
                                                  for i in range(6)])
    out = tmp_path / "out"
    LocalPipelineExecutor(
        pipeline=[JsonlReader(str(src), compression=None), CleanerStep(), JsonlWriter(str(out), compression=None)],
        tasks=2, workers=2, logging_dir=str(tmp_path / "logs"), start_method="fork",
    ).run()
    got = {r["id"]: r["text"] for f in sorted(out.glob("*.jsonl")) for r in read_jsonl(f)}
    assert len(got) == 12
    for shard in range(2):
        for i in range(6):
            assert got[f"{shard}-{i}"] == clean(SEED_TEXTS[(i + shard) % 5]).text
