"""Lists inside translated messages: Chinese separates items with 、 and clauses with ；,
English with commas and semicolons. The official forms (附件1–7) keep the Chinese marks
whatever the language and do not use these."""

from __future__ import annotations

from collections.abc import Iterable
from unicodedata import east_asian_width

from django.utils.translation import pgettext


def join_items(items: Iterable[object]) -> str:
    """Names in a sentence: 甲、乙、丙 / A, B, C."""
    return pgettext("list separator between items", "、").join(str(i) for i in items)


def join_clauses(items: Iterable[object]) -> str:
    """Whole clauses in a sentence: 甲不符合；乙缺失 / A fails; B is missing."""
    return pgettext("list separator between clauses", "；").join(str(i) for i in items)


def display_width(text: str) -> int:
    """The columns ``text`` takes in a monospaced layout (a spreadsheet's column width):
    East Asian wide and full-width characters count two, the others one."""
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in text)
