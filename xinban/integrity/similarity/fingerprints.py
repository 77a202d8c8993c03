"""Document frequency and fingerprints (docs/similarity.md, "How"): the count-min sketch of
common shingles, winnowing, and the one-permutation MinHash signature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from xinban.integrity.similarity import kernels
from xinban.integrity.similarity.params import (
    BANDS,
    COMMON_SHARE,
    MIN_COMMON_DF,
    SKETCH_BITS,
    WINDOW,
)
from xinban.integrity.similarity.text import (
    distinct,
)


class FrequencySketch:
    """How many documents hold a shingle: a count-min sketch of two rows of 16-bit
    counters (it may overcount, never undercount; the threshold sits far above the
    collision noise, docs/similarity.md)."""

    def __init__(self, bits: int = SKETCH_BITS) -> None:
        self.bits = bits
        self.rows = np.zeros((2, 1 << bits), dtype=np.uint16)
        self.documents = 0
        self._bitmaps: tuple[int, np.ndarray] | None = None  # see bitmaps()

    def _index(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        mask = np.uint64((1 << self.bits) - 1)
        return (
            (hashes & mask).astype(np.int64),
            ((hashes >> np.uint64(32)) & mask).astype(np.int64),
        )

    def add_many(self, unique_hash_sets: list[np.ndarray]) -> None:
        """Count each document's distinct shingles once (a batch, one bincount per row)."""
        if not unique_hash_sets:
            return
        joined = np.concatenate(unique_hash_sets)
        size = 1 << self.bits
        for row, idx in zip(self.rows, self._index(joined), strict=True):
            counts = np.bincount(idx, minlength=size)
            np.minimum(row.astype(np.int64) + counts, 0xFFFF, out=counts)
            row[:] = counts.astype(np.uint16)
        self.documents += len(unique_hash_sets)
        self._bitmaps = None  # rebuilt when next needed

    def add(self, hashes: np.ndarray) -> None:
        unique = distinct(hashes)
        for row, idx in zip(self.rows, self._index(unique), strict=True):
            room = row[idx] < 0xFFFF
            np.add.at(row, idx[room], 1)
        self.documents += 1
        # The bitmaps stay exact: the counters reaching the threshold get their bit;
        # when the threshold rose, they are built again (at most every 200 documents).
        built: tuple[int, np.ndarray] | None = getattr(self, "_bitmaps", None)
        if built is not None:
            threshold = common_threshold(self.documents)
            if built[0] != threshold:
                self.bitmaps()
            else:
                for row, bits, idx in zip(self.rows, built[1], self._index(unique), strict=True):
                    kernels.mark(bits, idx[row[idx] >= threshold])

    def frequency(self, hashes: np.ndarray) -> np.ndarray:
        i0, i1 = self._index(hashes)
        return np.minimum(self.rows[0][i0], self.rows[1][i1])

    def bitmaps(self) -> np.ndarray:
        """Which counters reach the threshold: a bit per counter of each row (uint8,
        shape (2, counters / 8); 1 MB for the 16 MB sketch), so that a check reads these
        instead of the counters (kernels.py, docs/similarity.md "Fourth pass"). Built for
        the current threshold when first needed, kept exact by :meth:`add`, dropped by
        :meth:`add_many`."""
        threshold = common_threshold(self.documents)
        built: tuple[int, np.ndarray] | None = getattr(self, "_bitmaps", None)
        if built is None or built[0] != threshold:
            built = self._bitmaps = (
                threshold,
                np.packbits(self.rows >= threshold, axis=1, bitorder="little"),
            )
        return built[1]

    def common_few(self, hashes: np.ndarray) -> np.ndarray:
        """As :meth:`common` (the same answer), compiled, from :meth:`bitmaps`."""
        bitmaps = self.bitmaps()
        return kernels.common(
            np.ascontiguousarray(hashes, dtype=np.uint64),
            bitmaps[0],
            bitmaps[1],
            np.uint64((1 << self.bits) - 1),
        )

    def common(self, hashes: np.ndarray) -> np.ndarray:
        """A boolean mask: which of ``hashes`` are common (discounted)."""
        return self.frequency(hashes) >= common_threshold(self.documents)


def common_threshold(documents: int) -> int:
    return max(MIN_COMMON_DF, math.ceil(COMMON_SHARE * documents))


def winnow(hashes: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """The positions of the fingerprints: every position whose hash is the smallest of a
    window of ``window`` consecutive shingles containing it (winnowing). Equal runs of
    at least ``window`` shingles on two sides hold a fingerprint at the same place.
    Compiled (kernels.py, docs/similarity.md, "Fourth pass")."""
    return kernels.winnow(np.ascontiguousarray(hashes, dtype=np.uint64), window)


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``concatenate([arange(s, s + c) for s, c in zip(starts, counts)])``, vectorised."""
    total = int(counts.sum())
    if not total:
        return np.zeros(0, dtype=np.int64)
    before = np.cumsum(counts) - counts
    return np.arange(total, dtype=np.int64) + np.repeat(starts - before, counts)


@dataclass(frozen=True)
class Fingerprints:
    """A document's fingerprints: the distinct top 32 bits of their hashes (sorted), and
    for each the positions holding it (``positions[first[i] : first[i] + count[i]]``).
    Kept small (the index holds one per document): positions in 16 bits when the text
    allows, and ``first``/``count`` only when a fingerprint repeats (else empty)."""

    hashes: np.ndarray  # uint32, sorted, distinct
    positions: np.ndarray  # uint16 or uint32 (the shingles' normalised positions)
    _first: np.ndarray  # uint32, empty when no fingerprint repeats
    _count: np.ndarray  # uint32, empty when no fingerprint repeats

    @classmethod
    def of(cls, hashes: np.ndarray, positions: np.ndarray) -> Fingerprints:
        # One sort of (top 32 bits of the hash, position) keys: sorted by hash, and by
        # position within a repeated one.
        keys = hashes[positions] & np.uint64(0xFFFFFFFF00000000)
        keys |= positions.astype(np.uint64)
        keys.sort()
        top = (keys >> np.uint64(32)).astype(np.uint32)
        kind = np.uint16 if len(hashes) < (1 << 16) else np.uint32
        ordered = keys.astype(kind)  # the low bits: the positions
        starts = np.nonzero(np.append(True, top[1:] != top[:-1]))[0]
        if len(starts) == len(top):
            empty = np.zeros(0, dtype=np.uint32)
            return cls(top, ordered, empty, empty)
        count = np.diff(np.append(starts, len(top)))
        return cls(top[starts], ordered, starts.astype(np.uint32), count.astype(np.uint32))

    @property
    def first(self) -> np.ndarray:
        return self._first if len(self._first) else np.arange(len(self.hashes), dtype=np.uint32)

    @property
    def count(self) -> np.ndarray:
        return self._count if len(self._count) else np.ones(len(self.hashes), dtype=np.uint32)

    @property
    def repeats(self) -> bool:
        return bool(len(self._count))


def signature(sorted_hashes: np.ndarray) -> np.ndarray:
    """A one-permutation MinHash of 64-bit fingerprint hashes (sorted): ``BANDS`` bins
    by the low bits, the smallest hash of each non-empty bin (whose low bits name its
    band). Two documents share a bin's minimum with probability about the Jaccard
    similarity of their fingerprints. Compiled (kernels.py)."""
    return kernels.signature(np.ascontiguousarray(sorted_hashes, dtype=np.uint64), BANDS)
