"""The one disk cache: artifacts that are slow to build and never change for the same key
(the character class table of cleaner/native.py, the validation results of cleaner/packs.py).

An entry is a file named by its kind and a key the caller derives from everything the
artifact depends on, so a stale entry is never read: a change makes a new key. An entry is
written whole or not at all (a temporary file renamed over it), and a missing, unreadable or
unwritable cache is only a miss: the artifact is built afresh.
"""
from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "CLEANER_CACHE_DIR"


def cache_dir() -> Path | None:
    """$CLEANER_CACHE_DIR, else $XDG_CACHE_HOME/cleaner, else ~/.cache/cleaner; None when
    $CLEANER_CACHE_DIR is set to the empty string (no cache)."""
    if CACHE_ENV in os.environ:
        return Path(os.environ[CACHE_ENV]) if os.environ[CACHE_ENV] else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "cleaner"


def entry_path(name: str) -> Path | None:
    """Where the entry `name` lives (None: no cache)."""
    d = cache_dir()
    return None if d is None else d / name


def has(name: str) -> bool:
    path = entry_path(name)
    return path is not None and path.is_file()


def read(name: str) -> bytes | None:
    """The entry's bytes, or None when there is none (or it cannot be read)."""
    path = entry_path(name)
    if path is None:
        return None
    try:
        return path.read_bytes()
    except OSError:
        return None


def write(name: str, data: bytes) -> None:
    """Store the entry whole or not at all; an unwritable cache is no cache."""
    path = entry_path(name)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        pass
