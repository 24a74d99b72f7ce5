"""Opening inputs and outputs as byte streams, compressed or not, by file name.

`.gz` is gzip and `.zst` / `.zstd` is Zstandard, in and out; standard input is sniffed for
either magic number. Outputs go to a temporary file beside the target and are renamed over
it only when the whole stream was written (see `AtomicOutput`).
"""
from __future__ import annotations

import gzip
import io
import os
import sys
from pathlib import Path
from typing import BinaryIO

from cleaner.errors import InputError
from cleaner.fileio import make_temp, replace_with

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
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if kind == "zstd":
        return io.BufferedReader(_zstd().ZstdDecompressor().stream_reader(raw, read_across_frames=True))
    return raw


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
    "-" writes straight to stdout.
    """

    def __init__(self, path: str):
        self.path = path
        self._tmp: str | None = None
        self._raw: BinaryIO | None = None
        self.stream: BinaryIO

    def __enter__(self) -> BinaryIO:
        if self.path == "-":
            self.stream = sys.stdout.buffer
            return self.stream
        target = Path(os.path.realpath(self.path))
        if target.is_dir():
            raise InputError(f"{self.path}: is a directory, cannot write the output there")
        try:
            fd, self._tmp = make_temp(target.parent)
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        self._raw = os.fdopen(fd, "wb")
        kind = compression(self.path)
        if kind == "gzip":
            self.stream = gzip.GzipFile(fileobj=self._raw, mode="wb", mtime=0)  # type: ignore[assignment]
        elif kind == "zstd":
            self.stream = _zstd().ZstdCompressor().stream_writer(self._raw, closefd=False)
        else:
            self.stream = self._raw
        return self.stream

    def __exit__(self, exc_type, exc_value, tb) -> None:
        if self.path == "-":
            self.stream.flush()
            return
        assert self._raw is not None and self._tmp is not None
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
