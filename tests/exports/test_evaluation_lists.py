"""Exports of the association's evaluation lists (staff): the formal-review list, the
expert panel, the per-domain ranking and the typical-experience candidates. The same
selectors and rights as the pages (everyone else 403); every file read back."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from tests.evaluation.conftest import make_expert, make_org_app
from tests.exports.kit import client_for, download, rows_of
from xinban.applications.models import Application

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    with translation.override("zh-hans"):
        yield


KINDS = ("evaluation_formal", "evaluation_panel", "evaluation_ranking", "evaluation_candidates")


def test_only_staff_export_the_evaluation_lists(
    recommended_a: Application,
    applicant_a: Any,
    unit_x_admin: Any,
    guide: Any,
    staff: Any,
) -> None:
    for kind in KINDS:
        for user in (applicant_a, unit_x_admin, guide):
            assert client_for(user).get(download(kind)).status_code == 403, kind
            assert client_for(user).get(f"/api/exports/{kind}.xlsx").status_code == 403
        assert client_for(staff).get(download(kind)).status_code == 200, kind


def test_the_formal_review_list_export(
    recommended_a: Application,
    recommended_b: Application,
    campaign: Any,
    unit_x: Any,
    staff: Any,
) -> None:
    evil = make_org_app(campaign, unit_x, "上海公式有限公司", team_name="=HYPERLINK(1)班")
    incomplete = make_org_app(
        campaign, unit_x, "上海缺件有限公司", team_name="缺件班", stamped_form=""
    )
    make_org_app(campaign, unit_x, "上海已过有限公司", state="formal_passed", team_name="已过班")
    client = client_for(staff)
    page = client.get(reverse("evaluation:formal_list"))
    expected = [row.application.number for row in page.context["rows"]]
    assert download("evaluation_formal") in page.content.decode()
    rows = rows_of(client.get(download("evaluation_formal")))
    assert rows[0] == ("编号", "申报单位", "班组名称", "推荐单位", "自动核对", "状态")
    assert [r[0] for r in rows[1:]] == expected
    assert set(expected) == {a.number for a in (recommended_a, recommended_b, evil, incomplete)}
    by_number = {r[0]: r for r in rows[1:]}
    assert by_number[evil.number][2] == "'=HYPERLINK(1)班"
    assert by_number[recommended_a.number][4] == "均符合"
    assert by_number[incomplete.number][4].startswith("需人工审查：")
    assert {r[5] for r in rows[1:]} == {"已推荐"}
    # The page's state filter.
    passed = rows_of(client.get(download("evaluation_formal"), {"state": "formal_passed"}))
    assert [r[2] for r in passed[1:]] == ["已过班"]


def test_the_expert_panel_export(
    experts: list[Any], campaign: Any, staff: Any, round_1: Any, recommended_a: Application
) -> None:
    make_expert(campaign, "chair@example.com", "@组长", domains=("制造", "市场服务"), is_chair=True)
    client = client_for(staff)
    page = client.get(reverse("evaluation:panel"))
    names = [row.judge.name for row in page.context["rows"]]
    assert download("evaluation_panel") in page.content.decode()
    rows = rows_of(client.get(download("evaluation_panel")))
    assert rows[0] == (
        "姓名",
        "工作单位",
        "TGQ评委证书号",
        "擅长领域",
        "评审组长",
        "已提交",
        "已分配",
        "上限",
    )
    assert [r[0].lstrip("'") for r in rows[1:]] == names
    chair = next(r for r in rows[1:] if r[0] == "'@组长")
    assert chair[3] == "制造、市场服务" and chair[4] == "是"
    first = next(r for r in rows[1:] if r[0] == "专家1")
    assert first[2] == "TGQ-E-1" and first[4] == "否" and (first[5], first[6]) == (0, 0)


def test_the_per_domain_ranking_export(
    scored_a: Application, campaign: Any, unit_x: Any, staff: Any, experts: list[Any]
) -> None:
    client = client_for(staff)
    page = client.get(reverse("evaluation:ranking"), {"normalise": "0"})
    domain = page.context["domain"]
    lines = page.context["rows"]
    link = page.content.decode()
    assert download("evaluation_ranking") in link
    rows = rows_of(client.get(download("evaluation_ranking"), {"domain": domain, "normalise": "0"}))
    assert rows[0][:3] == ("领域", "排名", "编号")
    assert [(r[0], r[1], r[2], r[4]) for r in rows[1:]] == [
        (domain, line.entry.rank, line.number, line.team_name) for line in lines
    ]
    assert [Decimal(str(r[5])) for r in rows[1:]] == [line.entry.score for line in lines]
    assert rows[1][6] == 3  # three experts, never named
    names = {e.name for e in experts}
    assert not any(str(cell) in names for row in rows for cell in row)
    # Without a domain: every domain; a formula-like team name arrives as text.
    Application.objects.filter(pk=scored_a.pk).update(team_name="+SUM(1)班")
    rows = rows_of(client.get(download("evaluation_ranking"), {"normalise": "0"}))
    assert [r[4] for r in rows[1:]] == ["'+SUM(1)班"]


def test_the_candidates_export(candidate_with_video: Application, staff: Any, guide: Any) -> None:
    client = client_for(staff)
    page = client.get(reverse("evaluation:candidates"))
    assert download("evaluation_candidates") in page.content.decode()
    rows = rows_of(client.get(download("evaluation_candidates")))
    assert rows[0] == (
        "编号",
        "申报单位",
        "班组名称",
        "发表视频",
        "指导单位审核",
        "状态",
        "推荐全国",
    )
    assert [r[0] for r in rows[1:]] == [row.application.number for row in page.context["rows"]]
    assert rows[1][0] == candidate_with_video.number
    assert rows[1][3] == "发表视频.mp4"
    assert rows[1][5] == "典型经验候选"


def test_evaluation_exports_through_the_api(
    recommended_a: Application, staff: Any, unit_x_admin: Any
) -> None:
    client = client_for(staff)
    rows = rows_of(client.get("/api/exports/evaluation_formal.xlsx"))
    assert [r[0] for r in rows[1:]] == [recommended_a.number]
    assert client.post("/api/exports/evaluation_formal").status_code == 202
    assert client_for(unit_x_admin).post("/api/exports/evaluation_panel").status_code == 403
