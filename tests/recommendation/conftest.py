from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import make_user
from xinban.recommendation.models import PanelMember
from xinban.scoring.models import Judge


def make_judge(email: str, name: str, unit: Any | None = None, **extra: Any) -> Judge:
    user = make_user(email, name)
    judge = Judge.objects.create(
        user=user,
        name=name,
        employer=extra.pop("employer", "上海质量研究院"),
        tgq_number=extra.pop("tgq_number", "TGQ-2024-001"),
        address="上海市长宁区泰安路74号",
        email=email,
        mobile="13912340000",
        **extra,
    )
    if unit is not None:
        PanelMember.objects.create(unit=unit, judge=judge)
    return judge


@pytest.fixture
def judge_1(unit_x: Any) -> Judge:
    return make_judge("judge1@example.com", "评委一", unit_x)


@pytest.fixture
def judge_2(unit_x: Any) -> Judge:
    return make_judge("judge2@example.com", "评委二", unit_x, tgq_number="TGQ-2024-002")
