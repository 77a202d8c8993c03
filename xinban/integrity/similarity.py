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
* **Candidates** — the shingles whose hash is 0 modulo ``SAMPLE`` (the fingerprints,
  minus the common ones) feed a MinHash; datasketch's MinHashLSH with one row per band
  finds the documents sharing any of the query's minima (about one in 25 shared
  fingerprints suffices), so a check never compares against every document. Candidates
  are ranked by shared fingerprints and at most ``MAX_CANDIDATES`` are aligned.
* **Evidence** — the query's and a candidate's shingle sequences are aligned exactly:
  maximal runs of equal, non-common shingles of at least ``MIN_RUN`` shingles, merged
  into passages across small gaps (an edited character, changed punctuation). The share
  of a source is the part of the query's normalised characters its passages cover.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # datasketch (and scipy) load on first use, not with every process
    from datasketch import MinHash

K = 8  # shingle width, in normalised characters
SAMPLE = 8  # fingerprints: shingles whose hash is 0 modulo SAMPLE
NUM_PERM = 128
LSH_PARAMS = (128, 1)  # bands × rows: one row per band finds small containments
MIN_RUN = 12  # shingles: an exact run of K + MIN_RUN - 1 = 19 characters at least
MERGE_GAP = 12  # characters between runs merged into one passage
MIN_REPORT_CHARS = 40  # a source is reported from this many overlapping characters
MIN_SHARED_FINGERPRINTS = 2
MAX_CANDIDATES = 20
MIN_COMMON_DF = 5  # a shingle in this many documents (or COMMON_SHARE of them) is common
COMMON_SHARE = 0.005
SKETCH_BITS = 22  # 4 Mi counters per row

_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_PRIME = np.uint64(0x100000001B3)
_KEEP = re.compile(r"[^\W_]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


@dataclass(frozen=True)
class Normalised:
    text: str  # the normalised characters
    offsets: np.ndarray  # int64: offsets[i] is the index in the original of text[i]
    original: str


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
    # splitmix64's finaliser spreads the bits (the sample and the sketch read low bits).
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


@dataclass(frozen=True)
class Run:
    query_start: int  # shingle positions
    source_start: int
    length: int  # in shingles


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


@dataclass
class SourceMatch:
    key: Hashable
    covered: int  # the query's normalised characters covered by this source's passages
    share: float
    passages: list[Passage] = field(default_factory=list)
    source: Shingled | None = None


@dataclass
class CheckResult:
    length: int
    overall: float
    matches: list[SourceMatch]
    candidates: int


def _masked(hashes: np.ndarray, common: np.ndarray, tag: int) -> np.ndarray:
    """``hashes`` with each common shingle replaced by a value that equals nothing on the
    other side: the tag in the top bits and the position below, so that in :func:`align`
    all masked values share one key that a real hash meets with probability 2⁻⁴⁰ per
    shingle (and a lone hit makes no run). Only the query is masked (docs/similarity.md,
    "Figures")."""
    out = hashes.copy()
    where = np.nonzero(common)[0].astype(np.uint64)
    out[common] = (np.uint64(tag) << np.uint64(62)) | where
    return out


_POSITION_BITS = np.uint64(24)  # 23 bits of position (8 M characters) and the side
_SIDE = np.uint64(1 << 23)
_POSITION_MASK = np.uint64((1 << 23) - 1)
_KEY_MASK = np.uint64((1 << 24) - 1)


def align(query: np.ndarray, source: np.ndarray) -> list[Run]:
    """Maximal runs of equal shingles (``query`` and ``source`` already masked), each of
    at least ``MIN_RUN`` shingles. Both sides are packed as (hash's top 40 bits, side,
    position) and sorted together once; a source shingle whose group of equal hashes
    starts with a query shingle is a hit at that (first) query position, and consecutive
    hits on one diagonal form a run."""
    limit = int(_POSITION_MASK)  # beyond 8 M characters a text is compared in part
    query, source = query[:limit], source[:limit]
    nq, ns = len(query), len(source)
    if nq < MIN_RUN or ns < MIN_RUN:
        return []
    top = ~_KEY_MASK
    packed = np.sort(
        np.concatenate(
            [
                (query & top) | np.arange(nq, dtype=np.uint64),
                (source & top) | _SIDE | np.arange(ns, dtype=np.uint64),
            ]
        )
    )
    group = packed >> _POSITION_BITS
    index = np.arange(len(packed))
    first = np.empty(len(packed), dtype=bool)
    first[0] = True
    np.not_equal(group[1:], group[:-1], out=first[1:])
    leader = packed[np.maximum.accumulate(np.where(first, index, 0))]
    is_source = (packed & _SIDE) != 0
    sorted_hit = is_source & ((leader & _SIDE) == 0)
    if int(sorted_hit.sum()) < MIN_RUN:
        return []
    # Only the hits, in source order: a hit continues a run when it is the next source
    # position on the same diagonal.
    j = (packed[sorted_hit] & _POSITION_MASK).astype(np.int64)
    p = (leader[sorted_hit] & _POSITION_MASK).astype(np.int64)
    order = np.argsort(j)
    j, p = j[order], p[order]
    diagonal = p - j
    follows = np.empty(len(j), dtype=bool)
    follows[0] = False
    np.logical_and(j[1:] == j[:-1] + 1, diagonal[1:] == diagonal[:-1], out=follows[1:])
    start_idx = np.nonzero(~follows)[0]
    lengths = np.diff(np.append(start_idx, len(j)))
    keep = lengths >= MIN_RUN
    return [
        Run(int(p[s]), int(j[s]), int(n))
        for s, n in zip(start_idx[keep].tolist(), lengths[keep].tolist(), strict=True)
    ]


def passages_of(runs: list[Run]) -> list[Passage]:
    """Runs merged into passages when both sides continue within ``MERGE_GAP``."""
    out: list[Passage] = []
    for run in sorted(runs, key=lambda r: (r.query_start, r.source_start)):
        q0, q1 = run.query_start, run.query_start + run.length + K - 1
        s0, s1 = run.source_start, run.source_start + run.length + K - 1
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


def _covered(passages: Iterable[Passage]) -> np.ndarray:
    """Sorted, merged [start, end) query intervals."""
    spans = sorted((p.query_start, p.query_end) for p in passages)
    merged: list[list[int]] = []
    for a, b in spans:
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return np.asarray(merged, dtype=np.int64).reshape(-1, 2)


def _covered_length(passages: Iterable[Passage]) -> int:
    spans = _covered(passages)
    return int((spans[:, 1] - spans[:, 0]).sum()) if len(spans) else 0


def _shared(mine: np.ndarray, theirs: np.ndarray) -> int:
    """How many values two sorted arrays of distinct values share (one sort of both:
    equal neighbours; numpy's isin costs several times more on arrays this small)."""
    both = np.sort(np.concatenate([mine, theirs]))
    return int(np.count_nonzero(both[1:] == both[:-1]))


class SimilarityIndex:
    """Every indexed document's fingerprints and MinHash in an LSH, and the
    document-frequency sketch. Picklable: persisted whole (docs/similarity.md)."""

    def __init__(self, sketch_bits: int = SKETCH_BITS) -> None:
        from datasketch import MinHash, MinHashLSH

        self.permutations = MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32").permutations
        self.lsh = MinHashLSH(num_perm=NUM_PERM, params=LSH_PARAMS)
        self.sketch = FrequencySketch(sketch_bits)
        self.fingerprints: dict[Hashable, np.ndarray] = {}

    def __len__(self) -> int:
        return len(self.fingerprints)

    def __contains__(self, key: object) -> bool:
        return key in self.fingerprints

    # -- fingerprints and MinHash --------------------------------------------------
    def fingerprints_of(self, doc: Shingled) -> np.ndarray:
        picked = distinct(doc.hashes[doc.hashes & np.uint64(SAMPLE - 1) == 0])
        picked = picked[~self.sketch.common(picked)]
        return distinct((picked >> np.uint64(32)).astype(np.uint32))

    def minhash(self, fingerprints: np.ndarray) -> MinHash:
        from datasketch import MinHash

        a, b = self.permutations
        values = (a[:, None] * fingerprints[None, :] + b[:, None]).min(axis=1)
        return MinHash(hashvalues=values, permutations=self.permutations, scheme="affine32")

    def _insert(self, key: Hashable, fingerprints: np.ndarray) -> None:
        if key in self.fingerprints:
            self.lsh.remove(key)
        self.fingerprints[key] = fingerprints
        if len(fingerprints):
            self.lsh.insert(key, self.minhash(fingerprints), check_duplication=False)

    def add(self, key: Hashable, doc: Shingled) -> None:
        """Index one document (again): counted in the sketch, inserted in the LSH. A
        replaced document's old shingles stay counted until a rebuild (docs/similarity.md)."""
        self.sketch.add(doc.hashes)
        self._insert(key, self.fingerprints_of(doc))

    def build(self, items: Callable[[], Iterable[tuple[Hashable, Shingled]]]) -> None:
        """Index many documents: the frequencies first (so that the first documents'
        fingerprints already leave out what turns out common), then the LSH."""
        batch: list[np.ndarray] = []
        for _key, doc in items():
            batch.append(distinct(doc.hashes))
            if len(batch) >= 256:
                self.sketch.add_many(batch)
                batch = []
        self.sketch.add_many(batch)
        for key, doc in items():
            self._insert(key, self.fingerprints_of(doc))

    # -- the check -------------------------------------------------------------------
    def candidates(
        self, doc: Shingled, *, exclude: Hashable = None, limit: int = MAX_CANDIDATES
    ) -> list[tuple[Hashable, int]]:
        """Documents sharing the query's fingerprints, most shared first."""
        mine = self.fingerprints_of(doc)
        if not len(mine):
            return []
        found = self.lsh.query(self.minhash(mine))
        ranked = []
        for key in found:
            if key == exclude:
                continue
            shared = _shared(mine, self.fingerprints[key])
            if shared >= MIN_SHARED_FINGERPRINTS:
                ranked.append((key, shared))
        ranked.sort(key=lambda item: (-item[1], str(item[0])))
        return ranked[:limit]

    def check(
        self,
        doc: Shingled,
        *,
        text_of: Callable[[Hashable], str | Normalised | None],
        exclude: Hashable = None,
    ) -> CheckResult:
        """Compare ``doc`` with its candidates: exact passages, shares and the overall
        overlap. ``text_of(key)`` reads a candidate's text, normalised or not (None: gone)."""
        found = self.candidates(doc, exclude=exclude)
        query = _masked(doc.hashes, self.sketch.common(doc.hashes), 1)
        matches: list[SourceMatch] = []
        for key, _shared in found:
            text = text_of(key)
            if text is None:
                continue
            source_doc = shingle(text)
            # The source needs no mask: a shingle equal to an unmasked query shingle is
            # not common either, and a masked query shingle equals nothing.
            passages = passages_of(align(query, source_doc.hashes))
            covered = _covered_length(passages)
            if covered < MIN_REPORT_CHARS:
                continue
            share = covered / max(doc.length, 1)
            matches.append(SourceMatch(key, covered, share, passages, source_doc))
        matches.sort(key=lambda m: (-m.covered, str(m.key)))
        overall = _covered_length(p for m in matches for p in m.passages) / max(doc.length, 1)
        return CheckResult(doc.length, overall, matches, len(found))


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
        s0, s1 = _span(source.norm, p.source_start, p.source_end)
        marks, source_marks = [], []
        for a, b, c, d in p.segments:
            qa, qb = _span(doc.norm, a, b)
            sc, sd = _span(source.norm, c, d)
            marks.append([qa - q0, qb - q0])
            source_marks.append([sc - s0, sd - s0])
        out.append(
            {
                "query_start": q0,
                "query_end": q1,
                "source_start": s0,
                "source_end": s1,
                "text": doc.norm.original[q0:q1],
                "source_text": source.norm.original[s0:s1],
                "marks": marks,
                "source_marks": source_marks,
            }
        )
    return out
