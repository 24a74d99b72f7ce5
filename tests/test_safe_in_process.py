"""The multi-pattern prefilter is safe in any process: importable before or after pyarrow
(which pandas and datasets load), usable from several threads at once, and a Cleaner that has
cleaned pickles to the same bytes as a fresh one (what datasets.map fingerprints)."""
from __future__ import annotations

import importlib.util
import pickle
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from cleaner import Cleaner
from conftest import ROOT, SEEDS

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt")) if ".expected" not in p.name]
CLEAN_ONE = "import cleaner; r = cleaner.clean(open(%r).read()); assert r.removed; "


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, cwd=ROOT, timeout=120,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


@pytest.mark.skipif(importlib.util.find_spec("pyarrow") is None, reason="pyarrow is not installed")
@pytest.mark.parametrize("order", ["cleaner first", "pyarrow first"])
def test_cleaner_and_pyarrow_share_a_process_in_either_order(order):
    """hyperscan's wheels up to 0.7.21 carried a static libstdc++ whose STB_GNU_UNIQUE
    symbols the dynamic linker binds process-wide: loading pyarrow after them aborted the
    process (`free(): invalid pointer`, SIGABRT)."""
    seed = str(next(p for p in sorted(SEEDS.glob("*.txt")) if ".expected" not in p.name))
    clean = CLEAN_ONE % seed + "cleaner.Cleaner(accelerate=True).clean('Advertisement\\nBody.\\n'); "
    code = clean + "import pyarrow; print('ok')" if order == "cleaner first" else "import pyarrow; " + clean + "print('ok')"
    r = _python(code)
    assert (r.returncode, r.stdout.strip()) == (0, b"ok"), r.stderr.decode(errors="replace")[-2000:]


@pytest.mark.parametrize("accelerate", [True, None])
def test_four_threads_cleaning_at_once_decide_as_one_does(accelerate):
    """One Cleaner shared by four threads (hyperscan's single scratch raised
    ScratchInUseError here); with accelerate=None the scanner starts while they run."""
    docs = SEED_TEXTS * 8
    one = [Cleaner(accelerate=accelerate).clean(d) for d in docs]
    shared = Cleaner(accelerate=accelerate)
    with ThreadPoolExecutor(4) as pool:
        many = list(pool.map(shared.clean, docs))
    assert [(r.text, r.decisions, r.site, r.warnings) for r in many] == \
        [(r.text, r.decisions, r.site, r.warnings) for r in one]


def test_threads_sharing_a_scanner_whose_memo_fills_and_empties_find_the_same_lines(monkeypatch):
    """The scanner's memo of matched lines is the one thing a scan changes: with room for a
    few lines only, four threads empty and refill it under each other, and every scan still
    finds what a lone scanner finds."""
    from cleaner import scanner

    if not scanner.available():
        pytest.skip("google-re2 is not installed")
    triggers = Cleaner(accelerate=False).candidates.triggers()[0]
    docs = [[t.strip() for t in d.split("\n")] for d in SEED_TEXTS] * 6
    alone = [scanner.Scanner(triggers).scan(d) for d in docs]
    monkeypatch.setattr(scanner, "MEMO_LINES", 40)
    shared = scanner.Scanner(triggers)
    with ThreadPoolExecutor(4) as pool:
        many = list(pool.map(shared.scan, docs))
    assert many == alone
    assert len(shared._memo) <= 40


def test_a_used_cleaner_pickles_to_the_bytes_of_a_fresh_one(tmp_path):
    """Pickled as what it is built from, so a Cleaner that has cleaned (scanner compiled)
    pickles, to the same bytes as before it cleaned (datasets.map hashes these bytes for its
    cache fingerprint), and the copy cleans alike."""
    (tmp_path / "mine.toml").write_text('[pack]\nname = "mine"\n\n[[rule]]\nid = "promo"\nkind = "line"\n'
                                        'family = "widget"\nmessage = "promo"\npattern = \'^Buy now\\b\'\n')
    for options in ({}, {"accelerate": True}, {"rule_dirs": [tmp_path], "disabled": ["general/byline", "family:teaser"]}):
        c = Cleaner(**options)
        fresh = pickle.dumps(c)
        used = [c.clean(t) for t in SEED_TEXTS]
        assert pickle.dumps(c) == fresh
        copy = pickle.loads(fresh)
        assert [copy.clean(t).decisions for t in SEED_TEXTS] == [r.decisions for r in used]
        assert pickle.dumps(copy) == fresh


def test_the_pickle_is_the_same_in_another_process():
    """The bytes do not depend on the process (no set order, no hash seed in them)."""
    code = ("import pickle, sys; from cleaner import Cleaner; "
            "sys.stdout.write(pickle.dumps(Cleaner(disabled=['general/byline', 'family:teaser', 'heuristic/teaser-tail'])).hex())")
    assert len({_python(code).stdout for _ in range(3)}) == 1
    assert pickle.dumps(Cleaner(disabled=["general/byline", "family:teaser", "heuristic/teaser-tail"])).hex().encode() == _python(code).stdout


def test_dill_which_datasets_hashes_with_sees_the_same_bytes_before_and_after_use():
    dill = pytest.importorskip("dill")
    c = Cleaner(accelerate=True)
    fresh = dill.dumps(c)
    c.clean(SEED_TEXTS[0])
    assert dill.dumps(c) == fresh
