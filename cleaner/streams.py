"""Opening inputs and outputs as byte streams, compressed or not, by file name.

`.gz` is gzip and `.zst` / `.zstd` is Zstandard, in and out; standard input is sniffed for
either magic number. A compressed input that ends before its last frame (or gzip member) does
is an error naming the file, never a short read taken for the whole. Outputs go to a temporary
file beside the target and are renamed over it only when the whole stream was written (see
`AtomicOutput`); an output that is a device, a FIFO or a descriptor (`/dev/stdout`) is
written into instead. Lines are read with a size limit (`lines`), so one huge record cannot
take memory without bound.
"""
from __future__ import annotations

import errno
import gzip
import io
import os
import shutil
import stat
import sys
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterator

from cleaner.errors import InputError
from cleaner.fileio import is_special_output, make_temp, open_special, replace_with, terminate_cleanly

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


COMPRESSED_SUFFIXES = {".gz": "gzip", ".zst": "zstd", ".zstd": "zstd"}


def compression(name: str) -> str | None:
    """The compression the file name says ("gzip" or "zstd"), or None."""
    lower = name.lower()
    return next((kind for suffix, kind in COMPRESSED_SUFFIXES.items() if lower.endswith(suffix)), None)


def strip_compression(name: str) -> str:
    """The name without its compression suffix ("page.html.gz" -> "page.html")."""
    lower = name.lower()
    return next((name[: -len(sfx)] for sfx in COMPRESSED_SUFFIXES if lower.endswith(sfx)), name)


def _zstd():
    try:
        import zstandard
    except ImportError:  # pragma: no cover - a dependency, but say so clearly if it is missing
        raise InputError("zstd streams need the 'zstandard' package (pip install zstandard)") from None
    return zstandard


# --- Zstandard frames ---------------------------------------------------------------------------
# zstandard's stream reader returns what it decompressed so far when its input ends inside a
# frame, as if the stream were complete. The frame structure (RFC 8878) says where each frame
# ends without decompressing anything: the bytes read are followed through it, and an input
# that ends anywhere but between two frames is truncated.

_ZSTD_SKIPPABLE = b"\x2a\x4d\x18"  # bytes 1-3 of the skippable frames' magic (byte 0 is 0x50-0x5f)
_DICT_ID_BYTES = (0, 1, 2, 4)
_FCS_BYTES = (0, 2, 4, 8)  # for flag 0 it is 1 byte when the frame is a single segment
_RLE_BLOCK, _RESERVED_BLOCK = 1, 3


class ZstdFrames:
    """Follows the frame structure of a Zstandard stream as its bytes go by."""

    def __init__(self) -> None:
        self.state, self.need, self.head, self.skip = "magic", 4, b"", 0
        self.checksum = False

    @property
    def between_frames(self) -> bool:
        return self.state in ("magic", "bad") and not self.head and not self.skip

    def feed(self, data: bytes | memoryview) -> None:
        i, n = 0, len(data)
        while i < n and self.state != "bad":
            if self.skip:
                take = min(self.skip, n - i)
                self.skip -= take
                i += take
                continue
            take = min(self.need - len(self.head), n - i)
            self.head += bytes(data[i:i + take])
            i += take
            if len(self.head) == self.need:
                head, self.head = self.head, b""
                self._step(head)

    def _step(self, head: bytes) -> None:
        if self.state == "magic":
            if head == ZSTD_MAGIC:
                self.state, self.need = "descriptor", 1
            elif head[1:] == _ZSTD_SKIPPABLE and head[0] & 0xF0 == 0x50:
                self.state, self.need = "skippable", 4
            else:
                self.state = "bad"  # not zstd: the decompressor says so itself
        elif self.state == "descriptor":
            d = head[0]
            single = (d >> 5) & 1
            fcs = _FCS_BYTES[d >> 6] or single
            self.checksum = bool((d >> 2) & 1)
            self.skip = (0 if single else 1) + _DICT_ID_BYTES[d & 3] + fcs
            self.state, self.need = "block", 3
        elif self.state == "block":
            h = int.from_bytes(head, "little")
            kind, size = (h >> 1) & 3, h >> 3
            if kind == _RESERVED_BLOCK:
                self.state = "bad"
                return
            self.skip = 1 if kind == _RLE_BLOCK else size
            if h & 1:  # the frame's last block
                self.skip += 4 if self.checksum else 0
                self.state, self.need = "magic", 4
        elif self.state == "skippable":
            self.skip = int.from_bytes(head, "little")
            self.state, self.need = "magic", 4


class _Followed(io.RawIOBase):
    """The compressed bytes, passed on to the decompressor and followed through their frames."""

    def __init__(self, raw: BinaryIO):
        self.raw, self.frames, self.ended = raw, ZstdFrames(), False

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        data = self.raw.read(len(b))
        if not data:
            self.ended = True
            return 0
        b[: len(data)] = data
        self.frames.feed(data)
        return len(data)


class _CheckedZstd(io.RawIOBase):
    """Decompressed Zstandard frames, one after another; an input that ends inside a frame
    raises InputError at the point where the stream would otherwise just end."""

    def __init__(self, raw: BinaryIO, name: str):
        self.source = _Followed(raw)
        self.reader = _zstd().ZstdDecompressor().stream_reader(self.source, read_across_frames=True)
        self.name = name

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        try:
            n = self.reader.readinto(b)
        except _zstd().ZstdError as exc:
            raise InputError(f"{self.name}: not a valid zstd stream: {exc}") from None
        if n == 0 and not self.source.frames.between_frames:
            raise InputError(f"{self.name}: truncated: the zstd stream ends inside a frame "
                             "(the file was cut short; nothing after the cut can be read)")
        return n

    def close(self) -> None:
        self.reader.close()
        self.source.raw.close()
        super().close()


class _CheckedGzip(io.RawIOBase):
    """gzip members, decompressed; an input cut short raises InputError naming the file."""

    def __init__(self, raw: BinaryIO, name: str):
        self.inner = gzip.GzipFile(fileobj=raw, mode="rb")
        self.raw, self.name = raw, name

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        try:
            return self.inner.readinto(b)
        except EOFError:
            raise InputError(f"{self.name}: truncated: the gzip stream ends before its end marker "
                             "(the file was cut short)") from None
        except (gzip.BadGzipFile, OSError) as exc:
            raise InputError(f"{self.name}: not a valid gzip stream: {exc}") from None

    def close(self) -> None:
        self.inner.close()
        self.raw.close()
        super().close()


def open_input(path: str) -> BinaryIO:
    """A binary stream of the decompressed input ("-" is stdin)."""
    if path == "-":
        raw: BinaryIO = sys.stdin.buffer
        peek = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
        kind = "gzip" if peek.startswith(GZIP_MAGIC) else "zstd" if peek.startswith(ZSTD_MAGIC) else None
    else:
        p = Path(path)
        if not p.exists():
            raise InputError(f"{path}: no such file")
        if p.is_dir():
            raise InputError(f"{path}: is a directory, expected a file")
        try:
            raw = open(p, "rb")
        except OSError as exc:
            raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
        kind = compression(path)
    name = "<stdin>" if path == "-" else path
    if kind == "gzip":
        return io.BufferedReader(_CheckedGzip(raw, name), READ_BYTES)  # type: ignore[return-value]
    if kind == "zstd":
        return io.BufferedReader(_CheckedZstd(raw, name), READ_BYTES)  # type: ignore[return-value]
    return raw


# The longest record read (bytes, newline not counted), unless --max-record-mb says otherwise:
# memory grows with the longest record (a few copies of it while it is parsed and cleaned), so
# a record of gigabytes inside a small compressed file must not be read whole. 256 MB is far
# above any news article or web page (Multi-News' longest record is under 1 MB).
DEFAULT_MAX_RECORD_MB = 256
# Compressed inputs are read and decompressed this much at a time.
READ_BYTES = 1 << 20
# Lines longer than the limit are skipped over in pieces of this size, never held whole.
_DISCARD_BYTES = 1 << 20


def lines(stream: BinaryIO, max_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(line number, the line with its newline) for each line of the stream, or (line number,
    None) for a line longer than `max_bytes` (newline not counted): such a line is read past
    in pieces and never held in memory whole."""
    line_no = 0
    while True:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        line_no += 1
        if len(raw) <= max_bytes or raw.endswith(b"\n"):
            yield line_no, raw
            continue
        _skip_line(stream)
        yield line_no, None


def _skip_line(stream: BinaryIO) -> int:
    """Read past the rest of the current line, newline included, in bounded pieces; the
    bytes read."""
    n = 0
    while True:
        part = stream.readline(_DISCARD_BYTES)
        n += len(part)
        if not part or part.endswith(b"\n"):
            return n


def range_lines(stream: BinaryIO, start: int, end: int, max_bytes: int) -> Iterator[bytes | None]:
    """The lines of a seekable stream whose first byte lies in [start, end), in order, as
    `lines` gives them (None for a line over `max_bytes`). A line that begins before `start`
    belongs to the range before; one that begins before `end` is read whole, past `end`.
    Cutting a file at any offsets into ranges so gives each line to exactly one range."""
    if start > 0:
        stream.seek(start - 1)
        pos = start - 1 + _skip_line(stream)  # the byte after the first newline at or after start - 1
    else:
        stream.seek(0)
        pos = 0
    while pos < end:
        raw = stream.readline(max_bytes + 1)
        if not raw:
            return
        pos += len(raw)
        if len(raw) <= max_bytes or raw.endswith(b"\n"):
            yield raw
            continue
        pos += _skip_line(stream)  # over the limit: read past, never held whole
        yield None


def blocks(stream: BinaryIO, block_bytes: int, max_bytes: int) -> Iterator[tuple[bytes, bool]]:
    """The stream in blocks of whole lines, about `block_bytes` each: (the block, cut). Each
    block is one read plus the rest of its last line; a last line over `max_bytes` is not
    read whole: the rest of it is read past, the block ends before it and `cut` is True (the
    line is one more record, over the limit). Per block, not per line: the caller (the main
    process, feeding workers) does no work per record."""
    while True:
        data = stream.read(block_bytes)
        if not data:
            return
        if data.endswith(b"\n"):
            yield data, False
            continue
        start = data.rfind(b"\n") + 1  # where the unfinished last line begins
        if len(data) - start <= max_bytes:
            data += stream.readline(max_bytes + 1 - (len(data) - start))
        if len(data) - start <= max_bytes or data.endswith(b"\n"):
            yield data, False
            continue
        _skip_line(stream)
        yield data[:start], True


def append_file(src: str, dst: BinaryIO) -> None:
    """Copy the file `src` onto the end of `dst`, in the kernel where the OS allows it
    (copy_file_range between files, sendfile into a pipe), else through a buffer: joining
    the workers' output pieces costs the main process no pass over their bytes."""
    dst.flush()
    with open(src, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        try:
            out_fd = dst.fileno()
        except (AttributeError, OSError, io.UnsupportedOperation):
            shutil.copyfileobj(f, dst, READ_BYTES)
            return
        done = 0
        for copy in (_copy_range, _send):
            try:
                while done < size:
                    n = copy(f.fileno(), out_fd, done, size - done)
                    if n == 0:
                        break
                    done += n
                if done >= size:
                    return
            except OSError as exc:
                if exc.errno not in _NO_KERNEL_COPY:
                    raise
        f.seek(done)
        shutil.copyfileobj(f, dst, READ_BYTES)
        dst.flush()


# copy_file_range or sendfile cannot serve these descriptors (another filesystem, a pipe, an
# O_APPEND file, an old kernel): copied through a buffer instead.
_NO_KERNEL_COPY = {errno.EXDEV, errno.EINVAL, errno.ENOSYS, errno.EBADF, errno.EOPNOTSUPP,
                   getattr(errno, "ENOTSUP", errno.EOPNOTSUPP)}


def _copy_range(src: int, dst: int, offset: int, count: int) -> int:
    if not hasattr(os, "copy_file_range"):
        raise OSError(errno.ENOSYS, "no copy_file_range")
    return os.copy_file_range(src, dst, count, offset)


def _send(src: int, dst: int, offset: int, count: int) -> int:
    if not hasattr(os, "sendfile"):
        raise OSError(errno.ENOSYS, "no sendfile")
    return os.sendfile(dst, src, offset, count)


def seekable_file(path: str) -> bool:
    """Whether `path` is a regular, uncompressed file (its byte ranges can be read apart)."""
    if path == "-" or compression(path):
        return False
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def piece_directory(target: str) -> Path:
    """Where the workers' output pieces for `target` are made: beside it, so joining them is
    a copy within one filesystem; the temporary directory for stdout, a device or a FIFO."""
    if target == "-" or is_special_output(target):
        return Path(tempfile.gettempdir())
    return Path(os.path.realpath(target)).parent


class PieceWriter:
    """One output piece: bytes written as they are, or as one whole gzip member or zstd
    frame. Pieces so written, joined end to end, are one valid gzip or zstd stream (both
    formats are a sequence of members or frames, and this project reads them as such)."""

    def __init__(self, sink: BinaryIO, kind: str | None):
        self.sink = sink
        if kind == "gzip":
            self.stream = gzip.GzipFile(fileobj=sink, mode="wb", mtime=0, filename="")  # type: ignore[arg-type]
        elif kind == "zstd":
            self.stream = _zstd().ZstdCompressor().stream_writer(sink, closefd=False)
        else:
            self.stream = sink
        self.write = self.stream.write if self.stream is not sink else _writer(sink)

    def close(self) -> None:
        """End the member or frame; the sink stays open."""
        if self.stream is not self.sink:
            self.stream.close()


def _writer(out: BinaryIO):
    """out.write, or for a buffered file (stdout) a loop that writes all: a buffered write that
    the reader cuts short (`| head`) returns what got through; writing the rest raises
    BrokenPipeError."""
    if not isinstance(out, io.BufferedWriter):
        return out.write

    def write(data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[out.write(view):]
    return write


def input_size(path: str) -> int | None:
    """Bytes on disk, for a progress estimate (None for stdin)."""
    if path == "-":
        return None
    try:
        return os.path.getsize(path)
    except OSError:
        return None


class AtomicOutput:
    """A binary output stream that replaces `path` only once it is complete.

    Use as a context manager: on a clean exit the temporary file is flushed, synced and
    renamed over the target; on an exception it is removed and the target is untouched.
    "-" writes straight to stdout; a device, a FIFO or a descriptor (`/dev/null`,
    `/dev/stdout`) is written into, as a shell redirection would, since it cannot be replaced.
    """

    def __init__(self, path: str, *, compress: bool = True):
        self.path = path
        self.compress = compress  # False: the bytes written are compressed already (PieceWriter)
        self._tmp: str | None = None
        self._raw: BinaryIO | None = None
        self._special = False
        self._guard = terminate_cleanly()
        self.stream: BinaryIO

    def __enter__(self) -> BinaryIO:
        self._guard.__enter__()
        try:
            return self._open()
        except BaseException:
            self._guard.__exit__(None, None, None)
            raise

    def _open(self) -> BinaryIO:
        if self.path == "-":
            self.stream = sys.stdout.buffer
            return self.stream
        target = Path(os.path.realpath(self.path))
        if target.is_dir():
            raise InputError(f"{self.path}: is a directory, cannot write the output there")
        try:
            if is_special_output(self.path):
                self._raw, self._special = open_special(self.path), True
            else:
                fd, self._tmp = make_temp(target.parent)
                self._raw = os.fdopen(fd, "wb")
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        kind = compression(self.path) if self.compress else None
        if kind == "gzip":
            self.stream = gzip.GzipFile(fileobj=self._raw, mode="wb", mtime=0)  # type: ignore[assignment]
        elif kind == "zstd":
            self.stream = _zstd().ZstdCompressor().stream_writer(self._raw, closefd=False)
        else:
            self.stream = self._raw
        return self.stream

    def __exit__(self, exc_type, exc_value, tb) -> None:
        try:
            self._close(exc_type)
        finally:
            self._guard.__exit__(None, None, None)

    def _close(self, exc_type) -> None:
        if self.path == "-":
            self.stream.flush()
            return
        assert self._raw is not None
        if self._special:
            try:
                if exc_type is None and self.stream is not self._raw:
                    self.stream.close()
                self._raw.close()
            except OSError as exc:
                raise InputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
            return
        assert self._tmp is not None
        try:
            if exc_type is None:
                if self.stream is not self._raw:
                    self.stream.close()  # writes the compressed stream's trailer
                self._raw.flush()
                os.fsync(self._raw.fileno())
                self._raw.close()
                replace_with(self._tmp, Path(os.path.realpath(self.path)))
                self._tmp = None
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write: {exc.strerror or exc}; nothing was replaced") from None
        finally:
            if self._tmp is not None:
                try:
                    self._raw.close()
                except OSError:
                    pass
                try:
                    os.unlink(self._tmp)
                except OSError:
                    pass
