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
        data = unzstd(data)
    return [json.loads(line) for line in data.decode().splitlines()]


def unzstd(data: bytes) -> bytes:
    """Every frame of a zstd stream, decompressed (an output is one frame per piece)."""
    import io

    import zstandard
    return zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data), read_across_frames=True).read()


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



# --- workers that read, clean and write their own pieces ----------------------------------------

import os  # noqa: E402
import random  # noqa: E402

from cleaner import cli, jsonl, streams  # noqa: E402


def _cut_everywhere_data() -> list[bytes]:
    """Streams with what a cut can land on: CRLF, blank lines, a last line without newline,
    a line longer than the limit used (40 bytes), a newline as the first and last byte."""
    long = b"x" * 100
    return [b"", b"\n", b"a", b"a\n", b"\n\nab\r\n\r\n" + long + b"\ncd", b"one\r\ntwo\n\nthree\r\n" + long,
            b"\n" + long + b"\n" + long + b"\n\n", bytes(random.Random(7).choice(b"ab\n\r") for _ in range(300))]


@pytest.mark.parametrize("data", _cut_everywhere_data())
def test_byte_ranges_cut_anywhere_give_each_line_to_exactly_one_range(data: bytes):
    import io
    whole = [raw for _, raw in streams.lines(io.BytesIO(data), 40)]
    rng = random.Random(len(data))
    cuts = [[], *([k] for k in range(1, len(data))),
            *(sorted(rng.sample(range(1, len(data)), min(len(data) - 1, n))) for n in (3, 10, 50) if len(data) > 1)]
    for inner in cuts:
        bounds = [0, *inner, len(data)]
        got = [raw for a, b in zip(bounds, bounds[1:]) for raw in streams.range_lines(io.BytesIO(data), a, b, 40)]
        assert got == whole, inner


@pytest.mark.parametrize("data", _cut_everywhere_data())
@pytest.mark.parametrize("block", [1, 2, 7, 64])
def test_blocks_of_a_stream_hold_its_lines_a_line_over_the_limit_cut_out(data: bytes, block: int):
    import io
    whole = [raw for _, raw in streams.lines(io.BytesIO(data), 40)]
    got: list[bytes | None] = []
    for chunk, cut in streams.blocks(io.BytesIO(data), block, 40):
        got += [raw for _, raw in streams.lines(io.BytesIO(chunk), 40)] + ([None] if cut else [])
    assert got == whole


def split_records() -> bytes:
    """Records of mixed sizes (short ones, whole seed pages), CRLF endings, blank lines, and a
    last record without a newline: what byte ranges cut across."""
    out = []
    for i in range(60):
        text = SEED_TEXTS[i % 5] if i % 4 == 0 else f"Short body line {i}, which stays.\nShare this article"
        line = json.dumps({"id": i, "text": text}, ensure_ascii=i % 3 == 0).encode()
        out.append(line + (b"\r\n" if i % 7 == 3 else b"\n"))
        if i % 11 == 5:
            out.append(b"\n" if i % 2 else b"  \r\n")
    return b"".join(out)[:-1]


def clean_in_process(capsys, *args: str) -> tuple[int, str]:
    """`cleaner clean ...` in this process (so a test can set the piece size, or make a worker
    die; forked workers inherit it): exit status and stderr."""
    code = cli.main(["clean", *args])
    return code, capsys.readouterr().err


def test_byte_range_pieces_give_the_same_bytes_for_1_2_3_workers(tmp_path: Path, capsys, monkeypatch):
    src = tmp_path / "in.jsonl"
    src.write_bytes(split_records())
    want, page = tmp_path / "want.jsonl", tmp_path / "want.html"
    assert clean_in_process(capsys, "--jsonl", str(src), "-o", str(want), "--workers", "1",
                            "--explain-field", "why", "--report", str(page))[0] == 0  # one piece: under 1 MiB
    assert want.read_bytes().count(b"\n") == 60 + 5  # blank lines are passed through
    for size in (61, 997, 5000):
        monkeypatch.setattr(jsonl, "piece_bytes", lambda _, size=size: size, raising=False)
        for workers in ("1", "2", "3"):
            out = tmp_path / f"out-{size}-{workers}.jsonl"
            code, err = clean_in_process(capsys, "--jsonl", str(src), "-o", str(out), "--workers", workers,
                                         "--explain-field", "why", "--report", str(tmp_path / "page.html"))
            assert code == 0, err
            assert "cleaner: 65 records" in err  # blank lines counted, as ever
            assert out.read_bytes() == want.read_bytes(), (size, workers)
            # the report names each document by its line: the same page
            assert (tmp_path / "page.html").read_bytes() == page.read_bytes(), (size, workers)
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".cleaner-")) == []


@pytest.mark.parametrize("ext", [".gz", ".zst"])
def test_one_compressed_stream_is_fed_in_blocks_the_same_bytes_for_any_workers(tmp_path: Path, capsys,
                                                                                 monkeypatch, ext: str):
    plain = split_records()
    src = tmp_path / f"in.jsonl{ext}"
    src.write_bytes(gzip.compress(plain) if ext == ".gz" else __import__("zstandard").ZstdCompressor().compress(plain))
    (tmp_path / "in.jsonl").write_bytes(plain)
    want = tmp_path / "want.jsonl"
    clean_in_process(capsys, "--jsonl", str(tmp_path / "in.jsonl"), "-o", str(want), "--workers", "1")
    monkeypatch.setattr(jsonl, "BLOCK_BYTES", 500, raising=False)
    compressed = set()
    for workers in ("1", "2", "3"):
        out, packed = tmp_path / f"out{workers}.jsonl", tmp_path / f"out{workers}.jsonl{ext}"
        assert clean_in_process(capsys, "--jsonl", str(src), "-o", str(out), "--workers", workers)[0] == 0
        assert out.read_bytes() == want.read_bytes()
        assert clean_in_process(capsys, "--jsonl", str(src), "-o", str(packed), "--workers", workers)[0] == 0
        data = packed.read_bytes()
        assert (gzip.decompress(data) if ext == ".gz" else unzstd(data)) == want.read_bytes()
        compressed.add(data)
    assert len(compressed) == 1  # compressed pieces too: the same bytes for any number of workers


def test_many_files_spread_over_workers_into_an_output_dir(tmp_path: Path, capsys, monkeypatch):
    import zstandard

    data = split_records()
    lines = data.splitlines(keepends=True)
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    (inputs / "a.jsonl").write_bytes(data)
    (inputs / "b.jsonl.gz").write_bytes(gzip.compress(b"".join(lines[:30])))
    (inputs / "sub" / "c.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(b"".join(lines[20:])))
    (inputs / "empty.jsonl").write_bytes(b"")
    (inputs / "notes.txt").write_bytes(b"not JSONL: left alone")
    alone = tmp_path / "alone.jsonl"
    alone.write_bytes(b"".join(lines[:12]))
    monkeypatch.setattr(jsonl, "piece_bytes", lambda _: 2000, raising=False)
    got = []
    for workers in ("1", "2", "3"):
        out = tmp_path / f"out{workers}"
        code, err = clean_in_process(capsys, "--jsonl", str(inputs), str(alone), "--output-dir", str(out),
                                     "--workers", workers)
        assert code == 0, err
        names = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
        assert names == ["a.jsonl", "alone.jsonl", "b.jsonl.gz", "empty.jsonl", "sub/c.jsonl.zst"]
        got.append({name: (out / name).read_bytes() for name in names})
    assert got[0] == got[1] == got[2]
    for name, source in (("a.jsonl", inputs / "a.jsonl"), ("alone.jsonl", alone)):  # as each file alone
        one = tmp_path / f"one-{name}"
        clean_in_process(capsys, "--jsonl", str(source), "-o", str(one), "--workers", "1")
        assert got[0][name] == one.read_bytes()
    assert got[0]["empty.jsonl"] == b""
    cleaned = got[0]["a.jsonl"].splitlines(keepends=True)
    assert gzip.decompress(got[0]["b.jsonl.gz"]) == b"".join(cleaned[:30])
    assert unzstd(got[0]["sub/c.jsonl.zst"]) == b"".join(cleaned[20:])


def test_with_several_files_a_bad_one_is_reported_and_the_others_written(tmp_path: Path, capsys):
    good, bad, out = tmp_path / "good.jsonl", tmp_path / "bad.jsonl", tmp_path / "out"
    cut = tmp_path / "cut.jsonl.gz"
    good.write_bytes(split_records())
    bad.write_bytes(BAD)
    cut.write_bytes(gzip.compress(split_records())[:-30])
    out.mkdir()
    (out / "bad.jsonl").write_bytes(b"previous\n")
    for workers in ("1", "2"):
        code, err = clean_in_process(capsys, "--jsonl", str(bad), str(cut), str(good), "--output-dir", str(out),
                                     "--workers", workers)
        assert code == 2 and f"cleaner: {bad}:2: malformed JSON" in err
        assert f"cleaner: {cut}: truncated" in err
        assert (out / "bad.jsonl").read_bytes() == b"previous\n" and (out / "good.jsonl").stat().st_size > 0
        assert sorted(p.name for p in out.iterdir()) == ["bad.jsonl", "good.jsonl"]


def test_on_error_line_numbers_count_the_lines_of_the_pieces_before(tmp_path: Path, capsys, monkeypatch):
    lines = []
    bad_at = []
    for i in range(1, 121):
        if i % 13 == 0 or i in (1, 2, 119):
            lines.append(b'{"text": broken}' if i % 2 else b'{"other": 1}')
            bad_at.append(i)
        elif i % 17 == 0:
            lines.append(b"")
        else:
            lines.append(json.dumps({"text": f"Body line {i} of the story.\nShare this article"}).encode())
    src = tmp_path / "bad.jsonl"
    src.write_bytes(b"\r\n".join(lines))  # CRLF, and no newline after the last
    for size in (50, 333, 10**6):
        monkeypatch.setattr(jsonl, "piece_bytes", lambda _, size=size: size, raising=False)
        for workers in ("1", "2", "3"):
            code, err = clean_in_process(capsys, "--jsonl", str(src), "-o", str(tmp_path / "o.jsonl"),
                                         "--on-error", "skip", "--workers", workers)
            assert code == 0, err
            reported = [int(x.split(":")[2]) for x in err.splitlines() if x.startswith(f"cleaner: {src}:")]
            assert reported == bad_at, (size, workers)
            assert len((tmp_path / "o.jsonl").read_bytes().splitlines()) == 120 - len(bad_at)
            code, err = clean_in_process(capsys, "--jsonl", str(src), "-o", str(tmp_path / "f.jsonl"),
                                         "--workers", workers)
            assert code == 2 and err.startswith(f"cleaner: {src}:1: malformed JSON")
    monkeypatch.setattr(jsonl, "piece_bytes", lambda _: 200, raising=False)
    src.write_bytes(b"\n".join(x for x in lines if x not in (b'{"text": broken}', b'{"other": 1}')) + b"\n{oops\n")
    code, err = clean_in_process(capsys, "--jsonl", str(src), "-o", str(tmp_path / "f.jsonl"), "--workers", "3")
    assert code == 2 and f"{src}:{120 - len(bad_at) + 1}: malformed JSON" in err
    assert not (tmp_path / "f.jsonl").exists()


def test_a_record_over_the_limit_stops_the_run_at_its_line_in_a_later_piece(tmp_path: Path, capsys, monkeypatch):
    small = json.dumps({"text": "A body line that stays."}).encode() + b"\n"
    src = tmp_path / "big.jsonl"
    src.write_bytes(small * 300 + json.dumps({"text": "word " * 300_000}).encode() + b"\n" + small * 5)
    monkeypatch.setattr(jsonl, "piece_bytes", lambda _: 1000, raising=False)
    out = tmp_path / "o.jsonl"
    for workers in ("1", "2"):
        code, err = clean_in_process(capsys, "--jsonl", str(src), "-o", str(out), "--max-record-mb", "1",
                                     "--workers", workers)
        assert code == 2 and f"{src}:301: record longer than the limit of 1 MB" in err
        assert not out.exists()
        code, err = clean_in_process(capsys, "--jsonl", str(src), "-o", str(out), "--max-record-mb", "1",
                                     "--on-error", "skip", "--workers", workers)
        assert code == 0 and f"{src}:301: record longer" in err and out.read_bytes() == small * 305
        out.unlink()


def _dies_on(marker: bytes, main_pid: int):
    real = jsonl.process_record

    def process_record(cleaner, settings, line_no, raw):
        if raw is not None and marker in raw and os.getpid() != main_pid:
            os._exit(9)  # a worker killed mid-file (the OOM killer, a crash in C)
        return real(cleaner, settings, line_no, raw)
    return process_record


@pytest.mark.parametrize("ext", ["", ".gz"])
def test_a_worker_dying_mid_file_fails_the_run_leaving_no_output(tmp_path: Path, capsys, monkeypatch, ext: str):
    data = split_records().replace(b'"id": 40,', b'"id": 40, "die": "DIE",')
    assert b"DIE" in data
    src = tmp_path / f"in.jsonl{ext}"
    src.write_bytes(gzip.compress(data) if ext else data)
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"previous\n")
    monkeypatch.setattr(jsonl, "piece_bytes", lambda _: 3000, raising=False)
    monkeypatch.setattr(jsonl, "BLOCK_BYTES", 3000, raising=False)
    monkeypatch.setattr(jsonl, "process_record", _dies_on(b"DIE", os.getpid()))
    code, err = clean_in_process(capsys, "--jsonl", str(src), "-o", str(out), "--workers", "2")
    assert code == 2
    assert err.startswith("cleaner: a worker process died while cleaning (worker process ")
    assert "exit code 9" in err and "internal error" not in err and err.count("\n") == 1
    assert out.read_bytes() == b"previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([src.name, "out.jsonl"])


def test_the_main_process_reads_and_cleans_no_record_of_a_plain_file(tmp_path: Path, capsys, monkeypatch):
    """The workers read their ranges and clean them; the main process only plans and joins."""
    log = tmp_path / "pids"
    real_range, real_process = jsonl.range_lines, jsonl.process_record

    def logged(fn, what):
        def wrapper(*args, **kwargs):
            with open(log, "a") as fh:
                fh.write(f"{what} {os.getpid()}\n")
            return fn(*args, **kwargs)
        return wrapper
    monkeypatch.setattr(jsonl, "range_lines", logged(real_range, "read"))
    monkeypatch.setattr(jsonl, "process_record", logged(real_process, "clean"))
    monkeypatch.setattr(jsonl, "piece_bytes", lambda _: 2000)
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(split_records())
    code, err = clean_in_process(capsys, "--jsonl", str(src), "-o", str(out), "--workers", "2")
    assert code == 0, err
    seen = [line.split() for line in log.read_text().splitlines()]
    assert {what for what, _ in seen} == {"read", "clean"}
    pids = {int(pid) for _, pid in seen}
    assert os.getpid() not in pids and len(pids) == 2


def test_a_plain_file_to_stdout_with_workers_is_joined_in_order(tmp_path: Path):
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(split_records())
    assert run_cli("clean", "--jsonl", str(src), "-o", str(out), "--workers", "1", "--quiet").returncode == 0
    r = run_cli("clean", "--jsonl", str(src), "--workers", "2", "--quiet")
    assert r.returncode == 0 and r.stdout == out.read_bytes()


def test_a_piece_file_that_cannot_be_made_is_one_line_naming_the_output(tmp_path: Path, capsys, monkeypatch):
    import errno

    def refused(directory):
        raise PermissionError(errno.EACCES, "Permission denied")
    monkeypatch.setattr(jsonl, "make_temp", refused)
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_bytes(split_records())
    code, err = clean_in_process(capsys, "--jsonl", str(src), "-o", str(out), "--workers", "2")
    assert code == 2 and err == f"cleaner: {out}: cannot write: Permission denied\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]
