"""The compiled kernels (xinban/integrity/similarity/kernels.py): the same answers as the
plain definitions they replace, and a check that never compiles."""

from __future__ import annotations

import pickle
import random

import numpy as np

from tests.integrity.conftest import diagonal_runs
from tests.integrity.test_similarity import text
from xinban.integrity import similarity as S
from xinban.integrity.similarity import kernels


def _winnow_reference(hashes: np.ndarray, window: int) -> np.ndarray:
    """Winnowing by its definition: a position is a fingerprint when its hash is the
    smallest of some window of ``window`` shingles holding it."""
    n = len(hashes)
    out = []
    for i in range(n):
        for start in range(max(0, i - window + 1), min(i, n - window) + 1):
            if hashes[i] == hashes[start : start + window].min():
                out.append(i)
                break
    return np.asarray(out, dtype=np.int64)


def test_winnow_matches_its_definition_with_ties_and_short_inputs() -> None:
    rng = np.random.default_rng(12)
    for n in [0, 5, 11, 12, 13, 23, 24, 25, 37, 100, 301]:
        for top in [3, 50, 1 << 62]:  # small ranges: many equal hashes
            hashes = rng.integers(0, top, size=n, dtype=np.uint64)
            for window in [1, 2, 12]:
                assert S.winnow(hashes, window).tolist() == (
                    _winnow_reference(hashes, window).tolist()
                ), (n, top, window)


def test_seed_and_extend_skips_common_shingles_as_a_full_comparison_does() -> None:
    rng = random.Random(21)
    source = text(900, rng)
    pieces = [text(30, rng)]
    for start, size in [(0, 80), (120, 45), (300, 260), (600, 30), (650, 120), (300, 60)]:
        pieces += [source[start : start + size], text(12, rng)]
    query = "".join(pieces)
    doc, src = S.shingle(query), S.shingle(source)
    index = S.SimilarityIndex(sketch_bits=12)
    index.add(1, src)
    # Some of the copied shingles become common (inside the long piece and at the edge
    # of another): runs split there, as with a full comparison.
    index.sketch = S.FrequencySketch(bits=12)
    for _ in range(S.MIN_COMMON_DF):
        index.sketch.add(S.shingle(source[380:400] + source[660:672]).hashes)
    common = index.sketch.common(doc.hashes)
    assert common.any()
    [(_slot, q, s)] = index._ranked(index.query(doc), None, 5)
    runs = index.runs(doc, src.norm.text, q, s)
    found = list(
        zip(
            runs.query_start.tolist(), runs.source_start.tolist(), runs.length.tolist(), strict=True
        )
    )
    assert found == sorted(found)  # by query, then source position
    expected = diagonal_runs(doc.hashes, src.hashes, common)
    assert len(expected) >= 6
    assert set(found) == expected


def test_a_check_never_compiles_a_kernel() -> None:
    rng = random.Random(22)
    docs = {i: text(1500, rng) for i in range(6)}
    index = S.SimilarityIndex(sketch_bits=14)  # warms the kernels
    for key, value in docs.items():
        index.add(key, S.shingle(value))
    index = pickle.loads(pickle.dumps(index))  # noqa: S301 (as persisted)
    compiled = [
        kernels.winnow,
        kernels.common,
        kernels.seed_and_extend,
        kernels.lsh_found,
        kernels.seeds,
        kernels.signature,
        kernels.spans,
    ]
    before = [len(kernel.signatures) for kernel in compiled]
    result = index.check(S.shingle(text(300, rng) + docs[4][100:700]), text_of=docs.get)
    assert [m.key for m in result.matches] == [4]
    assert [len(kernel.signatures) for kernel in compiled] == before


def test_the_bitmaps_answer_as_the_sketch_after_batches_and_single_additions() -> None:
    rng = random.Random(23)
    phrase = text(200, rng)
    docs = [S.shingle(phrase + text(300, rng)) for _ in range(8)]
    sketch = S.FrequencySketch(bits=12)
    sketch.add_many([S.distinct(d.hashes) for d in docs[:4]])
    probe = np.concatenate([d.hashes for d in docs])
    assert np.array_equal(sketch.common_few(probe), sketch.common(probe))
    # Single additions keep the built bitmaps exact: the phrase turns common.
    for d in docs[4:]:
        sketch.add(d.hashes)
        assert np.array_equal(sketch.common_few(probe), sketch.common(probe))
    assert sketch.common_few(docs[0].hashes[:100]).all()
    assert not sketch.common_few(docs[0].hashes[-50:]).all()


def _found_reference(keys: np.ndarray, owners: np.ndarray, needles: np.ndarray) -> list[int]:
    held: dict[int, int] = {}
    for v in needles.tolist():
        for owner in owners[keys == v].tolist():
            held[owner] = held.get(owner, 0) + 1
    return sorted(o for o, n in held.items() if n >= S.MIN_SHARED_MINIMA)


def test_lsh_look_up_finds_every_holder_across_the_fences() -> None:
    rng = np.random.default_rng(24)
    for size in [1, 63, 64, 65, 200, 3000]:
        # Few distinct values: long equal ranges crossing the fences.
        keys = np.sort(rng.integers(0, size // 8 + 2, size=size, dtype=np.uint64))
        owners = rng.integers(0, 40, size=size, dtype=np.int64)
        fences = np.ascontiguousarray(keys[:: kernels.FENCE])
        needles = np.unique(rng.integers(0, size // 8 + 4, size=20, dtype=np.uint64))
        found = kernels.lsh_found(keys, owners, fences, needles, S.MIN_SHARED_MINIMA)
        assert found.tolist() == _found_reference(keys, owners, needles), size


def test_signature_is_the_smallest_hash_of_each_bin() -> None:
    rng = np.random.default_rng(25)
    hashes = rng.integers(0, 1 << 63, size=500, dtype=np.uint64)
    hashes[:3] = np.uint64(0xFFFFFFFFFFFFFFFF)  # the empty bin's mark: never a minimum
    bins = (hashes & np.uint64(S.BANDS - 1)).astype(np.int64)
    expected = sorted(
        int(hashes[bins == b].min())
        for b in set(bins.tolist())
        if int(hashes[bins == b].min()) != 0xFFFFFFFFFFFFFFFF
    )
    assert S.signature(hashes).tolist() == expected
    assert S.signature(hashes[:0]).tolist() == []


def test_spans_merge_the_runs_as_the_passages_do() -> None:
    rng = np.random.default_rng(27)
    q = np.cumsum(rng.integers(S.K + S.MIN_RUN, S.K + S.MIN_RUN + 30, size=60))
    s = q + rng.integers(-3, 4, size=60).cumsum()
    n = rng.integers(S.MIN_RUN, S.MIN_RUN + 20, size=60)
    runs = S.Runs.of(q.astype(np.int64), s.astype(np.int64), n.astype(np.int64))
    q0, q1, s0, s1 = runs.spans()
    passages = S.passages_of(runs)
    assert 1 < len(passages) < 60
    assert list(zip(q0.tolist(), q1.tolist(), s0.tolist(), s1.tolist(), strict=True)) == [
        (p.query_start, p.query_end, p.source_start, p.source_end) for p in passages
    ]
