"""The Hugging Face `datasets` recipe: a batched map that cleans like the library, and whose
fingerprint is stable, so that `datasets` caches it (no random hash)."""
from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
datasets = pytest.importorskip("datasets")

from cleaner import clean  # noqa: E402
from cleaner.hf import CleanColumns  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "seeds").glob("*.txt"))
         if ".expected" not in p.name]


def _hash(fn) -> str:
    from datasets.fingerprint import Hasher
    return Hasher.hash(fn)


def test_fingerprint_is_the_same_before_and_after_use_and_in_another_process():
    fn = CleanColumns("text", explain_column="cleaner")
    before, raw = _hash(fn), pickle.dumps(fn)
    fn({"text": TEXTS[:2]})  # builds and uses the Cleaner inside
    assert _hash(fn) == before and pickle.dumps(fn) == raw
    code = ("from cleaner.hf import CleanColumns; from datasets.fingerprint import Hasher; "
            "print(Hasher.hash(CleanColumns('text', explain_column='cleaner')))")
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert other.stdout.strip() == before, other.stderr
    assert _hash(CleanColumns("text", disabled=["general/byline"])) != before  # options count


def test_batched_map_with_workers_cleans_like_the_library_and_is_cached(tmp_path: Path, caplog):
    src = datasets.Dataset.from_dict({"text": TEXTS * 3, "id": list(range(len(TEXTS) * 3))})
    src.save_to_disk(str(tmp_path / "ds"))
    ds = datasets.load_from_disk(str(tmp_path / "ds"))  # backed by files, so map caches
    fn = CleanColumns("text", output_column="clean", explain_column="cleaner")
    with caplog.at_level(logging.WARNING):
        out = ds.map(fn, batched=True, batch_size=4, num_proc=2)
    assert "random hash" not in caplog.text
    assert out["clean"] == [clean(t).text for t in TEXTS * 3]
    assert out["text"] == TEXTS * 3 and out["id"] == list(range(len(TEXTS) * 3))
    removed = [[(d.line, d.rule) for d in clean(t).removed if d.text.strip()] for t in TEXTS * 3]
    assert [[(e["line"], e["rule"]) for e in row] for row in out["cleaner"]] == removed
    again = ds.map(CleanColumns("text", output_column="clean", explain_column="cleaner"),
                   batched=True, batch_size=4, num_proc=2)
    assert again._fingerprint == out._fingerprint
    assert [f["filename"] for f in again.cache_files] == [f["filename"] for f in out.cache_files]
