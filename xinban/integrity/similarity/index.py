"""The LSH index (docs/similarity.md, "How"): the documents' fingerprints and signatures,
their (band, minimum) keys, the candidates of a query and the check aligning them. It is
pickled to a file by xinban/integrity/services.py; its layout is ``INDEX_FORMAT``.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from xinban.integrity.similarity import kernels
from xinban.integrity.similarity.fingerprints import (
    Fingerprints,
    FrequencySketch,
    _ranges,
    signature,
    winnow,
)
from xinban.integrity.similarity.params import (
    FEW_SEEDS,
    MAX_CANDIDATES,
    MIN_REPORT_CHARS,
    MIN_RUN,
    MIN_SHARED_FINGERPRINTS,
    MIN_SHARED_MINIMA,
    SKETCH_BITS,
    WINDOW,
    K,
)
from xinban.integrity.similarity.passages import (
    CheckResult,
    Runs,
    SourceMatch,
    _any_long_enough,
    _union_length,
)
from xinban.integrity.similarity.text import (
    Normalised,
    Shingled,
    distinct,
    normalise,
)

BITMAP_FROM = 16_000  # candidates' fingerprints from which the bitmap pays (session 9)


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
    if not (mine_count > 1).any() and not (theirs_count > 1).any():
        # None of the shared fingerprints repeats: one place each (session 9).
        return mine.positions[mine.first[mine_at]].astype(np.int64), theirs.positions[
            theirs.first[theirs_at]
        ].astype(np.int64)
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
        self.fences = np.zeros(0, dtype=np.uint64)  # every FENCE-th key (kernels.py)
        kernels.warm()

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Unpickled (the persisted index): its kernels warmed as when it is made."""
        self.__dict__.update(state)
        self._set_lsh(self.band_keys, self.band_slots)
        self.warm()

    def warm(self) -> None:
        """Compile (or load from numba's cache) the check's kernels once per process and
        build the sketch's small filter, so that no check pays for either
        (docs/similarity.md, "Fourth pass")."""
        kernels.warm()
        self.sketch.bitmaps()

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

    def _set_lsh(self, keys: np.ndarray, slots: np.ndarray) -> None:
        self.band_keys, self.band_slots = keys, slots
        self.fences = np.ascontiguousarray(keys[:: kernels.FENCE])

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
            self._set_lsh(self.band_keys[keep], self.band_slots[keep])
        fingerprints, values = self.fingerprints_of(doc)
        self.fingerprints[slot] = fingerprints
        self.signatures[slot] = values
        at = np.searchsorted(self.band_keys, values)
        self._set_lsh(np.insert(self.band_keys, at, values), np.insert(self.band_slots, at, slot))

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
        self._set_lsh(values[order], owners[order])
        self.warm()

    # -- the check -------------------------------------------------------------------
    def query(self, doc: Shingled) -> Query:
        positions = winnow(doc.hashes)
        full = doc.hashes[positions]
        kept = ~self.sketch.common_few(full)
        return Query(doc, Fingerprints.of(doc.hashes, positions[kept]), signature(full[kept]))

    def _found(self, query: Query, exclude: Hashable) -> list[int]:
        """The LSH look-up: the slots sharing any of the query's minima."""
        if query.empty or not len(self.band_keys):
            return []
        skip = self.slots.get(exclude) if exclude is not None else None
        # Every holder of each minimum; a document sharing one minimum only is, at the
        # bench's scale, nearly always a phrase a few applications share
        # (docs/similarity.md, "Candidates"). Compiled (kernels.py).
        found = kernels.lsh_found(
            self.band_keys, self.band_slots, self.fences, query.signature, MIN_SHARED_MINIMA
        ).tolist()
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
        mine = query.fingerprints
        if len(parts) == 1:  # the usual case: one candidate, merged with the query, compiled
            part = parts[0]
            q, s = kernels.seeds(
                mine.hashes,
                mine.positions,
                mine.first,
                mine.count,
                part.hashes,
                part.positions,
                part.first,
                part.count,
            )
            if len(q) < MIN_SHARED_FINGERPRINTS or limit <= 0:
                return []
            return [(found[0], q, s)]
        sizes = np.asarray([len(p.hashes) for p in parts], dtype=np.int64)
        theirs = np.concatenate([p.hashes for p in parts])
        if len(theirs) > BITMAP_FROM:
            # A bitmap of the query's hashes' top 16 bits rules out most of theirs at
            # once; the rest are searched exactly.
            bitmap = np.zeros(1 << 16, dtype=bool)
            bitmap[mine.hashes >> np.uint32(16)] = True
            maybe = np.flatnonzero(bitmap[theirs >> np.uint32(16)])
            at = np.minimum(np.searchsorted(mine.hashes, theirs[maybe]), len(mine.hashes) - 1)
            equal = mine.hashes[at] == theirs[maybe]
            hit, at = maybe[equal], at[equal]
        else:
            # A few candidates: one search of all theirs is cheaper than the bitmap
            # (docs/similarity.md, session 9).
            at = np.searchsorted(mine.hashes, theirs)
            np.minimum(at, len(mine.hashes) - 1, out=at)
            hit = np.flatnonzero(mine.hashes[at] == theirs)
            at = at[hit]
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
        ns = len(source) - K + 1
        none = np.zeros(0, dtype=np.int64)
        if ns < MIN_RUN or not len(q):
            return Runs(none, none, none)
        # One compiled pass over the seeds and the stretches (docs/similarity.md, "Fourth
        # pass"): chains per diagonal, characters compared, commonness, runs.
        sketch = self.sketch
        bitmaps = sketch.bitmaps()
        rq, rs, rn = kernels.seed_and_extend(
            np.ascontiguousarray(q, dtype=np.int64),
            np.ascontiguousarray(s, dtype=np.int64),
            doc.codes,
            np.frombuffer(source.encode("utf-32-le"), dtype=np.uint32),
            doc.hashes,
            bitmaps[0],
            bitmaps[1],
            np.uint64((1 << sketch.bits) - 1),
            ns,
            WINDOW,
            K,
            MIN_RUN,
        )
        return Runs(rq, rs, rn)

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
