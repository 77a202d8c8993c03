"""Benchmarks of the similarity check, run by ``manage.py bench`` (docs/similarity.md,
docs/benchmarks.md).

* ``similarity_check_vs_shingle``: one application (~8,000 characters, part of it copied
  from an indexed one) checked against an index of 5 years × 2,000 applications of
  ~8,000 characters each, as a ratio to shingling that one application alone (medians of
  interleaved runs).
* ``similarity_index_seconds``: building that index (reported, with the pickle's size and
  the time to write and read it back).
* ``similarity_recall`` / ``similarity_precision``: on a planted set — copies of 10–60 %
  of an indexed text with edited characters, reordered sentences and changed punctuation,
  plus unrelated texts — the share of planted sources found, and the share of reported
  sources that were planted.

The texts are generated (a vocabulary of Chinese-character words), each with the form's
six prompts and a few of a pool of common phrases, so that the document-frequency
discount has something to discount. Times are CPU time of this thread
(``time.thread_time``), so that a busy machine does not distort them. The candidates'
texts come from memory, normalised as the rows store them
(``SimilarityDocument.normalised``), standing in for the rows' read."""

from __future__ import annotations

import io
import pickle
import random
import statistics
import time
from dataclasses import dataclass

from xinban.integrity import similarity
from xinban.ops.management.commands.bench import (
    BenchContext,
    BenchData,
    Figure,
    Say,
    StudyOptions,
    StudyResult,
)

YEARS = 5
PER_YEAR = 2000
LENGTH = 8000
PLANTED = 150
UNRELATED = 50
TIMED_RUNS = 40
SEED = 20261205

PROMPTS = [
    "一、人员组成、职责、主要工作内容、班组文化和愿景：请简要说明班组的人员构成、岗位职责和主要工作内容。",
    "二、基础管理情况：请说明班组的制度建设、现场管理、标准化作业和台账记录情况。",
    "三、专业知识、技能培训、工具方法应用能力：请说明培训的内容、频次、效果和质量工具的应用。",
    "四、质量改进和创新能力：请说明开展的质量改进、合理化建议和技术创新项目及其成效。",
    "五、管理特色、业绩和评价结果：请说明班组的管理特色、主要业绩指标和内外部评价。",
    "六、近三年荣誉（集体和个人）：请列出近三年班组集体和成员个人获得的荣誉。",
]


@dataclass(frozen=True)
class AtLeast(Figure):
    """A figure whose target is a floor (recall, precision)."""

    @property
    def ok(self) -> bool:
        return self.ratio is None or self.ratio >= self.target

    def line(self) -> str:
        if self.ratio is None:
            return f"{self.name} skipped ({self.reason})"
        return f"{self.name}={self.ratio:.3f} target>={self.target:g}"


class Corpus:
    def __init__(self, seed: int) -> None:
        rng = random.Random(seed)
        chars = [chr(c) for c in range(0x4E00, 0x4E00 + 3500)]
        self.words = ["".join(rng.choices(chars, k=rng.randint(1, 4))) for _ in range(30000)]
        self.common = ["".join(rng.choices(self.words, k=rng.randint(4, 7))) for _ in range(300)]
        self.rng = rng

    def sentence(self) -> str:
        rng = self.rng
        return "".join(rng.choices(self.words, k=rng.randint(4, 10))) + rng.choice("，。；：")

    def body(self, length: int) -> str:
        out: list[str] = []
        size = 0
        while size < length:
            out.append(self.sentence())
            size += len(out[-1])
        return "".join(out)

    def application(self, length: int = LENGTH) -> str:
        """Six areas, each opened by the form's prompt, with a few common phrases."""
        rng = self.rng
        parts = []
        for prompt in PROMPTS:
            phrases = "。".join(rng.sample(self.common, 3))
            parts.append(prompt + "\n" + phrases + "。" + self.body(length // 6 - 80))
        return "\n\n".join(parts)


def _edit(text: str, rng: random.Random) -> str:
    """Reordered sentences, other punctuation, an edited character every ~60."""
    sentences: list[str] = []
    current = ""
    for ch in text:
        current += ch
        if ch in "，。；：":
            sentences.append(current)
            current = ""
    if current:
        sentences.append(current)
    # Swap neighbouring groups of sentences (reordering, not shredding).
    groups = [sentences[i : i + 6] for i in range(0, len(sentences), 6)]
    for i in range(0, len(groups) - 1, 2):
        if rng.random() < 0.5:
            groups[i], groups[i + 1] = groups[i + 1], groups[i]
    punct = {"，": ",", "。": ". ", "；": ";", "：": ": "}
    chars = list("".join(s for g in groups for s in g))
    for i, ch in enumerate(chars):
        if ch in punct and rng.random() < 0.5:
            chars[i] = punct[ch]
        elif rng.random() < 1 / 60:
            chars[i] = chr(0x4E00 + rng.randrange(3500))
    return "".join(chars)


def _planted(corpus: Corpus, texts: dict[int, str], rng: random.Random) -> tuple[str, int]:
    """A new application copying 10–60 % of an indexed one, in one to three blocks."""
    source = rng.randrange(len(texts))
    original = texts[source]
    share = rng.uniform(0.10, 0.60)
    blocks = rng.randint(1, 3)
    size = int(len(original) * share / blocks)
    copied = []
    for _ in range(blocks):
        start = rng.randrange(0, len(original) - size)
        copied.append(_edit(original[start : start + size], rng))
    own = corpus.application(int(LENGTH * (1 - share)))
    pieces = own.split("\n\n")
    for block in copied:
        at = rng.randrange(len(pieces) + 1)
        pieces.insert(at, block)
    return "\n\n".join(pieces), source


def similarity_study(
    data: BenchData, ctx: BenchContext, options: StudyOptions, say: Say
) -> StudyResult:
    result = StudyResult()
    corpus = Corpus(SEED)
    rng = random.Random(SEED + 1)
    started = time.thread_time()
    texts = {key: corpus.application() for key in range(YEARS * PER_YEAR)}
    say(
        f"generated {len(texts)} texts of ~{LENGTH} characters in "
        f"{time.thread_time() - started:.1f}s"
    )

    started = time.thread_time()
    index = similarity.SimilarityIndex()
    index.build(lambda: ((k, similarity.shingle(v)) for k, v in texts.items()))
    build_seconds = time.thread_time() - started
    started = time.thread_time()
    buffer = io.BytesIO()
    pickle.dump(index, buffer, protocol=pickle.HIGHEST_PROTOCOL)
    dump_seconds = time.thread_time() - started
    started = time.thread_time()
    index = pickle.loads(buffer.getvalue())  # noqa: S301 (our own bytes, just written)
    load_seconds = time.thread_time() - started
    size_mb = len(buffer.getvalue()) / 1e6
    del buffer
    result.lines.append(f"similarity_index_seconds={build_seconds:.1f}")
    result.lines.append(
        f"similarity_index_pickle size={size_mb:.0f}MB "
        f"write={dump_seconds:.1f}s read={load_seconds:.1f}s documents={len(index)}"
    )

    # The rows' stored normalised texts (SimilarityDocument.normalised).
    stored = {
        k: similarity.Normalised.stored(similarity.normalise(v).text, v) for k, v in texts.items()
    }

    # One check against the index, as a ratio to shingling the application alone.
    query, source = _planted(corpus, texts, random.Random(SEED + 2))
    index.warm()  # the index's compiled kernels, ready before any check (done on load too)
    shingle_ms: list[float] = []
    check_ms: list[float] = []
    found = False
    for _ in range(TIMED_RUNS):
        t = time.thread_time()
        similarity.shingle(query)
        shingle_ms.append((time.thread_time() - t) * 1000)
        t = time.thread_time()
        outcome = index.check(similarity.shingle(query), text_of=stored.get)
        check_ms.append((time.thread_time() - t) * 1000)
        found = [m.key for m in outcome.matches] == [source]
    shingle_median = statistics.median(shingle_ms)
    check_median = statistics.median(check_ms)
    result.figures.append(
        Figure("similarity_check_vs_shingle", check_median / max(shingle_median, 1e-6), 3)
    )
    result.lines.append(
        f"similarity_check median={check_median:.2f}ms shingle median={shingle_median:.2f}ms "
        f"candidates={outcome.candidates} source_found={found}"
    )

    # The planted set.
    planted = [_planted(corpus, texts, rng) for _ in range(PLANTED)]
    unrelated = [corpus.application() for _ in range(UNRELATED)]
    found_sources = 0
    reported = 0
    correct = 0
    for text, source in planted:
        keys = [m.key for m in index.check(similarity.shingle(text), text_of=stored.get).matches]
        reported += len(keys)
        correct += keys.count(source)
        found_sources += source in keys
    for text in unrelated:
        reported += len(index.check(similarity.shingle(text), text_of=stored.get).matches)
    recall = found_sources / len(planted)
    precision = correct / reported if reported else 1.0
    result.figures.append(AtLeast("similarity_recall", recall, 0.95))
    result.figures.append(AtLeast("similarity_precision", precision, 0.95))
    result.lines.append(
        f"similarity_planted planted={len(planted)} unrelated={len(unrelated)} "
        f"reported={reported} correct={correct}"
    )
    return result


STUDIES = [similarity_study]
