"""Reading inputs and writing outputs without ever losing a file.

Inputs are decoded strictly (invalid UTF-8 is refused unless the user asks for replacement),
binary files are recognised and refused, and a UTF-8 byte-order mark is set aside and put
back. Outputs are written to a temporary file in the same directory, flushed to disk, given
the original's mode bits and renamed over the target in one step: whatever fails, the target
is either as it was or completely written.
"""
from __future__ import annotations

import contextlib
import os
import re
import signal
import stat
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from cleaner.errors import InputError

BOM = "\ufeff"
# A NUL byte in the first this-many bytes marks a binary file (the heuristic git and grep use).
BINARY_SNIFF_BYTES = 8192
# Temporary files are named .cleaner-<pid>-<random>.tmp: a later run removes those whose
# process is gone (killed mid-write), never those of a run still going, and nothing else.
TEMP_PREFIX = ".cleaner-"
TEMP_SUFFIX = ".tmp"
# Exactly the names make_temp gives (tempfile.mkstemp's random part is 8 of [a-z0-9_]).
_TEMP_NAME = re.compile(r"\.cleaner-([1-9][0-9]{0,9})-[a-z0-9_]{8}\.tmp")
# Paths that name one of this process's open descriptors (/dev/stdout is a link to
# /proc/self/fd/1): writing goes through that descriptor, at its position and in its mode.
_FD_PATH = re.compile(r"/(?:dev/fd|proc/(?:self|thread-self|(\d+))/fd)/(\d+)")
_MAX_LINKS = 40


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


def read_regular(path: str | Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a regular file (through a symlink), or a one-line InputError saying why not."""
    return read_with_stat(path, max_bytes)[0]


def too_large(name: str | Path, size: int | None, max_bytes: int) -> InputError:
    """The error of an input longer than the record size limit (--max-record-mb): a text file
    is one record, and what cleaning it costs grows with its size."""
    what = f"{size / 2**20:.1f} MB, more than" if size is not None else "more than"
    return InputError(f"{name}: {what} the limit of {max_bytes / 2**20:g} MB (--max-record-mb); not cleaned")


def read_limited(stream, name: str, max_bytes: int | None) -> bytes:
    """All of a stream (stdin, a decompressed page), or too_large past `max_bytes`, which is
    never read whole."""
    data = stream.read() if max_bytes is None else stream.read(max_bytes + 1)
    if max_bytes is not None and len(data) > max_bytes:
        raise too_large(name, None, max_bytes)
    return data


def read_with_stat(path: str | Path, max_bytes: int | None = None) -> tuple[bytes, os.stat_result]:
    """The bytes of a regular file and its status as read (through a symlink), or a one-line
    InputError saying why not (a file longer than `max_bytes` is not read). `fix` compares the
    status with the file's just before it replaces the file, to notice another writer."""
    p = Path(path)
    if p.is_symlink() and not p.exists():
        raise InputError(f"{path}: broken symbolic link")
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory, expected a file (use 'cleaner fix' for directories)")
    if not p.is_file():
        raise InputError(f"{path}: not a regular file")
    try:  # O_NONBLOCK: a FIFO put in its place meanwhile must not hang the open
        with os.fdopen(os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise InputError(f"{path}: not a regular file")
            if max_bytes is not None and st.st_size > max_bytes:
                raise too_large(path, st.st_size, max_bytes)
            return read_limited(fh, str(path), max_bytes), st  # (a file that grew meanwhile, too)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def read_path(path: str, *, invalid: str = "fail") -> Input:
    """Read a file (or stdin for "-") with a one-line error for each way it can fail."""
    if path == "-":
        return decode(sys.stdin.buffer.read(), "<stdin>", invalid=invalid)
    return decode(read_regular(path), path, invalid=invalid)


class Terminated(BaseException):
    """SIGTERM while a temporary file exists: raised like Ctrl-C's KeyboardInterrupt, so the
    code that made the file removes it before the process exits (the CLI exits 143)."""


@contextlib.contextmanager
def terminate_cleanly() -> Iterator[None]:
    """While the block runs, SIGTERM raises Terminated in this process (a forked worker just
    exits: it holds no file). Only around the life of a temporary file: elsewhere SIGTERM
    keeps its default, immediate effect, even during a long call into C that a Python
    handler would have to wait for."""
    main_pid = os.getpid()

    def handler(signum, frame):
        if os.getpid() != main_pid:
            os._exit(128 + signum)
        raise Terminated()

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: signals are the main thread's to handle
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


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


class ChangedMeanwhile(InputError):
    """The file is no longer the one that was read (another writer touched it): not replaced."""


def same_file(a: os.stat_result, b: os.stat_result) -> bool:
    """Whether two statuses are of the same file with the same contents as far as the
    filesystem tells: device, inode, size and modification time to the nanosecond."""
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns) == (b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns)


def descriptor_of(path: str | Path) -> int | None:
    """The descriptor of this process that `path` names (/dev/stdout, /dev/fd/N,
    /proc/self/fd/N, or a link to one of them), or None."""
    p = os.path.abspath(path)
    for _ in range(_MAX_LINKS):
        m = _FD_PATH.fullmatch(p)
        if m:
            return int(m.group(2)) if m.group(1) in (None, str(os.getpid())) else None
        if not os.path.islink(p):
            return None
        p = os.path.normpath(os.path.join(os.path.dirname(p), os.readlink(p)))
    return None


def is_special_output(path: str | Path) -> bool:
    """True when writing `path` must go into it rather than over it: one of this process's
    descriptors (/dev/stdout), or an existing file that is not a regular file (a device, a
    FIFO, a socket)."""
    if descriptor_of(path) is not None:
        return True
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def open_special(path: str | Path):
    """A binary stream writing into `path` (see is_special_output): the very descriptor it
    names (duplicated, so its position and append mode are the shell's), or the device or
    FIFO opened for writing without truncating or creating anything."""
    fd = descriptor_of(path)
    if fd is not None:
        return os.fdopen(os.dup(fd), "wb")
    return os.fdopen(os.open(path, os.O_WRONLY | getattr(os, "O_NOCTTY", 0)), "wb")


def write_output(path: str | Path, data: bytes) -> None:
    """Write an output file: into it when it is a device, a FIFO or a descriptor
    (`-o /dev/null`, `-o /dev/stdout >> log`), else atomically (write_atomic)."""
    if is_special_output(path):
        with open_special(path) as fh:
            fh.write(data)
        return
    write_atomic(path, data)


def write_atomic(path: str | Path, data: bytes, *, expect: os.stat_result | None = None) -> None:
    """Write `data` to `path` via a temporary file in the same directory and a rename.

    The original's permission bits are kept. A symlink is written through: its target is
    replaced and the link stays a link. With `expect` (the status the file had when it was
    read), the rename happens only if the file is still that one (see same_file), else
    ChangedMeanwhile is raised and the file is left as the other writer left it. On any
    failure the temporary file is removed and the target is untouched; the OSError
    propagates for the caller to report.
    """
    with terminate_cleanly():
        _write_atomic(Path(os.path.realpath(path)), path, data, expect)


def _write_atomic(target: Path, path: str | Path, data: bytes, expect: os.stat_result | None) -> None:
    directory = target.parent
    fd, tmp = make_temp(directory)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if expect is not None and not same_file(os.stat(target), expect):
            raise ChangedMeanwhile(f"{path}: changed by another program while it was being cleaned; "
                                   "left as it is now (run again to clean it)")
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

    Only files named exactly as make_temp names them, and whose writing process no longer
    exists, are removed: two runs side by side never delete each other's work in progress,
    and a user's file that merely looks similar (`.cleaner-notes.tmp`) is never touched."""
    n = 0
    try:
        entries = list(directory.iterdir())
    except OSError:
        return 0
    for entry in entries:
        m = _TEMP_NAME.fullmatch(entry.name)
        if m is None or _pid_alive(int(m.group(1))):
            continue
        try:
            if entry.is_file() and not entry.is_symlink():
                entry.unlink()
                n += 1
        except OSError:
            pass
    return n
