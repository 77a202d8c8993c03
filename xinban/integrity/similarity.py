"""The similarity check's algorithm (docs/similarity.md), free of Django: normalisation,
shingles, the document-frequency sketch, MinHash LSH candidates and the exact alignment of
overlapping passages.

* **Normalisation** — NFKC (full width → half width), ASCII lower case, and every
  character that is not a letter or a digit (punctuation, symbols, white space) dropped;
  an offset array maps each kept character back to the original text.
* **Shingles** — every run of ``K`` consecutive normalised characters, as a 64-bit hash
  (a polynomial over the code points, mixed), computed with numpy.
* **Document frequency** — a count-min sketch (two rows) of the documents holding each
  shingle. A shingle held by at least :func:`common_threshold` documents (the form's
  prompts, the notice's wording, common phrases) is *common*: it never counts as an
  overlap, neither in the candidates nor in the passages.
* **Fingerprints** — winnowing: in every window of ``WINDOW`` consecutive shingles the
  smallest hash is a fingerprint, kept with its position. Any run of at least ``WINDOW``
  equal shingles therefore holds a fingerprint at the same place on both sides.
* **Candidates** — a one-permutation MinHash of the non-common fingerprints (``BANDS``
  bins, the minimum of each) in an LSH of one row per band, kept as one sorted numpy
  array of (band, minimum) keys: a look-up finds the documents sharing any of the query's
  minima, so a check never compares against every document. Candidates are ranked by
  shared fingerprints (at least two) and at most ``MAX_CANDIDATES`` are aligned.
* **Evidence** — seed and extend, exact: the shared fingerprints are the seeds; on each
  diagonal, the stretch from ``WINDOW - 1`` shingles before a chain of seeds to
  ``WINDOW - 1`` after it is compared shingle by shingle (the candidate's shingles hashed
  there only, from its stored normalised text). Every maximal run of equal, non-common
  shingles of at least ``MIN_RUN`` shingles is found, exactly as by comparing everything;
  runs merge into passages across small gaps (an edited character, changed punctuation).
  The share of a source is the part of the query's normalised characters its passages
  cover.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from typing import Any

import numpy as np

INDEX_FORMAT = 2  # the persisted index's layout (a file of another is rebuilt)
K = 8  # shingle width, in normalised characters
MIN_RUN = 12  # shingles: an exact run of K + MIN_RUN - 1 = 19 characters at least
WINDOW = MIN_RUN  # winnowing window: every run of MIN_RUN shingles holds a fingerprint
BAND_BITS = 7
BANDS = 1 << BAND_BITS  # one-permutation MinHash bins = LSH bands of one row
MERGE_GAP = 12  # characters between runs merged into one passage
MIN_REPORT_CHARS = 40  # a source is reported from this many overlapping characters
MIN_SHARED_FINGERPRINTS = 2
MIN_SHARED_MINIMA = 2  # LSH candidates: documents sharing this many signature minima
FEW_SEEDS = 16  # candidates with this many seeds or fewer are checked character-wise first
MAX_CANDIDATES = 20
MIN_COMMON_DF = 5  # a shingle in this many documents (or COMMON_SHARE of them) is common
COMMON_SHARE = 0.005
SKETCH_BITS = 22  # 4 Mi counters per row

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_PRIME = np.uint64(0x100000001B3)
_KEEP = re.compile(r"[^\W_]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class Normalised:
    """A normalised text: ``text`` (the kept characters), ``original`` and ``offsets``
    (int64: ``offsets[i]`` is the index in the original of ``text[i]``). A text stored
    normalised (the index's rows) is read without its offsets; they are computed again
    from the original when a passage is shown (:meth:`stored`)."""

    __slots__ = ("_offsets", "original", "text")

    def __init__(self, text: str, offsets: np.ndarray | None, original: str) -> None:
        self.text = text
        self._offsets = offsets
        self.original = original

    @classmethod
    def stored(cls, text: str, original: str) -> Normalised:
        """A stored normalised ``text`` of ``original`` (offsets on demand)."""
        return cls(text, None, original)

    @property
    def offsets(self) -> np.ndarray:
        if self._offsets is None:
            self._offsets = normalise(self.original).offsets
        return self._offsets


_DROP = -1
_EXPAND = -2


def _kept(char: str) -> bool:
    return _KEEP.fullmatch(char) is not None


@cache
def _char_table() -> np.ndarray:
    """For every BMP code point: its NFKC form's code point, lower-cased for ASCII,
    ``_DROP`` when that is not a letter or digit, ``_EXPAND`` when it is several."""
    table = np.empty(0x10000, dtype=np.int64)
    for code in range(0x10000):
        mapped = unicodedata.normalize("NFKC", chr(code)).translate(_ASCII_LOWER)
        if len(mapped) == 1:
            table[code] = ord(mapped) if _kept(mapped) else _DROP
        else:
            table[code] = _EXPAND if any(_kept(c) for c in mapped) else _DROP
    return table


def _expand(char: str) -> list[int]:
    mapped = unicodedata.normalize("NFKC", char).translate(_ASCII_LOWER)
    return [ord(c) for c in mapped if _kept(c)]


def normalise(original: str) -> Normalised:
    """NFKC character by character (full width → half width, "①" → "1"), ASCII lower
    case, letters and digits only; ``offsets`` map back into ``original``."""
    codes = np.frombuffer(original.encode("utf-32-le"), dtype=np.uint32)
    mapped = np.full(len(codes), _EXPAND, dtype=np.int64)
    bmp = codes < 0x10000
    mapped[bmp] = _char_table()[codes[bmp]]
    expand = np.nonzero(mapped == _EXPAND)[0]
    if not len(expand):
        offsets = np.nonzero(mapped >= 0)[0]
        kept = mapped[offsets]
    else:  # a character that becomes several ("㈱" → "(株)") or lies beyond the BMP
        code_parts: list[np.ndarray] = []
        offset_parts: list[np.ndarray] = []
        previous = 0
        for i in expand.tolist():
            segment = np.nonzero(mapped[previous:i] >= 0)[0] + previous
            code_parts += [mapped[segment], np.asarray(_expand(original[i]), dtype=np.int64)]
            offset_parts += [segment, np.full(len(code_parts[-1]), i, dtype=np.int64)]
            previous = i + 1
        segment = np.nonzero(mapped[previous:] >= 0)[0] + previous
        code_parts.append(mapped[segment])
        offset_parts.append(segment)
        kept, offsets = np.concatenate(code_parts), np.concatenate(offset_parts)
    text = kept.astype(np.uint32).tobytes().decode("utf-32-le")
    return Normalised(text, offsets.astype(np.int64), original)


def shingle_hashes(text: str) -> np.ndarray:
    """The 64-bit hash of every ``K``-character shingle of normalised ``text``, in order."""
    n = len(text) - K + 1
    if n <= 0:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    h = np.zeros(n, dtype=np.uint64)
    for j in range(K):
        h = h * _PRIME + codes[j : j + n]
    return _mix(h)


def _hashes_at(codes: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The shingle hashes at ``positions`` only (``codes``: the normalised text's code
    points as uint64), equal to :func:`shingle_hashes` there."""
    h = np.zeros(len(positions), dtype=np.uint64)
    for j in range(K):
        h = h * _PRIME + codes[positions + j]
    return _mix(h)


def _mix(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser spreads the bits (the sketch reads low bits)."""
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values (numpy's own unique hashes them, many times slower
    here than a sort)."""
    ordered = np.sort(values)
    if len(ordered) < 2:
        return ordered
    keep = np.empty(len(ordered), dtype=bool)
    keep[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=keep[1:])
    return ordered[keep]


@dataclass(frozen=True)
class Shingled:
    norm: Normalised
    hashes: np.ndarray  # uint64, one per position

    @property
    def length(self) -> int:
        return len(self.norm.text)

    @cached_property
    def codes(self) -> np.ndarray:
        """The normalised characters' code points (uint32), computed once."""
        return np.frombuffer(self.norm.text.encode("utf-32-le"), dtype=np.uint32)


def shingle(text: str | Normalised) -> Shingled:
    """A text's shingles; an already normalised text (as stored with the index's rows)
    skips the normalisation."""
    norm = text if isinstance(text, Normalised) else normalise(text)
    return Shingled(norm, shingle_hashes(norm.text))


class FrequencySketch:
    """How many documents hold a shingle: a count-min sketch of two rows of 16-bit
    counters (it may overcount, never undercount; the threshold sits far above the
    collision noise, docs/similarity.md)."""

    def __init__(self, bits: int = SKETCH_BITS) -> None:
        self.bits = bits
        self.rows = np.zeros((2, 1 << bits), dtype=np.uint16)
        self.documents = 0

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

    def add(self, hashes: np.ndarray) -> None:
        unique = distinct(hashes)
        for row, idx in zip(self.rows, self._index(unique), strict=True):
            room = row[idx] < 0xFFFF
            np.add.at(row, idx[room], 1)
        self.documents += 1

    def frequency(self, hashes: np.ndarray) -> np.ndarray:
        i0, i1 = self._index(hashes)
        return np.minimum(self.rows[0][i0], self.rows[1][i1])

    def common(self, hashes: np.ndarray) -> np.ndarray:
        """A boolean mask: which of ``hashes`` are common (discounted)."""
        return self.frequency(hashes) >= common_threshold(self.documents)


def common_threshold(documents: int) -> int:
    return max(MIN_COMMON_DF, int(np.ceil(COMMON_SHARE * documents)))


@dataclass
class Passage:
    query_start: int  # normalised characters, end exclusive
    query_end: int
    source_start: int
    source_end: int
    matched: int  # normalised characters of exact overlap inside
    # The exact runs inside: (query start, query end, source start, source end).
    segments: list[tuple[int, int, int, int]] = field(default_factory=list)

    def text_in(self, doc: Normalised, start: int, end: int) -> str:
        return doc.original[int(doc.offsets[start]) : int(doc.offsets[end - 1]) + 1]


@dataclass(frozen=True)
class Runs:
    """Exact runs, sorted by query then source position: starts (shingle positions) and
    lengths (in shingles), as arrays."""

    query_start: np.ndarray
    source_start: np.ndarray
    length: np.ndarray

    def __len__(self) -> int:
        return len(self.length)

    @classmethod
    def of(cls, q: np.ndarray, s: np.ndarray, n: np.ndarray) -> Runs:
        order = np.argsort((q << 32) + s)
        return cls(q[order], s[order], n[order])

    def spans(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The passages' [start, end) on both sides, in normalised characters: runs
        merged when both sides continue within ``MERGE_GAP`` (as :func:`passages_of`)."""
        q0, s0 = self.query_start, self.source_start
        q1, s1 = q0 + self.length + K - 1, s0 + self.length + K - 1
        if not len(q0):
            return q0, q1, s0, s1
        gap_q, gap_s = q0[1:] - q1[:-1], s0[1:] - s1[:-1]
        merge = (gap_q >= 0) & (gap_q <= MERGE_GAP) & (gap_s >= 0) & (gap_s <= MERGE_GAP)
        first = np.nonzero(np.append(True, ~merge))[0]
        last = np.append(first[1:], len(q0)) - 1
        return q0[first], q1[last], s0[first], s1[last]


def _union_length(starts: np.ndarray, ends: np.ndarray) -> int:
    """The length of the union of [start, end) intervals."""
    if not len(starts):
        return 0
    order = np.argsort(starts, kind="stable")
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    before = np.concatenate(([starts[0]], reach[:-1]))
    return int(np.maximum(ends - np.maximum(starts, before), 0).sum())


@dataclass
class SourceMatch:
    key: Hashable
    covered: int  # the query's normalised characters covered by this source's passages
    share: float
    runs: Runs
    source: Normalised | None = None
    _passages: list[Passage] | None = field(default=None, repr=False)

    @property
    def passages(self) -> list[Passage]:
        """The passages with their exact runs (built when first asked for)."""
        if self._passages is None:
            self._passages = passages_of(self.runs)
        return self._passages


@dataclass
class CheckResult:
    length: int
    overall: float
    matches: list[SourceMatch]
    candidates: int


def winnow(hashes: np.ndarray, window: int = WINDOW) -> np.ndarray:
    """The positions of the fingerprints: every position whose hash is the smallest of a
    window of ``window`` consecutive shingles containing it (winnowing). Equal runs of
    at least ``window`` shingles on two sides hold a fingerprint at the same place."""
    n = len(hashes)
    if n < window:
        return np.zeros(0, dtype=np.int64)
    smallest = _sliding(np.minimum, hashes, window)  # [s]: min of hashes[s : s + window]
    pad = np.zeros(window - 1, dtype=np.uint64)
    # [i]: the largest of the minima of the windows containing i (the padding is 0).
    largest = _sliding(np.maximum, np.concatenate([pad, smallest, pad]), window)
    return np.nonzero(hashes == largest)[0]


def _sliding(op: np.ufunc, values: np.ndarray, width: int) -> np.ndarray:
    """``op`` over every window of ``width`` (``out[s] = op(values[s : s + width])``), by
    doubling: a few whole-array steps instead of one per position."""
    out: np.ndarray | None = None
    span = 0
    power, size = values, 1
    while width:
        if width & 1:
            if out is None:
                out, span = power, size
            else:
                length = len(values) - span - size + 1
                out = op(out[:length], power[span : span + length])
                span += size
        width >>= 1
        if width:
            power = op(power[:-size], power[size:])
            size *= 2
    assert out is not None
    return out


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
    similarity of their fingerprints."""
    if not len(sorted_hashes):
        return np.zeros(0, dtype=np.uint64)
    smallest = np.full(BANDS, np.uint64(0xFFFFFFFFFFFFFFFF), dtype=np.uint64)
    np.minimum.at(smallest, (sorted_hashes & np.uint64(BANDS - 1)).astype(np.intp), sorted_hashes)
    return np.sort(smallest[smallest != np.uint64(0xFFFFFFFFFFFFFFFF)])


def _any_long_enough(
    doc: Shingled, source: str, q: np.ndarray, s: np.ndarray, common: Callable[..., np.ndarray]
) -> bool:
    """Whether any seed may lie in a run: ``MIN_RUN`` consecutive shingles around it equal
    character by character and none of them common. A candidate with no such seed has no
    run; checked for a few seeds (a phrase shared by a few applications, often next to
    the form's prompts), it is far cheaper than aligning them."""
    query = doc.norm.text
    reach = MIN_RUN - 1
    for a, b in zip(q.tolist(), s.tolist(), strict=True):
        if query[a : a + K] != source[b : b + K]:
            continue
        left = 0
        while left < reach and a - left > 0 and b - left > 0:
            if query[a - left - 1] != source[b - left - 1]:
                break
            left += 1
        right = K  # characters from a that are equal
        while right < reach + K and a + right < len(query) and b + right < len(source):
            if query[a + right] != source[b + right]:
                break
            right += 1
        # Equal shingles start at a - left .. a + right - K; a run of MIN_RUN of them
        # holding a must also avoid the common ones.
        if left + right - K + 1 < MIN_RUN:
            continue
        mask = common(doc.hashes[a - left : a + right - K + 1]).tolist()
        longest = current = 0
        for is_common in mask:
            current = 0 if is_common else current + 1
            longest = max(longest, current)
        if longest >= MIN_RUN:
            return True
    return False


def passages_of(runs: Runs) -> list[Passage]:
    """Runs merged into passages when both sides continue within ``MERGE_GAP``."""
    out: list[Passage] = []
    for q0, s0, n in zip(
        runs.query_start.tolist(), runs.source_start.tolist(), runs.length.tolist(), strict=True
    ):
        q1, s1 = q0 + n + K - 1, s0 + n + K - 1
        last = out[-1] if out else None
        if (
            last is not None
            and 0 <= q0 - last.query_end <= MERGE_GAP
            and 0 <= s0 - last.source_end <= MERGE_GAP
        ):
            last.query_end, last.source_end = q1, s1
            last.matched += q1 - q0
            last.segments.append((q0, q1, s0, s1))
            continue
        out.append(Passage(q0, q1, s0, s1, q1 - q0, [(q0, q1, s0, s1)]))
    return out


@dataclass
class Query:
    """What a check computes once about the query: its non-common fingerprints and its
    MinHash signature."""

    doc: Shingled
    fingerprints: Fingerprints
    signature: np.ndarray  # uint64

    @property
    def empty(self) -> bool:
        return not len(self.fingerprints.hashes)


def _pairs(
    mine: Fingerprints, mine_at: np.ndarray, theirs: Fingerprints, theirs_at: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Every (my position, their position) of the matched fingerprints (``mine_at[i]``
    and ``theirs_at[i]`` index equal hashes)."""
    if not mine.repeats and not theirs.repeats:
        return mine.positions[mine_at].astype(np.int64), theirs.positions[theirs_at].astype(
            np.int64
        )
    mine_count = mine.count[mine_at].astype(np.int64)
    theirs_count = theirs.count[theirs_at].astype(np.int64)
    n = mine_count * theirs_count  # a repeated fingerprint: every pair of its places
    k = _ranges(np.zeros(len(n), dtype=np.int64), n)
    per = np.repeat(theirs_count, n)
    q = np.repeat(mine.first[mine_at].astype(np.int64), n) + k // per
    s = np.repeat(theirs.first[theirs_at].astype(np.int64), n) + k % per
    return mine.positions[q].astype(np.int64), theirs.positions[s].astype(np.int64)


class SimilarityIndex:
    """Every indexed document's fingerprints and signature (the LSH), and the
    document-frequency sketch. Picklable: persisted whole (docs/similarity.md)."""

    def __init__(self, sketch_bits: int = SKETCH_BITS) -> None:
        self.sketch = FrequencySketch(sketch_bits)
        self.slots: dict[Hashable, int] = {}
        self.keys: list[Hashable] = []
        self.fingerprints: list[Fingerprints | None] = []
        self.signatures: list[np.ndarray] = []
        # The LSH: every document's signature values (sorted) and the slot of each.
        self.band_keys = np.zeros(0, dtype=np.uint64)
        self.band_slots = np.zeros(0, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.slots)

    def __contains__(self, key: object) -> bool:
        return key in self.slots

    # -- fingerprints and signatures -------------------------------------------------
    def fingerprints_of(self, doc: Shingled) -> tuple[Fingerprints, np.ndarray]:
        """The document's fingerprints (all of them: commonness is judged at each query)
        and its signature (of the fingerprints not common now)."""
        positions = winnow(doc.hashes)
        full = np.sort(doc.hashes[positions])
        kept = full[~self.sketch.common(full)]
        return Fingerprints.of(doc.hashes, positions), signature(kept)

    def _slot(self, key: Hashable) -> int:
        slot = self.slots.get(key)
        if slot is None:
            slot = self.slots[key] = len(self.keys)
            self.keys.append(key)
            self.fingerprints.append(None)
            self.signatures.append(np.zeros(0, dtype=np.uint64))
        return slot

    def _insert(self, key: Hashable, doc: Shingled) -> None:
        slot = self._slot(key)
        old = self.signatures[slot]
        if len(old):
            keep = self.band_slots != slot
            self.band_keys, self.band_slots = self.band_keys[keep], self.band_slots[keep]
        fingerprints, values = self.fingerprints_of(doc)
        self.fingerprints[slot] = fingerprints
        self.signatures[slot] = values
        at = np.searchsorted(self.band_keys, values)
        self.band_keys = np.insert(self.band_keys, at, values)
        self.band_slots = np.insert(self.band_slots, at, slot)

    def add(self, key: Hashable, doc: Shingled) -> None:
        """Index one document (again): counted in the sketch, inserted in the LSH. A
        replaced document's old shingles stay counted until a rebuild (docs/similarity.md)."""
        self.sketch.add(doc.hashes)
        self._insert(key, doc)

    def build(self, items: Callable[[], Iterable[tuple[Hashable, Shingled]]]) -> None:
        """Index many documents: the frequencies first (so that the first documents'
        signatures already leave out what turns out common), then the LSH in one sort."""
        batch: list[np.ndarray] = []
        for _key, doc in items():
            batch.append(distinct(doc.hashes))
            if len(batch) >= 256:
                self.sketch.add_many(batch)
                batch = []
        self.sketch.add_many(batch)
        for key, doc in items():
            slot = self._slot(key)
            self.fingerprints[slot], self.signatures[slot] = self.fingerprints_of(doc)
        slots = [np.full(len(v), i, dtype=np.int64) for i, v in enumerate(self.signatures)]
        values = np.concatenate([np.zeros(0, dtype=np.uint64), *self.signatures])
        owners = np.concatenate([np.zeros(0, dtype=np.int64), *slots])
        order = np.argsort(values, kind="stable")
        self.band_keys, self.band_slots = values[order], owners[order]

    # -- the check -------------------------------------------------------------------
    def query(self, doc: Shingled) -> Query:
        positions = winnow(doc.hashes)
        full = doc.hashes[positions]
        kept = ~self.sketch.common(full)
        return Query(doc, Fingerprints.of(doc.hashes, positions[kept]), signature(full[kept]))

    def _found(self, query: Query, exclude: Hashable) -> list[int]:
        """The LSH look-up: the slots sharing any of the query's minima."""
        if query.empty or not len(self.band_keys):
            return []
        keys, owners = self.band_keys, self.band_slots
        lo = np.searchsorted(keys, query.signature)
        hit = keys[np.minimum(lo, len(keys) - 1)] == query.signature
        skip = self.slots.get(exclude) if exclude is not None else None
        # Usually one document holds a minimum; a few more when it is shared: every
        # holder at once (the end of each equal range, then the ranges' slots).
        start = lo[hit]
        end = np.searchsorted(keys, query.signature[hit], "right")
        held = np.sort(owners[_ranges(start, end - start)])
        if not len(held):
            return []
        # A document sharing one minimum only is, at the bench's scale, nearly always a
        # phrase a few applications share (docs/similarity.md, "Candidates").
        edges = np.flatnonzero(np.append(True, held[1:] != held[:-1]))
        shared = np.diff(np.append(edges, len(held)))
        found = held[edges[shared >= MIN_SHARED_MINIMA]].tolist()
        if skip is not None and skip in found:
            found.remove(skip)
        return found

    def _ranked(
        self, query: Query, exclude: Hashable, limit: int
    ) -> list[tuple[int, np.ndarray, np.ndarray]]:
        """The candidates with their seeds (query and source positions of the shared
        fingerprints), most seeds first; all candidates' fingerprints are matched against
        the query's in one search."""
        found = []
        parts: list[Fingerprints] = []
        for slot in self._found(query, exclude):
            fingerprints = self.fingerprints[slot]
            if fingerprints is not None:
                found.append(slot)
                parts.append(fingerprints)
        if not found:
            return []
        sizes = np.asarray([len(p.hashes) for p in parts], dtype=np.int64)
        theirs = np.concatenate([p.hashes for p in parts])
        mine = query.fingerprints
        # A bitmap of the query's hashes' top 16 bits rules out most of theirs at once;
        # the rest are searched exactly.
        bitmap = np.zeros(1 << 16, dtype=bool)
        bitmap[mine.hashes >> np.uint32(16)] = True
        maybe = np.flatnonzero(bitmap[theirs >> np.uint32(16)])
        at = np.minimum(np.searchsorted(mine.hashes, theirs[maybe]), len(mine.hashes) - 1)
        equal = mine.hashes[at] == theirs[maybe]
        hit, at = maybe[equal], at[equal]
        owner = np.repeat(np.arange(len(parts)), sizes)[hit]
        local = hit - (np.cumsum(sizes) - sizes)[owner]
        if mine.repeats or any(p.repeats for p in parts):
            counts = np.concatenate([p.count for p in parts])[hit] * mine.count[at]
        else:
            counts = np.ones(len(hit), dtype=np.int64)
        seeds = np.bincount(owner, weights=counts, minlength=len(found))
        chosen = np.nonzero(seeds >= MIN_SHARED_FINGERPRINTS)[0].tolist()
        chosen.sort(key=lambda i: (-int(seeds[i]), str(self.keys[found[i]])))
        ranked = []
        for i in chosen[:limit]:
            mask = owner == i
            q, s = _pairs(mine, at[mask], parts[i], local[mask])
            ranked.append((found[i], q, s))
        return ranked

    def candidates(
        self, doc: Shingled, *, exclude: Hashable = None, limit: int = MAX_CANDIDATES
    ) -> list[tuple[Hashable, int]]:
        """Documents sharing the query's fingerprints, most shared first."""
        ranked = self._ranked(self.query(doc), exclude, limit)
        return [(self.keys[slot], len(q)) for slot, q, _s in ranked]

    def runs(self, doc: Shingled, source: str, q: np.ndarray, s: np.ndarray) -> Runs:
        """Seed and extend: every maximal run of equal, non-common shingles of at least
        ``MIN_RUN`` between the query and the normalised ``source`` text, from the seeds
        (``q``, ``s``: shared fingerprints' positions). Each run holds a seed every
        ``WINDOW`` shingles at most and one within ``WINDOW - 1`` of either end, so
        comparing each chain of seeds on its diagonal, widened by ``WINDOW - 1``, finds
        every run whole."""
        nq, ns = len(doc.hashes), len(source) - K + 1
        none = np.zeros(0, dtype=np.int64)
        if ns < MIN_RUN or not len(q):
            return Runs(none, none, none)
        diagonal = q - s
        order = np.argsort((diagonal << 32) + q)  # by diagonal, then position
        q, diagonal = q[order], diagonal[order]
        new = np.empty(len(q), dtype=bool)
        new[0] = True
        # Chains: seeds on one diagonal less than 2 × WINDOW - 1 apart (so that the
        # widened stretches of two chains on one diagonal never overlap).
        np.logical_or(diagonal[1:] != diagonal[:-1], q[1:] - q[:-1] > 2 * WINDOW - 2, out=new[1:])
        first = np.nonzero(new)[0]
        last = np.append(first[1:], len(q)) - 1
        chain_diagonal = diagonal[first]
        lo = np.maximum(q[first] - (WINDOW - 1), np.maximum(chain_diagonal, 0))
        hi = np.minimum(q[last] + WINDOW, np.minimum(nq, ns + chain_diagonal))
        counts = np.maximum(hi - lo, 0)
        if not counts.any():
            return Runs(none, none, none)
        # Characters, not shingles, are compared: a shingle is equal when its K
        # characters are. Each stretch (widened by K - 1 characters) is followed by one
        # sentinel position (never equal), so that runs never continue into the next.
        width = counts + K
        qi = _ranges(lo, width)
        sentinel = np.cumsum(width) - 1
        si = qi - np.repeat(chain_diagonal, width)
        qi[sentinel] = 0
        si[sentinel] = 0
        equal = doc.codes[qi] == np.frombuffer(source.encode("utf-32-le"), dtype=np.uint32)[si]
        equal[sentinel] = False
        edges = np.diff(np.concatenate(([0], equal.view(np.int8), [0])))
        starts = np.nonzero(edges == 1)[0]
        lengths = np.nonzero(edges == -1)[0] - starts - (K - 1)  # in shingles
        long = lengths >= MIN_RUN
        starts, lengths = starts[long], lengths[long]
        # Common shingles break runs: looked up only inside the runs found.
        inside = _ranges(starts, lengths)
        common = self.sketch.common(doc.hashes[qi[inside]])
        if common.any():
            # The runs' non-common shingles; two runs are never adjacent (an unequal
            # character or a sentinel lies between), so a break is a gap in positions.
            kept = inside[~common]
            if not len(kept):
                return Runs(none, none, none)
            cut = np.flatnonzero(kept[1:] - kept[:-1] != 1) + 1
            starts = kept[np.append(0, cut)]
            lengths = np.diff(np.append(np.append(0, cut), len(kept)))
        keep = lengths >= MIN_RUN
        return Runs.of(qi[starts[keep]], si[starts[keep]], lengths[keep])

    def check(
        self,
        doc: Shingled,
        *,
        text_of: Callable[[Any], str | Normalised | None],
        exclude: Hashable = None,
    ) -> CheckResult:
        """Compare ``doc`` with its candidates: exact passages, shares and the overall
        overlap. ``text_of(key)`` reads a candidate's text — stored normalised
        (:meth:`Normalised.stored`), or the original (normalised here) — None: gone."""
        ranked = self._ranked(self.query(doc), exclude, MAX_CANDIDATES)
        matches: list[SourceMatch] = []
        spans: list[tuple[np.ndarray, np.ndarray]] = []
        for slot, q, s in ranked:
            key = self.keys[slot]
            text = text_of(key)
            if text is None:
                continue
            source = text if isinstance(text, Normalised) else normalise(text)
            if len(q) <= FEW_SEEDS and not _any_long_enough(
                doc, source.text, q, s, self.sketch.common
            ):
                continue
            runs = self.runs(doc, source.text, q, s)
            q0, q1, _s0, _s1 = runs.spans()
            covered = _union_length(q0, q1)
            if covered < MIN_REPORT_CHARS:
                continue
            share = covered / max(doc.length, 1)
            matches.append(SourceMatch(key, covered, share, runs, source))
            spans.append((q0, q1))
        matches.sort(key=lambda m: (-m.covered, str(m.key)))
        overall = _union_length(
            np.concatenate([np.zeros(0, dtype=np.int64), *(a for a, _b in spans)]),
            np.concatenate([np.zeros(0, dtype=np.int64), *(b for _a, b in spans)]),
        ) / max(doc.length, 1)
        return CheckResult(doc.length, overall, matches, len(ranked))


def _span(doc: Normalised, start: int, end: int) -> tuple[int, int]:
    """Normalised [start, end) as original [start, end)."""
    return int(doc.offsets[start]), int(doc.offsets[end - 1]) + 1


def passage_texts(doc: Shingled, match: SourceMatch) -> list[dict[str, Any]]:
    """The passages in the original texts (query and source), for the page and API, with
    the exactly equal parts (``marks``, ``source_marks``: [start, end) in the passage's
    text) to highlight."""
    source = match.source
    assert source is not None
    out = []
    for p in match.passages:
        q0, q1 = _span(doc.norm, p.query_start, p.query_end)
        s0, s1 = _span(source, p.source_start, p.source_end)
        marks, source_marks = [], []
        for a, b, c, d in p.segments:
            qa, qb = _span(doc.norm, a, b)
            sc, sd = _span(source, c, d)
            marks.append([qa - q0, qb - q0])
            source_marks.append([sc - s0, sd - s0])
        out.append(
            {
                "query_start": q0,
                "query_end": q1,
                "source_start": s0,
                "source_end": s1,
                "text": doc.norm.original[q0:q1],
                "source_text": source.original[s0:s1],
                "marks": marks,
                "source_marks": source_marks,
            }
        )
    return out
