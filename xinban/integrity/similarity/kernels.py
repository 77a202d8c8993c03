"""Compiled kernels of the check's hot loops (docs/similarity.md, "Fourth pass"): the
winnowing of a document's shingles and the seed and extend of a candidate. Each is one
pass in compiled code (numba) where numpy needed a few dozen calls; their results are
those of the numpy versions they replace, exactly.

Compiled at the first call and cached on disk (numba's ``cache=True``): under
``NUMBA_CACHE_DIR`` when set, else in the package's ``__pycache__``, else (a read-only
install) under ``$XINBAN_VAR_DIR/numba-cache`` or the temporary directory; with none
writable, compiled in memory only (docs/similarity.md, "Fourth pass"). :func:`warm`
compiles or loads them all once, so that the index pays for it, never a check.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numba
import numpy as np
from numba.core import config as numba_config


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return False
    return True


def _cache_location() -> bool:
    """Whether the kernels can be cached on disk; points numba at a writable place when
    neither ``NUMBA_CACHE_DIR`` nor the package's ``__pycache__`` is (numba would refuse
    to compile a ``cache=True`` function otherwise)."""
    chosen: str = numba_config.CACHE_DIR  # type: ignore[attr-defined] # set at numba's import
    if chosen:
        return _writable(Path(chosen))
    if _writable(Path(__file__).resolve().parent / "__pycache__"):
        return True
    for base in (os.environ.get("XINBAN_VAR_DIR"), tempfile.gettempdir()):
        if base and _writable(Path(base) / "numba-cache"):
            numba_config.CACHE_DIR = str(Path(base) / "numba-cache")  # type: ignore[attr-defined]
            return True
    return False


CACHE = _cache_location()
_32 = np.uint64(32)


@numba.njit(cache=CACHE, nogil=True, inline="always")
def _common(
    h: np.uint64, first: np.ndarray, second: np.ndarray, mask: np.uint64
) -> bool:  # pragma: no cover - compiled
    """Whether the shingle of hash ``h`` is common: the sketch's counters of both rows
    reach the threshold, read from the sketch's bitmaps (``FrequencySketch.bitmaps``: a
    bit per counter, 1 MB for both rows instead of the 16 MB of counters)."""
    i = np.int64(h & mask)
    if not (first[i >> 3] >> (i & 7)) & 1:
        return False
    j = np.int64((h >> _32) & mask)
    return bool((second[j >> 3] >> (j & 7)) & 1)


@numba.njit(cache=CACHE, nogil=True)
def common(
    hashes: np.ndarray, first: np.ndarray, second: np.ndarray, mask: np.uint64
) -> np.ndarray:  # pragma: no cover - compiled
    """Which of ``hashes`` are common (``FrequencySketch.common``'s answer)."""
    out = np.empty(len(hashes), dtype=np.bool_)
    for i in range(len(hashes)):
        out[i] = _common(hashes[i], first, second, mask)
    return out


def mark(bits: np.ndarray, counters: np.ndarray) -> None:
    """Set the bits of ``counters`` (indices) in a bitmap of ``FrequencySketch.bitmaps``."""
    np.bitwise_or.at(bits, counters >> 3, (1 << (counters & 7)).astype(np.uint8))


@numba.njit(cache=CACHE, nogil=True)
def _sliding(values: np.ndarray, width: int, smallest: bool) -> np.ndarray:  # pragma: no cover
    """``out[s] = min(values[s : s + width])`` (``smallest``), else the max: van Herk /
    Gil-Werman, the running extreme from the start and from the end of each block of
    ``width``, so three comparisons per element whatever the width."""
    n = len(values)
    prefix = np.empty(n, dtype=values.dtype)
    suffix = np.empty(n, dtype=values.dtype)
    for block in range(0, n, width):
        end = min(block + width, n)
        best = values[block]
        for i in range(block, end):
            v = values[i]
            if (v < best) if smallest else (v > best):
                best = v
            prefix[i] = best
        best = values[end - 1]
        for i in range(end - 1, block - 1, -1):
            v = values[i]
            if (v < best) if smallest else (v > best):
                best = v
            suffix[i] = best
    out = np.empty(n - width + 1, dtype=values.dtype)
    for s in range(n - width + 1):
        a, b = suffix[s], prefix[s + width - 1]
        out[s] = (a if a < b else b) if smallest else (a if a > b else b)
    return out


@numba.njit(cache=CACHE, nogil=True)
def winnow(hashes: np.ndarray, window: int) -> np.ndarray:  # pragma: no cover - compiled
    """The fingerprints' positions (as ``fingerprints.winnow``): every position whose
    hash is the smallest of some window of ``window`` shingles containing it, i.e. equal
    to the largest of the minima of the windows containing it."""
    n = len(hashes)
    if n < window:
        return np.zeros(0, dtype=np.int64)
    smallest = _sliding(hashes, window, True)  # [s]: min of hashes[s : s + window]
    # [i]: the largest of the minima of the windows containing i (padded with 0, which
    # never wins: the windows that do not exist).
    padded = np.zeros(n + window - 1, dtype=hashes.dtype)
    padded[window - 1 : window - 1 + len(smallest)] = smallest
    largest = _sliding(padded, window, False)
    out = np.empty(n, dtype=np.int64)
    found = 0
    for i in range(n):
        if hashes[i] == largest[i]:
            out[found] = i
            found += 1
    return out[:found]


@numba.njit(cache=CACHE, nogil=True)
def seed_and_extend(
    q: np.ndarray,
    s: np.ndarray,
    query_codes: np.ndarray,
    source_codes: np.ndarray,
    hashes: np.ndarray,
    first: np.ndarray,
    second: np.ndarray,
    mask: np.uint64,
    source_shingles: int,
    window: int,
    k: int,
    min_run: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The runs (query starts, source starts, lengths in shingles; sorted by query then
    source position) of ``SimilarityIndex.runs``: the seeds grouped into chains on each
    diagonal (less than ``2 * window - 1`` apart), each chain's stretch widened by
    ``window - 1`` and compared character by character; a shingle is in a run when its
    ``k`` characters are equal and it is not common (the sketch's bitmaps,
    ``_common``); runs of at least ``min_run`` shingles."""
    nq = len(hashes)
    diagonal = q - s
    order = np.argsort((diagonal << 32) + q)  # by diagonal, then position
    m = len(q)
    chain_lo = np.empty(m, dtype=np.int64)
    chain_hi = np.empty(m, dtype=np.int64)
    chain_d = np.empty(m, dtype=np.int64)
    chains = 0
    capacity = 0
    i = 0
    while i < m:
        d = diagonal[order[i]]
        first_q = q[order[i]]
        last_q = first_q
        j = i + 1
        while j < m and diagonal[order[j]] == d and q[order[j]] - last_q <= 2 * window - 2:
            last_q = q[order[j]]
            j += 1
        lo = max(first_q - (window - 1), max(d, 0))
        hi = min(last_q + window, min(nq, source_shingles + d))
        if hi > lo:
            chain_lo[chains], chain_hi[chains], chain_d[chains] = lo, hi, d
            chains += 1
            capacity += (hi - lo) // min_run + 1
        i = j
    out_q = np.empty(capacity, dtype=np.int64)
    out_s = np.empty(capacity, dtype=np.int64)
    out_n = np.empty(capacity, dtype=np.int64)
    runs = 0
    for c in range(chains):
        lo, hi, d = chain_lo[c], chain_hi[c], chain_d[c]
        equal = 0  # consecutive equal characters ending at the current one
        start = -1  # the current run's first shingle
        for p in range(lo, hi + k - 1):
            if query_codes[p] == source_codes[p - d]:
                equal += 1
            else:
                equal = 0
            shingle = p - k + 1
            if shingle < lo:
                continue
            ok = equal >= k and not _common(hashes[shingle], first, second, mask)
            if ok:
                if start < 0:
                    start = shingle
            elif start >= 0:
                if shingle - start >= min_run:
                    out_q[runs], out_s[runs], out_n[runs] = start, start - d, shingle - start
                    runs += 1
                start = -1
        if start >= 0 and hi - start >= min_run:
            out_q[runs], out_s[runs], out_n[runs] = start, start - d, hi - start
            runs += 1
    out_q, out_s, out_n = out_q[:runs], out_s[:runs], out_n[:runs]
    by = np.argsort((out_q << 32) + out_s)
    return out_q[by], out_s[by], out_n[by]


FENCE = 64  # the LSH's fences: every FENCE-th key (SimilarityIndex.fences)


@numba.njit(cache=CACHE, nogil=True, inline="always")
def _run_end(values: np.ndarray, i: int, value: Any) -> int:  # pragma: no cover - compiled
    """The end of the run of ``value`` in ``values`` (sorted) from ``i``: the first index
    from ``i`` whose value is another (``len(values)`` when none is). Inlined into its
    callers, so compiled (and warmed) with them."""
    n = len(values)
    while i < n and values[i] == value:
        i += 1
    return i


@numba.njit(cache=CACHE, nogil=True)
def lsh_found(
    keys: np.ndarray, owners: np.ndarray, fences: np.ndarray, needles: np.ndarray, least: int
) -> np.ndarray:  # pragma: no cover - compiled
    """The LSH look-up (``SimilarityIndex._found``): the owners (sorted) of at least
    ``least`` of the keys equal to one of ``needles``. Each needle is searched first in
    the fences (every ``FENCE``-th key, small enough to stay in the cache), then in the
    one block of ``keys`` it names: a few cache misses each instead of a dozen."""
    n = len(keys)
    start = np.empty(len(needles), dtype=np.int64)
    stop = np.empty(len(needles), dtype=np.int64)
    total = 0
    for i in range(len(needles)):
        v = needles[i]
        f = np.searchsorted(fences, v)  # fences[f - 1] < v <= fences[f]
        a = (f - 1) * FENCE + 1 if f > 0 else 0
        b = min(f * FENCE + 1, n)
        lo = a + np.searchsorted(keys[a:b], v)
        hi = _run_end(keys, lo, v)
        start[i], stop[i] = lo, hi
        total += hi - lo
    held = np.empty(total, dtype=np.int64)
    at = 0
    for i in range(len(needles)):
        for j in range(start[i], stop[i]):
            held[at] = owners[j]
            at += 1
    held.sort()
    out = np.empty(total, dtype=np.int64)
    found = 0
    i = 0
    while i < total:
        j = _run_end(held, i + 1, held[i])
        if j - i >= least:
            out[found] = held[i]
            found += 1
        i = j
    return out[:found]


@numba.njit(cache=CACHE, nogil=True)
def seeds(
    mine: np.ndarray,
    mine_positions: np.ndarray,
    mine_first: np.ndarray,
    mine_count: np.ndarray,
    theirs: np.ndarray,
    theirs_positions: np.ndarray,
    theirs_first: np.ndarray,
    theirs_count: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """One candidate's seeds (``SimilarityIndex._ranked``): the fingerprints' hashes
    (sorted, distinct) of both sides merged, and for each shared one every (my
    position, their position) of its places, in their hashes' order."""
    total = 0
    i = j = 0
    while i < len(mine) and j < len(theirs):
        if mine[i] < theirs[j]:
            i += 1
        elif mine[i] > theirs[j]:
            j += 1
        else:
            total += int(mine_count[i]) * int(theirs_count[j])
            i += 1
            j += 1
    q = np.empty(total, dtype=np.int64)
    s = np.empty(total, dtype=np.int64)
    at = 0
    i = j = 0
    while i < len(mine) and j < len(theirs):
        if mine[i] < theirs[j]:
            i += 1
        elif mine[i] > theirs[j]:
            j += 1
        else:
            for a in range(mine_first[i], mine_first[i] + mine_count[i]):
                for b in range(theirs_first[j], theirs_first[j] + theirs_count[j]):
                    q[at] = mine_positions[a]
                    s[at] = theirs_positions[b]
                    at += 1
            i += 1
            j += 1
    return q, s


_EMPTY_BIN = np.uint64(0xFFFFFFFFFFFFFFFF)


@numba.njit(cache=CACHE, nogil=True)
def signature(hashes: np.ndarray, bands: int) -> np.ndarray:  # pragma: no cover - compiled
    """``fingerprints.signature``: the smallest hash of each of ``bands`` bins (by the
    low bits), the non-empty bins' minima sorted."""
    smallest = np.full(bands, _EMPTY_BIN, dtype=np.uint64)
    low = np.uint64(bands - 1)
    for h in hashes:
        bin_ = np.int64(h & low)
        if h < smallest[bin_]:
            smallest[bin_] = h
    out = np.empty(bands, dtype=np.uint64)
    found = 0
    for b in range(bands):
        if smallest[b] != _EMPTY_BIN:
            out[found] = smallest[b]
            found += 1
    return np.sort(out[:found])


@numba.njit(cache=CACHE, nogil=True)
def spans(
    q0: np.ndarray, s0: np.ndarray, length: np.ndarray, k: int, gap: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """``Runs.spans``: the runs merged when both sides continue within ``gap``."""
    n = len(q0)
    a = np.empty(n, dtype=np.int64)
    b = np.empty(n, dtype=np.int64)
    c = np.empty(n, dtype=np.int64)
    d = np.empty(n, dtype=np.int64)
    out = -1
    for i in range(n):
        q1 = q0[i] + length[i] + k - 1
        s1 = s0[i] + length[i] + k - 1
        if out >= 0:
            gap_q = q0[i] - b[out]
            gap_s = s0[i] - d[out]
            if 0 <= gap_q <= gap and 0 <= gap_s <= gap:
                b[out], d[out] = q1, s1
                continue
        out += 1
        a[out], b[out], c[out], d[out] = q0[i], q1, s0[i], s1
    return a[: out + 1], b[: out + 1], c[: out + 1], d[: out + 1]


_warm = False


def warm() -> None:
    """Compile (or load from the cache) every kernel once, on a tiny input: called when
    an index is made or loaded, so that a check never pays for compilation."""
    global _warm  # noqa: PLW0603 (once per process)
    if _warm:
        return
    hashes = np.arange(40, 0, -1, dtype=np.uint64)
    winnow(hashes, 12)
    # Read-only, as the code points of a text are (``np.frombuffer``): numba compiles
    # read-only and writable arrays apart.
    codes = np.frombuffer(np.arange(47, dtype=np.uint32).tobytes(), dtype=np.uint32)
    bitmaps = np.zeros((2, 2), dtype=np.uint8)
    common(hashes, bitmaps[0], bitmaps[1], np.uint64(15))
    starts = np.array([5, 17], dtype=np.int64)
    seed_and_extend(
        starts, starts, codes, codes, hashes, bitmaps[0], bitmaps[1], np.uint64(15), 40, 12, 8, 12
    )
    signature(hashes, 128)
    keys = np.arange(200, dtype=np.uint64)
    lsh_found(keys, np.arange(200, dtype=np.int64), keys[::FENCE].copy(), keys[5:9], 2)
    one = np.ones(3, dtype=np.uint32)
    for mine_kind in (np.uint16, np.uint32):  # a long text's positions take 32 bits
        for theirs_kind in (np.uint16, np.uint32):
            places = np.arange(3, dtype=np.uint32)
            seeds(
                places,
                places.astype(mine_kind),
                places,
                one,
                places,
                places.astype(theirs_kind),
                places,
                one,
            )
    spans(starts, starts, starts, 8, 12)
    _warm = True
