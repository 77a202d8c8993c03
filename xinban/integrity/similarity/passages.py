"""The evidence (docs/similarity.md, "How"): runs of equal shingles, merged into passages,
the matches and result of a check, and the passages' original text.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from xinban.integrity.similarity import kernels
from xinban.integrity.similarity.params import (
    MERGE_GAP,
    MIN_RUN,
    K,
)
from xinban.integrity.similarity.text import (
    Normalised,
    Shingled,
)


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
        return kernels.spans(  # compiled (docs/similarity.md, "Fourth pass")
            np.ascontiguousarray(self.query_start, dtype=np.int64),
            np.ascontiguousarray(self.source_start, dtype=np.int64),
            np.ascontiguousarray(self.length, dtype=np.int64),
            K,
            MERGE_GAP,
        )


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
