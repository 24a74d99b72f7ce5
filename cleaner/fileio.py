"""Reading inputs and writing outputs without ever losing a file.

Inputs are decoded strictly (invalid UTF-8 is refused unless the user asks for replacement),
binary files are recognised and refused, and a UTF-8 byte-order mark is set aside and put
back. Outputs are written to a temporary file in the same directory, flushed to disk, given
the original's mode bits and renamed over the target in one step: whatever fails, the target
is either as it was or completely written.
"""
from __future__ import annotations

import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cleaner.errors import InputError

BOM = "\ufeff"
# A NUL byte in the first this-many bytes marks a binary file (the heuristic git and grep use).
BINARY_SNIFF_BYTES = 8192
# Temporary files are named .cleaner-<pid>-<random>.tmp: a later run removes those whose
# process is gone (killed mid-write), never those of a run still going.
TEMP_PREFIX = ".cleaner-"
TEMP_SUFFIX = ".tmp"


@dataclass(frozen=True)
class Input:
    """A decoded input: its text (BOM set aside), whether it had a BOM, and notes for stderr."""

    text: str
    bom: bool = False
    replaced: int = 0  # invalid UTF-8 sequences replaced with U+FFFD


def decode(data: bytes, name: str, *, invalid: str = "fail") -> Input:
    """Bytes to text, or an InputError that says what is wrong and what to do."""
    nul = data.find(b"\x00", 0, BINARY_SNIFF_BYTES)
    if nul != -1:
        raise InputError(f"{name}: looks like a binary file (NUL byte at offset {nul}); not cleaned")
    try:
        text = data.decode("utf-8")
        replaced = 0
    except UnicodeDecodeError as exc:
        if invalid != "replace":
            raise InputError(
                f"{name}: invalid UTF-8 at byte {exc.start}; not cleaned "
                "(use --invalid-utf8 replace to clean it with U+FFFD in place of the bad bytes)"
            ) from None
        text = data.decode("utf-8", errors="replace")
        replaced = text.count("\ufffd") - data.decode("utf-8", errors="ignore").count("\ufffd")
    bom = text.startswith(BOM)
    return Input(text[1:] if bom else text, bom, replaced)


def encode(text: str, *, bom: bool = False) -> bytes:
    return ((BOM if bom else "") + text).encode("utf-8")


def read_regular(path: str | Path) -> bytes:
    """The bytes of a regular file (through a symlink), or a one-line InputError saying why not."""
    p = Path(path)
    if p.is_symlink() and not p.exists():
        raise InputError(f"{path}: broken symbolic link")
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory, expected a file (use 'cleaner fix' for directories)")
    if not p.is_file():
        raise InputError(f"{path}: not a regular file")
    try:
        return p.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_path(path: str, *, invalid: str = "fail") -> Input:
    """Read a file (or stdin for "-") with a one-line error for each way it can fail."""
    if path == "-":
        return decode(sys.stdin.buffer.read(), "<stdin>", invalid=invalid)
    return decode(read_regular(path), path, invalid=invalid)


def make_temp(directory: Path) -> tuple[int, str]:
    """A new temporary file beside the target, named so a later run can tell whose it is."""
    return tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{os.getpid()}-", suffix=TEMP_SUFFIX, dir=directory)


def replace_with(tmp: str, target: Path) -> None:
    """Give `tmp` the target's permission bits (or the umask's for a new file) and rename it
    over the target in one step."""
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)
    os.replace(tmp, target)


def write_atomic(path: str | Path, data: bytes) -> None:
    """Write `data` to `path` via a temporary file in the same directory and a rename.

    The original's permission bits are kept. A symlink is written through: its target is
    replaced and the link stays a link. On any failure the temporary file is removed and
    the target is untouched; the OSError propagates for the caller to report.
    """
    target = Path(os.path.realpath(path))
    directory = target.parent
    fd, tmp = make_temp(directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        replace_with(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:  # make the rename itself durable
        dfd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    except OSError:
        pass


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_temps(directory: Path) -> int:
    """Delete temporary files that a killed run left in `directory`; returns how many.

    Only files whose writing process no longer exists are removed, so two runs side by side
    never delete each other's work in progress."""
    n = 0
    try:
        entries = list(directory.iterdir())
    except OSError:
        return 0
    for entry in entries:
        name = entry.name
        if not (name.startswith(TEMP_PREFIX) and name.endswith(TEMP_SUFFIX)):
            continue
        pid_text = name[len(TEMP_PREFIX):].split("-", 1)[0]
        if pid_text.isdigit() and _pid_alive(int(pid_text)):
            continue
        try:
            if entry.is_file() and not entry.is_symlink():
                entry.unlink()
                n += 1
        except OSError:
            pass
    return n
