"""The algorithm (xinban/integrity/similarity/): normalisation, shingles, the
document-frequency discount and a planted copy found with its passages."""

from __future__ import annotations

import random

import numpy as np

from tests.integrity.conftest import diagonal_runs
from xinban.integrity import similarity as S

RNG = random.Random(7)
CHARS = [chr(c) for c in range(0x4E00, 0x4E00 + 2500)]
WORDS = ["".join(RNG.choice(CHARS) for _ in range(RNG.randint(1, 4))) for _ in range(5000)]


def text(n: int, rng: random.Random) -> str:
    out: list[str] = []
    size = 0
    while size < n:
        words = (rng.choice(WORDS) for _ in range(rng.randint(4, 9)))
        sentence = "".join(words) + rng.choice("，。；")
        out.append(sentence)
        size += len(sentence)
    return "".join(out)


def test_normalise_width_punctuation_space_and_case() -> None:
    norm = S.normalise("ＡＢ，c d。\u3000质量Ｑ１２！\n①")
    assert norm.text == "abcd质量q121"
    # Every kept character maps back to its place in the original.
    original = norm.original
    assert [original[i] for i in norm.offsets] == list("ＡＢcd质量Ｑ１２①")


def test_normalise_expanding_character_keeps_offsets() -> None:
    norm = S.normalise("甲㈱乙")
    assert norm.text == "甲株乙"
    assert norm.offsets.tolist() == [0, 1, 2]


def test_same_text_with_other_punctuation_and_width_has_same_shingles() -> None:
    a = S.shingle("质量信得过班组，坚持标准化作业。ＰＤＣＡ循环改进")
    b = S.shingle("质量信得过班组,坚持 标准化作业.PDCA循环改进")
    assert a.norm.text == b.norm.text
    assert np.array_equal(a.hashes, b.hashes)
    assert len(a.hashes) == len(a.norm.text) - S.K + 1


def test_shingles_differ_for_different_text() -> None:
    a = S.shingle("质量信得过班组坚持标准化作业")
    b = S.shingle("安全生产班组坚持精益改善活动")
    assert not set(a.hashes.tolist()) & set(b.hashes.tolist())


def test_short_text_has_no_shingles() -> None:
    assert len(S.shingle("质量").hashes) == 0


def test_frequency_sketch_counts_documents_not_occurrences() -> None:
    sketch = S.FrequencySketch(bits=12)
    doc = S.shingle("质量改进质量改进质量改进质量改进")
    sketch.add(doc.hashes)
    sketch.add(doc.hashes)
    assert int(sketch.frequency(doc.hashes[:1])[0]) == 2
    assert sketch.documents == 2
    sketch.add_many([S.distinct(doc.hashes)] * 3)
    assert int(sketch.frequency(doc.hashes[:1])[0]) == 5


def _index(docs: dict[int, str]) -> S.SimilarityIndex:
    index = S.SimilarityIndex(sketch_bits=16)
    index.build(lambda: ((k, S.shingle(v)) for k, v in docs.items()))
    return index


def test_planted_copy_is_found_with_its_passages() -> None:
    rng = random.Random(1)
    docs = {i: text(3000, rng) for i in range(30)}
    copied = docs[7][1000:1600]
    # Reordered halves, other punctuation and one edited character.
    edited = copied[300:] + "。" + copied[:300].replace("，", ",").replace("。", ". ")
    edited = edited[:100] + "★" + edited[101:]
    query = text(1200, rng) + edited + text(1200, rng)
    index = _index(docs)
    doc = S.shingle(query)
    result = index.check(doc, text_of=docs.get)
    assert [m.key for m in result.matches] == [7]
    match = result.matches[0]
    assert 0.15 < match.share < 0.25
    assert result.overall == match.share
    passages = S.passage_texts(doc, match)
    assert len(passages) >= 2
    for passage in passages:
        # Each side is a slice of its own original text, equal once normalised.
        assert passage["text"] in query
        assert passage["source_text"] in docs[7]
    joined = "".join(S.normalise(p["source_text"]).text for p in passages)
    assert len(joined) >= 500


def test_unrelated_text_has_no_match() -> None:
    rng = random.Random(2)
    docs = {i: text(3000, rng) for i in range(30)}
    index = _index(docs)
    result = index.check(S.shingle(text(3000, rng)), text_of=docs.get)
    assert result.matches == []
    assert result.overall == 0


def test_common_prompts_are_discounted() -> None:
    """The form's prompts in every application never make two of them alike."""
    rng = random.Random(3)
    prompts = [
        "一、人员组成、职责、主要工作内容、班组文化和愿景（请简要说明班组的人员构成和分工）",
        "二、基础管理情况（请说明班组的制度建设、现场管理和标准化作业情况）",
        "三、专业知识、技能培训、工具方法应用能力（请说明培训的内容、频次和效果）",
    ]

    def filled() -> str:
        return "".join(p + text(400, rng) for p in prompts)

    docs = {i: filled() for i in range(12)}
    index = _index(docs)
    result = index.check(S.shingle(filled()), text_of=docs.get)
    assert result.matches == []
    # Without the discount the prompts alone would have matched every application.
    plain = S.SimilarityIndex(sketch_bits=16)
    plain.sketch.common = lambda hashes: np.zeros(len(hashes), dtype=bool)  # type: ignore[method-assign]
    plain.sketch.common_few = plain.sketch.common  # type: ignore[method-assign]
    for key, value in docs.items():
        plain.add(key, S.shingle(value))
    assert plain.candidates(S.shingle(filled()))


def test_self_is_excluded_and_replacing_a_document_reindexes_it() -> None:
    rng = random.Random(4)
    docs = {i: text(2000, rng) for i in range(10)}
    index = _index(docs)
    doc = S.shingle(docs[3])
    assert [k for k, _ in index.candidates(doc)] == [3]
    assert index.candidates(doc, exclude=3) == []
    docs[3] = text(2000, rng)
    index.add(3, S.shingle(docs[3]))
    assert index.candidates(doc) == []
    assert len(index) == 10


def test_passage_marks_cover_the_equal_parts_around_an_edit() -> None:
    rng = random.Random(5)
    docs = {i: text(2000, rng) for i in range(10)}
    copied = docs[2][200:500]
    edited = copied[:150] + "★" + copied[151:]
    query = text(500, rng) + edited + text(500, rng)
    index = _index(docs)
    doc = S.shingle(query)
    [match] = index.check(doc, text_of=docs.get).matches
    [passage] = S.passage_texts(doc, match)
    assert len(passage["marks"]) == 2  # split by the edited character
    (a, b), (c, d) = passage["marks"]
    assert b <= passage["text"].index("★") < c
    assert "★" not in passage["text"][a:b] + passage["text"][c:d]
    (e, f), (g, h) = passage["source_marks"]
    assert passage["source_text"][e:f] == passage["text"][a:b]


def test_seed_and_extend_finds_exactly_the_runs_of_a_full_comparison() -> None:
    rng = random.Random(6)
    source = text(700, rng)
    # Copied pieces of every length around the minimum, edited, repeated and reordered.
    pieces = [text(40, rng)]
    for start, size in [(0, 40), (50, 36), (100, 60), (200, 200), (400, 90), (100, 60)]:
        piece = source[start : start + size]
        pieces += [piece[: size // 2] + "★" + piece[size // 2 + 1 :], text(15, rng)]
    query = "".join(pieces)
    doc, src = S.shingle(query), S.shingle(source)
    index = S.SimilarityIndex(sketch_bits=12)
    index.add(1, src)
    index.sketch = S.FrequencySketch(bits=12)  # nothing common
    [(slot, q, s)] = index._ranked(index.query(doc), None, 5)
    runs = index.runs(doc, src.norm.text, q, s)
    found = set(
        zip(
            runs.query_start.tolist(), runs.source_start.tolist(), runs.length.tolist(), strict=True
        )
    )
    expected = diagonal_runs(doc.hashes, src.hashes)
    assert len(expected) >= 5
    assert found == expected


def test_lsh_candidates_share_at_least_two_minima() -> None:
    rng = random.Random(11)
    index = _index({1: text(3000, rng), 2: text(3000, rng)})
    doc = S.shingle(text(3000, rng))
    query = index.query(doc)
    one, two = index.signatures[index.slots[1]], index.signatures[index.slots[2]]
    # Two minima of document 1, one of document 2: only document 1 is a candidate.
    query.signature = np.sort(np.concatenate([one[:2], two[:1]]))
    assert [index.keys[slot] for slot in index._found(query, None)] == [1]
    # Two of each: both.
    query.signature = np.sort(np.concatenate([one[:2], two[:2]]))
    assert {index.keys[slot] for slot in index._found(query, None)} == {1, 2}
    # Excluded: never, whatever it shares.
    assert [index.keys[slot] for slot in index._found(query, 1)] == [2]


def test_an_index_pickled_before_the_package_split_still_loads() -> None:
    """An index file written when the algorithm was one module names its classes
    ``xinban.integrity.similarity.<Class>``; the package re-exports them, so it loads and
    still finds the copy (docs/similarity.md, "The index, persisted")."""
    import pickle

    rng = random.Random(31)
    docs = {k: text(1500, rng) for k in range(5)}
    index = _index(docs)
    data = pickle.dumps(index, protocol=0)
    assert b"xinban.integrity.similarity.index\n" in data
    for sub in (b"index", b"fingerprints", b"passages", b"text"):
        data = data.replace(
            b"xinban.integrity.similarity." + sub + b"\n", b"xinban.integrity.similarity\n"
        )
    assert b"xinban.integrity.similarity.index" not in data
    loaded = pickle.loads(data)  # noqa: S301 (the test's own bytes)
    assert isinstance(loaded, S.SimilarityIndex)
    copy = S.shingle(docs[3][200:900])
    result = loaded.check(copy, text_of=docs.get)
    assert [m.key for m in result.matches] == [3]
