"""Texts and applications for the similarity tests."""

from __future__ import annotations

import random
from typing import Any

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


@pytest.fixture(autouse=True)
def _index_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.XINBAN_SIMILARITY_DIR = str(tmp_path / "similarity")
    from xinban.integrity import services

    services._CACHE.clear()
