"""The bytes the scanner matches (cleaner/scanner.py): a document's lines joined by newlines,
one byte per character, so that a byte offset is a character offset. An ASCII character is
itself; the k-th character of `mapped` (those the patterns spell out) is 0x81 + k; any other
character is 0x80, which the patterns' classes take as "some non-ASCII character".

One source: Cython compiles this module where built (setup.py), typing the loop over the
characters for C; run as Python it is the reference and the fallback.
"""
from __future__ import annotations

try:
    import cython
except ImportError:  # Cython is a build requirement only
    from cleaner import _cython_shim as cython

WIDE = cython.declare(cython.uchar, 0x80)  # a non-ASCII character without a byte of its own
FIRST_MAPPED = cython.declare(cython.uchar, 0x81)
MAPPED_BYTES = 0xFF - 0x80  # what the bytes from 0x81 can hold (scanner.MAX_MAPPED uses fewer)
TABLE_SIZE = cython.declare(cython.Py_ssize_t, 0x10000)  # mapped characters are below U+10000
NEWLINE = cython.declare(cython.uchar, 0x0A)

_tables: dict = {}  # the byte table of each `mapped` string seen (a handful: one per set of packs)


def byte_table(mapped: str) -> bytes:
    """The byte of every code point below U+10000: itself below 0x80, a mapped character's
    (its first place), else 0x80."""
    table = _tables.get(mapped)
    if table is None:
        if len(mapped) > MAPPED_BYTES:
            raise TypeError(f"at most {MAPPED_BYTES} mapped characters")
        if any(not 0x80 <= ord(c) < 0x10000 for c in mapped):
            raise ValueError("mapped characters are non-ASCII, below U+10000")
        made = bytearray(range(0x80)) + bytearray([0x80]) * (0x10000 - 0x80)
        for k, c in enumerate(mapped):
            if made[ord(c)] == 0x80:  # the first place wins
                made[ord(c)] = 0x81 + k
        if len(_tables) >= 16:
            _tables.clear()
        table = _tables[mapped] = bytes(made)
    return table


def encode(texts: list, mapped: str, control: bytes) -> tuple:
    """(data, has_control): the lines' bytes joined by newlines, and whether any byte of
    `control` occurs in them or a line holds a newline of its own."""
    table_bytes = byte_table(mapped)
    table: cython.p_uchar = table_bytes
    n: cython.Py_ssize_t = len(texts)
    size: cython.Py_ssize_t = n - 1 if n else 0
    for text in texts:
        if not isinstance(text, str):
            raise TypeError("the scanned lines are str")
        size += len(text)
    is_control_bytes = bytearray(256)
    is_control: cython.p_uchar = is_control_bytes
    for b in control:
        is_control[b] = 1
    data = bytearray(size)
    out: cython.p_uchar = data
    at: cython.Py_ssize_t = 0
    k: cython.Py_ssize_t
    x: cython.Py_UCS4
    c: cython.Py_UCS4
    for k in range(n):
        if k:
            out[at] = NEWLINE
            at += 1
        line: str = texts[k]
        for c in line:
            x = ord(c)
            out[at] = table[x] if x < TABLE_SIZE else WIDE
            at += 1
    found: cython.bint = False
    newlines: cython.Py_ssize_t = 0
    for k in range(size):
        if is_control[out[k]]:
            found = True
        if out[k] == NEWLINE:
            newlines += 1
    return bytes(data), found or newlines != (n - 1 if n else 0)
