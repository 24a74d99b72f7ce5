"""Golden tests: each seed comes out exactly as its hand-written expected output."""
from __future__ import annotations

import pytest

from cleaner import clean
from conftest import SEEDS

CASES = sorted(p.name[: -len(".expected.txt")] for p in SEEDS.glob("*.expected.txt"))


def test_all_five_seeds_have_expected_outputs():
    assert len(CASES) == 5
    assert all((SEEDS / f"{c}.txt").exists() for c in CASES)


@pytest.mark.parametrize("name", CASES)
def test_seed_matches_expected(name):
    text = (SEEDS / f"{name}.txt").read_bytes().decode("utf-8")
    expected = (SEEDS / f"{name}.expected.txt").read_bytes().decode("utf-8")
    assert clean(text).text == expected


@pytest.mark.parametrize("name", CASES)
def test_seed_output_is_already_clean(name):
    expected = (SEEDS / f"{name}.expected.txt").read_bytes().decode("utf-8")
    assert clean(expected).text == expected


@pytest.mark.parametrize("name,site", [
    ("000_749bf0c0c180fc0b", "independent"),
    ("001_03c53990b6f41c9e", "reuters"),
    ("002_e305a3e3bd9f1704", "rferl"),
    ("003_314c139d2cd2a5a9", None),
    ("004_8b3e18fa1e927333", "bbc"),
])
def test_seed_site_detected_from_text(name, site):
    assert clean((SEEDS / f"{name}.txt").read_text(encoding="utf-8")).site == site


def test_every_removal_in_seeds_is_explained():
    for name in CASES:
        result = clean((SEEDS / f"{name}.txt").read_text(encoding="utf-8"))
        for d in result.removed:
            assert d.rule and d.source and d.reason, d
