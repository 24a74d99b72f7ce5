"""The one disk cache (cleaner/cache.py): every cached artifact lives in one directory, an
entry is written whole, and a missing, broken or unwritable cache is only a miss."""
from __future__ import annotations

import pytest

from cleaner import Cleaner, cache, native


def test_every_cached_artifact_lands_in_the_one_directory(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    native.class_table.cache_clear()
    try:
        native.class_table()
        Cleaner()  # validates the shipped packs and remembers the results
    finally:
        native.class_table.cache_clear()
    names = sorted(p.name for p in tmp_path.iterdir())
    assert any(n.startswith("classes-") for n in names)
    assert any(n.startswith("pack-") for n in names)
    assert not [n for n in names if n.endswith(".tmp")]  # temporaries renamed, never left


def test_a_write_replaces_an_entry_whole(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    cache.write("x.bin", b"first")
    cache.write("x.bin", b"second, longer")
    assert cache.read("x.bin") == b"second, longer" and cache.has("x.bin")


@pytest.mark.parametrize("setting", ["", "unwritable"])
def test_no_cache_or_an_unwritable_one_is_only_a_miss(tmp_path, monkeypatch, setting):
    if setting == "unwritable":
        blocker = tmp_path / "file"
        blocker.write_text("not a directory")
        setting = str(blocker / "cache")  # a directory under a file cannot be made
    monkeypatch.setenv(cache.CACHE_ENV, setting)
    cache.write("x.bin", b"data")
    assert cache.read("x.bin") is None and not cache.has("x.bin")


def test_a_broken_class_table_entry_is_built_afresh(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path))
    native.class_table.cache_clear()
    try:
        good = native.class_table()
        cache.write(native._table_name(), b"not zlib data")
        native.class_table.cache_clear()
        assert native.class_table() == good
    finally:
        native.class_table.cache_clear()
