"""The walk of the second-copy heuristic (heuristics/duplicates.py): which kept lines repeat
text already kept, exactly, near-exactly (case, punctuation and spacing folded) or inside a
longer kept line, and which line each repeats.

One source: Cython compiles this module where built (setup.py), typing the walk and the
containment prefilter for C; run as Python it is the reference and the fallback. The
thresholds are data (heuristics.toml [second-copy]), read once at import.
"""
from __future__ import annotations

from array import array
from bisect import bisect_right

from cleaner.heuristics.spec import thresholds
from cleaner.lines import origin_of
from cleaner.native import REMEMBER_LINES, REMEMBER_MAX_CHARS

try:
    import cython
except ImportError:  # Cython is a build requirement only
    from cleaner import _cython_shim as cython

_T = thresholds("second-copy")
NEAR_MIN_CHARS = cython.declare(cython.Py_ssize_t, _T["NEAR_MIN_CHARS"])
CONTAIN_MAX_LINES = cython.declare(cython.Py_ssize_t, _T["CONTAIN_MAX_LINES"])
FOLD_MAX_CHARS = cython.declare(cython.Py_ssize_t, _T["FOLD_MAX_CHARS"])
# Case folding makes a character at most this many (ß -> ss, ΐ -> three): a line shorter
# than NEAR_MIN_CHARS / 3 cannot fold to a near-repeat key, so it is not folded.
MAX_FOLD_GROWTH = 3
_GROWTH = cython.declare(cython.Py_ssize_t, MAX_FOLD_GROWTH)
MEMO_CHARS = cython.declare(cython.Py_ssize_t, REMEMBER_MAX_CHARS)
MEMO_LINES = cython.declare(cython.Py_ssize_t, REMEMBER_LINES)

EXACT, NEAR, CONTAINED = 0, 1, 2

# One zero of each table's type: a table of n slots is this times n (array's own
# constructor parses its arguments, at a cost that shows on small documents).
_ZEROS = array("q", [0])
_UZEROS = array("Q", [0])

# A key contained in a holder key shares with it a GRAM-character piece that starts, in the
# holder, at a multiple of STRIDE: among the key's first STRIDE offsets one lands there, and a
# key of at least GRAM + STRIDE - 1 characters (NEAR_MIN_CHARS is more) is long enough for the
# piece to fit. So a set of hashes of the holders' pieces tells, for most keys, that no `find`
# is needed; a hit (or a hash collision) still goes to the real `find`, which decides. A
# piece's hash reads every SAMPLE-th of its characters (enough to tell pieces of text apart).
GRAM = cython.declare(cython.Py_ssize_t, 24)
STRIDE = cython.declare(cython.Py_ssize_t, 16)
SAMPLE = cython.declare(cython.Py_ssize_t, 3)
# The hash: a polynomial in BASE over those code points, modulo 2**64 (C's wrap-around, which
# Python's integers are masked to: _wrap), then mixed.
M64 = cython.declare(cython.ulonglong, 0xFFFFFFFFFFFFFFFF)
BASE = cython.declare(cython.ulonglong, 0x100000001B3)
MIX = cython.declare(cython.ulonglong, 0x9E3779B97F4A7C15)


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _wrap(x: cython.ulonglong) -> cython.ulonglong:
    """x modulo 2**64: nothing to do in C, a mask on Python's integers."""
    return x if cython.compiled else x & M64


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _piece(key: str, q: cython.Py_ssize_t) -> cython.ulonglong:
    """The hash of the piece key[q:q+GRAM] (never 0, which marks an empty slot). Compiled, the
    code points are read where the str stores them (the C API, cimported by copies.pxd)."""
    h: cython.ulonglong = 0
    j: cython.Py_ssize_t = q
    if not cython.compiled:
        while j < q + GRAM:  # (a while loop: C's, where a range with a variable step would be Python's)
            h = _wrap(h * BASE + ord(key[j]))
            j += SAMPLE
        return _wrap(h * MIX) | 1
    kind: cython.int = PyUnicode_KIND(key)  # noqa: F821 (these names: copies.pxd)
    data: cython.p_void = PyUnicode_DATA(key)  # noqa: F821
    while j < q + GRAM:
        h = h * BASE + PyUnicode_READ(kind, data, j)  # noqa: F821 (wraps at 2**64 in C)
        j += SAMPLE
    return (h * MIX) | 1


@cython.cfunc
@cython.inline
@cython.exceptval(check=False)
def _slot(h: cython.ulonglong, mask: cython.Py_ssize_t) -> cython.Py_ssize_t:
    return cython.cast(cython.Py_ssize_t, h >> 17) & mask


@cython.cfunc
def _add_pieces(slots: cython.ulonglong[::1], mask: cython.Py_ssize_t, key: str) -> cython.Py_ssize_t:
    """Add the hashes of key[q:q+GRAM] for q = 0, STRIDE, 2 * STRIDE, ... (where they fit);
    the number of hashes new to the table (open addressing)."""
    q: cython.Py_ssize_t = 0
    at: cython.Py_ssize_t
    added: cython.Py_ssize_t = 0
    piece: cython.ulonglong
    while q + GRAM <= len(key):
        piece = _piece(key, q)
        q += STRIDE
        at = _slot(piece, mask)
        while slots[at] and slots[at] != piece:
            at = (at + 1) & mask
        if not slots[at]:
            slots[at] = piece
            added += 1
    return added


@cython.cfunc
def _may_hold(slots: cython.ulonglong[::1], mask: cython.Py_ssize_t, key: str) -> cython.bint:
    """Could `key` be inside a holder key? (False: certainly not.)"""
    o: cython.Py_ssize_t
    at: cython.Py_ssize_t
    piece: cython.ulonglong
    if len(key) < GRAM + STRIDE - 1:
        return True  # too short for the argument: ask `find`
    for o in range(STRIDE):  # the pieces at offsets 0 .. STRIDE - 1
        piece = _piece(key, o)
        at = _slot(piece, mask)
        while slots[at]:
            if slots[at] == piece:
                return True
            at = (at + 1) & mask
    return False


@cython.cfunc
def _near_table(size: cython.Py_ssize_t) -> tuple:
    """An empty near-repeat table of `size` slots: (line indices plus 1, key hashes)."""
    return _ZEROS * size, _ZEROS * size


@cython.cfunc
def _near_grown(lines: cython.longlong[::1], hashes: cython.longlong[::1], size: cython.Py_ssize_t) -> tuple:
    """The near-repeat table at twice the size, holding the same lines and hashes."""
    bigger_size: cython.Py_ssize_t = 2 * size
    bigger_lines, bigger_hashes = _near_table(bigger_size)
    to_line: cython.longlong[::1] = bigger_lines
    to_hash: cython.longlong[::1] = bigger_hashes
    k: cython.Py_ssize_t
    at: cython.Py_ssize_t
    for k in range(size):
        if lines[k]:
            at = cython.cast(cython.Py_ssize_t, hashes[k]) & (bigger_size - 1)
            while to_line[at]:
                at = (at + 1) & (bigger_size - 1)
            to_line[at] = lines[k]
            to_hash[at] = hashes[k]
    return bigger_lines, bigger_hashes


def thresholds_in_use() -> dict:
    """The thresholds this module decides with (C values when compiled): what the tests hold
    to heuristics.toml."""
    return {"NEAR_MIN_CHARS": NEAR_MIN_CHARS, "CONTAIN_MAX_LINES": CONTAIN_MAX_LINES, "FOLD_MAX_CHARS": FOLD_MAX_CHARS}


@cython.cfunc
def _grown(slots: cython.ulonglong[::1], size: cython.Py_ssize_t, need: cython.Py_ssize_t) -> object:
    """A table of at least `need` slots (a power of two), holding the same hashes."""
    bigger_size: cython.Py_ssize_t = size
    while bigger_size < need:
        bigger_size *= 2
    grams = _UZEROS * bigger_size
    bigger: cython.ulonglong[::1] = grams
    k: cython.Py_ssize_t
    at: cython.Py_ssize_t
    for k in range(size):
        if slots[k]:
            at = _slot(slots[k], bigger_size - 1)
            while bigger[at]:
                at = (at + 1) & (bigger_size - 1)
            bigger[at] = slots[k]
    return grams


def second_copies(lines: object, order: object, fold: object, memo: dict) -> array:
    """Each second copy among the lines `order` (kept, non-blank; indices into `lines`, a
    document.Lines), walked in order, as three numbers: its index, its kind and the number
    of the line it repeats (flat, not a tuple per copy: a document of repeats has a copy per
    line; `triples` reads them back). `fold` makes a line's near-repeat key; the keys of
    short lines are kept in `memo` across documents (bounded)."""
    out = _ZEROS[:0]
    stripped: list = lines.stripped
    number_of: cython.longlong[::1] = origin_of(lines)
    renumbered: cython.bint = len(number_of) > 0
    n_lines: cython.Py_ssize_t = len(stripped)
    i: cython.Py_ssize_t
    n: cython.Py_ssize_t
    at: cython.Py_ssize_t
    # The holders' keys (long kept lines), joined by a character no key holds (folding turns
    # it into a space), so one `find` looks in all of them; `starts` maps an offset to its line.
    joined: str = ""
    starts: list = []
    holders: list = []
    # sized up front for the holders' pieces (a line of ~200 characters holds about 12), so
    # that it seldom grows while they are added
    size: cython.Py_ssize_t = 64
    while size < 32 * min(len(order), CONTAIN_MAX_LINES) and size < (1 << 20):
        size *= 2
    used: cython.Py_ssize_t = 0
    grams = _UZEROS * size
    slots: cython.ulonglong[::1] = grams
    # The lines kept so far, for exact repeats: a table of their indices (plus 1; 0 is an
    # empty slot), found by the text's hash and told apart by the text itself. A dict of
    # texts would cost a key, a value and an int per line (some 70 bytes); this, at most half
    # full, costs 16 to 32.
    first_size: cython.Py_ssize_t = 8
    while first_size < 2 * len(order):
        first_size *= 2
    firsts = _ZEROS * first_size
    first: cython.longlong[::1] = firsts
    first_mask: cython.Py_ssize_t = first_size - 1
    # The near-repeat keys of the lines kept so far, likewise: each line's index (plus 1) and
    # its key's hash; a key is folded again from its line only where the hashes agree. A dict
    # of keys would hold a folded copy of every long line. Grown as keys come (at most half full).
    near_size: cython.Py_ssize_t = 64
    near_used: cython.Py_ssize_t = 0
    near_lines, near_hashes = _near_table(near_size)
    near_line: cython.longlong[::1] = near_lines
    near_hash: cython.longlong[::1] = near_hashes
    key_hash: cython.longlong
    j: cython.Py_ssize_t
    free: cython.Py_ssize_t
    near_free: cython.Py_ssize_t
    for index in order:
        i = index
        if i < 0 or i >= n_lines:
            raise IndexError("line index out of range")
        text: str = stripped[i]
        free = cython.cast(cython.Py_ssize_t, hash(text)) & first_mask
        j = -1
        while first[free]:
            j = first[free] - 1
            if cython.cast(str, stripped[j]) == text:
                break
            j = -1
            free = (free + 1) & first_mask
        if j >= 0:
            out.append(i)
            out.append(EXACT)
            out.append((number_of[j] if renumbered else j) + 1)
            continue
        n = len(text)
        if NEAR_MIN_CHARS <= n * _GROWTH and n <= FOLD_MAX_CHARS:
            key = memo.get(text) if n <= MEMO_CHARS else None
            if key is None:
                key = fold(text)
                if n <= MEMO_CHARS:
                    if len(memo) >= MEMO_LINES:
                        memo.clear()
                    memo[text] = key
            k: str = key
            n = len(k)
            if n >= NEAR_MIN_CHARS:
                key_hash = hash(k)
                near_free = cython.cast(cython.Py_ssize_t, key_hash) & (near_size - 1)
                j = -1
                while near_line[near_free]:
                    if near_hash[near_free] == key_hash:
                        j = near_line[near_free] - 1
                        if fold(stripped[j]) == k:
                            break
                        j = -1
                    near_free = (near_free + 1) & (near_size - 1)
                if j >= 0:
                    out.append(i)
                    out.append(NEAR)
                    out.append((number_of[j] if renumbered else j) + 1)
                    continue
                if holders and _may_hold(slots, size - 1, k):
                    at = joined.find(k)
                    if at >= 0:  # inside a longer kept line (an equal one would be in `near`)
                        out.append(i)
                        out.append(CONTAINED)
                        out.append(holders[bisect_right(starts, at) - 1])
                        continue
                near_line[near_free] = i + 1
                near_hash[near_free] = key_hash
                near_used += 1
                if near_used * 2 > near_size:
                    near_lines, near_hashes = _near_grown(near_line, near_hash, near_size)
                    near_size = len(near_lines)
                    near_line = near_lines
                    near_hash = near_hashes
                if len(holders) < CONTAIN_MAX_LINES:
                    starts.append(len(joined))
                    holders.append((number_of[i] if renumbered else i) + 1)
                    joined += k + "\0"
                    if (used + n // STRIDE + 1) * 2 > size:  # keep the table at most half full
                        grams = _grown(slots, size, (used + n // STRIDE + 1) * 2)
                        size = len(grams)
                        slots = grams
                    used += _add_pieces(slots, size - 1, k)
        first[free] = i + 1
    return out


def triples(found: array) -> list:
    """second_copies' numbers as (index, kind, number of the line it repeats) per copy."""
    numbers = iter(found)
    return list(zip(numbers, numbers, numbers))


