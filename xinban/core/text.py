"""Lists inside translated messages: Chinese separates items with 、 and clauses with ；,
English with commas and semicolons. The official forms (附件1–7) keep the Chinese marks
whatever the language and do not use these."""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import pgettext


def join_items(items: Iterable[object]) -> str:
    """Names in a sentence: 甲、乙、丙 / A, B, C."""
    return pgettext("list separator between items", "、").join(str(i) for i in items)


def join_clauses(items: Iterable[object]) -> str:
    """Whole clauses in a sentence: 甲不符合；乙缺失 / A fails; B is missing."""
    return pgettext("list separator between clauses", "；").join(str(i) for i in items)


# The East Asian wide and full-width blocks (Unicode's East_Asian_Width W and F): CJK,
# kana, hangul, full-width forms, the supplementary ideographs.
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff"
    "\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60"
    "\uffe0-\uffe6\U00020000-\U0003fffd]"
)


def display_width(text: str) -> int:
    """The columns ``text`` takes in a monospaced layout (a spreadsheet's column width):
    East Asian wide and full-width characters count two, the others one."""
    if text.isascii():
        return len(text)
    return len(text) + len(_WIDE.findall(text))
