"""The default formal-review checklist covers every condition of 附件4 (申报条件), each item
with its English text (rule 6, docs/rules.md)."""

from __future__ import annotations

import re
from typing import Any

from xinban.evaluation.selectors import AUTOMATIC_KEYS
from xinban.evaluation.services import DEFAULT_CHECKLIST, DEFAULT_CHECKLIST_EN, checklist_for


def test_every_condition_of_annex_4_is_on_the_default_checklist() -> None:
    cited: set[int] = set()
    for _key, text in DEFAULT_CHECKLIST:
        for group in re.findall(r"附件4第([\d、]+)条", text):
            cited |= {int(n) for n in group.split("、")}
    assert cited == set(range(1, 9))
    assert set(DEFAULT_CHECKLIST_EN) == {key for key, _text in DEFAULT_CHECKLIST}
    # Items 3–5 are judged by a person: nothing computes them.
    assert not {"strategy", "methods", "results"} & set(AUTOMATIC_KEYS)


def test_a_new_year_starts_from_the_defaults(campaign: Any) -> None:
    items = checklist_for(campaign)
    assert [i.key for i in items] == [key for key, _text in DEFAULT_CHECKLIST]
    assert all(i.text_en for i in items)
