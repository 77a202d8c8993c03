"""Texts and applications for the similarity tests."""

from __future__ import annotations

import random
from typing import Any

import numpy as np
import pytest

CHARS = [chr(c) for c in range(0x4E00, 0x4E00 + 2500)]
_RNG = random.Random(11)
WORDS = ["".join(_RNG.choice(CHARS) for _ in range(_RNG.randint(1, 4))) for _ in range(5000)]
PROMPT = "请简要说明班组的人员构成、岗位职责和主要工作内容，以及班组文化和愿景。"


def random_text(n: int, seed: int) -> str:
    rng = random.Random(seed)
    out: list[str] = []
    size = 0
    while size < n:
        words = (rng.choice(WORDS) for _ in range(rng.randint(4, 9)))
        sentence = "".join(words) + rng.choice("，。；")
        out.append(sentence)
        size += len(sentence)
    return "".join(out)


def diagonal_runs(
    query: np.ndarray, source: np.ndarray, skipped: np.ndarray | None = None
) -> set[tuple[int, int, int]]:
    """Every maximal run (query start, source start, length) of at least MIN_RUN equal
    shingles, not ``skipped`` (by the query's position: its common shingles), by
    comparing every diagonal: the reference for the seed-and-extend alignment."""
    from xinban.integrity import similarity as S

    out = set()
    for d in range(-len(source) + 1, len(query)):
        q0 = max(d, 0)
        length = min(len(query), len(source) + d) - q0
        ok = query[q0 : q0 + length] == source[q0 - d : q0 - d + length]
        if skipped is not None:
            ok &= ~skipped[q0 : q0 + length]
        start = None
        for i, same in enumerate([*ok.tolist(), False]):
            if same and start is None:
                start = i
            elif not same and start is not None:
                if i - start >= S.MIN_RUN:
                    out.add((q0 + start, q0 + start - d, i - start))
                start = None
    return out


@pytest.fixture(autouse=True)
def _index_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.XINBAN_SIMILARITY_DIR = str(tmp_path / "similarity")
    from xinban.integrity import services

    services._CACHE.clear()
