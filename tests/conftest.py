from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def run_cli(*args: str, input: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real command in a real subprocess, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "cleaner", *args], input=input,
                          capture_output=True, cwd=cwd, timeout=120)


@pytest.fixture
def cli():
    return run_cli
