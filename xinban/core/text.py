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


# Characters that take three bytes in UTF-8 but one column: the punctuation Chinese text
# uses most (quotes, dashes, ellipsis) and a few symbols.
_NARROW_THREE_BYTES = re.compile("[“”‘’—–…•‰′″€™]")


def display_width(text: str) -> int:
    """The columns ``text`` takes in a monospaced layout (a spreadsheet's column width):
    East Asian wide and full-width characters count two, the others one.

    Fast, for every cell of long lists: in UTF-8 the CJK, kana, hangul and full-width
    characters take three bytes (the supplementary ideographs four), Latin ones one or two,
    so the extra bytes say how many wide characters there are; the common one-column
    punctuation of three bytes is taken off. A rare character may count half a column
    too wide, never too narrow."""
    if text.isascii():
        return len(text)
    extra = len(text.encode("utf-8", "surrogatepass")) - len(text)
    narrow = _NARROW_THREE_BYTES.subn("", text)[1]
    return len(text) + (extra + 1) // 2 - narrow


def bracketed(text: object) -> str:
    """A note after a name: 甲（乙） / A (B) (the template tags lparen/rparen do the same)."""
    return pgettext("opening bracket", "（") + str(text) + pgettext("closing bracket", "）")
