from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

# The scanner's compiled-database cache goes to a directory of this test run, not the user's.
os.environ["CLEANER_CACHE_DIR"] = tempfile.mkdtemp(prefix="cleaner-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def run_cli(*args: str, input: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real command in a real subprocess, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "cleaner", *args], input=input,
                          capture_output=True, cwd=cwd, timeout=120)


@pytest.fixture
def cli():
    return run_cli
