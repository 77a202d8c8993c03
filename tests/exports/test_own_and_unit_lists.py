"""Exports of an applicant's own applications (我的申报) and of a recommending unit's
ranking and judge panel: the page's selector and rights (outsiders 404), every file read
back with openpyxl."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import make_user
from tests.exports.kit import client_for, download, rows_of
from tests.recommendation.conftest import make_judge
from tests.recommendation.factories import make_application, make_organisation, score
from xinban.organisations.models import OrganisationMembership, UnitMembership, UnitRole
from xinban.scoring.models import ScoreSheet, Stage

pytestmark = pytest.mark.django_db


def unit_download(unit: Any, kind: str) -> str:
    return reverse("exports:unit_download", args=[unit.pk, kind])


# --------------------------------------------------------------------------- 我的申报


@pytest.fixture
def own(campaign: Any, org_a: Any, org_b: Any, unit_x: Any) -> dict[str, Any]:
    """Applicant A's organisation: a draft and a submitted one this year, one last year;
    B's organisation: one submitted."""
    from xinban.campaigns.models import Campaign

    past = Campaign.objects.create(year=campaign.year - 1, title="去年", results_published=True)
    mine = [
        make_application(
            organisation=org_a, unit=unit_x, campaign=campaign, state="draft", team_name="甲一班"
        ),
        make_application(
            organisation=org_a,
            unit=unit_x,
            campaign=campaign,
            state="submitted",
            team_name='=HYPERLINK("http://evil","x")班',
            team_type="服务型",
        ),
        make_application(
            organisation=org_a, unit=unit_x, campaign=past, state="selected", team_name="甲旧班"
        ),
    ]
    theirs = make_application(
        organisation=org_b, unit=unit_x, campaign=campaign, team_name="乙一班"
    )
    return {"mine": mine, "theirs": theirs, "past": past}


def test_an_applicant_exports_their_organisations_applications(
    own: dict[str, Any], applicant_a: Any, applicant_b: Any, campaign: Any
) -> None:
    client = client_for(applicant_a)
    page = client.get(reverse("applications:dashboard"))
    assert page.status_code == 200
    shown = [a.number for a in page.context["current"]] + [a.number for a in page.context["past"]]
    assert reverse("exports:download", args=["my_applications"]) in page.content.decode()
    rows = rows_of(client.get(download("my_applications")))
    assert rows[0] == (
        "年度",
        "编号",
        "申报单位",
        "班组名称",
        "班组类型",
        "班组人数",
        "推荐单位",
        "状态",
        "提交时间",
    )
    assert [r[1] for r in rows[1:]] == shown  # this year first, then past years
    assert {r[1] for r in rows[1:]} == {a.number for a in own["mine"]}
    assert {r[0] for r in rows[1:]} == {campaign.year, own["past"].year}
    by_number = {r[1]: r for r in rows[1:]}
    assert by_number[own["mine"][0].number][7] == "草稿"
    # The team name typed as a formula arrives as text.
    assert by_number[own["mine"][1].number][3] == '\'=HYPERLINK("http://evil","x")班'
    # B's list holds B's only.
    rows_b = rows_of(client_for(applicant_b).get(download("my_applications")))
    assert [r[1] for r in rows_b[1:]] == [own["theirs"].number]


def test_a_user_of_several_organisations_exports_all_of_them(
    own: dict[str, Any], applicant_a: Any, org_b: Any
) -> None:
    OrganisationMembership.objects.create(organisation=org_b, user=applicant_a)
    rows = rows_of(client_for(applicant_a).get(download("my_applications")))
    assert {r[1] for r in rows[1:]} == {a.number for a in [*own["mine"], own["theirs"]]}


def test_without_an_organisation_there_is_no_list(
    own: dict[str, Any], unit_x_admin: Any, staff: Any
) -> None:
    # The page sends them to register an organisation; the export has nothing: 404.
    assert client_for(unit_x_admin).get(download("my_applications")).status_code == 404
    assert client_for(staff).get(download("my_applications")).status_code == 404
    assert client_for(staff).get("/api/exports/my_applications.xlsx").status_code == 404


# ------------------------------------------------------------------- unit's ranking


@pytest.fixture
def ranked(campaign: Any, unit_x: Any, unit_y: Any) -> dict[str, Any]:
    """Unit X: three submitted applications scored by two judges (one scores far apart on
    the third), a draft (never ranked); unit Y: one submitted."""
    judges = [
        make_judge("rj1@example.com", "评委甲甲", unit_x),
        make_judge("rj2@example.com", "评委乙乙", unit_x, tgq_number="TGQ-2024-002"),
    ]
    apps = [
        make_application(
            organisation=make_organisation(f"上海排序{n}有限公司"),
            unit=unit_x,
            campaign=campaign,
            team_name=name,
        )
        for n, name in enumerate(["排序一班", "@SUM(1)班", "排序三班"])
    ]
    shares = [
        (Decimal("0.6"), Decimal("0.62")),
        (Decimal("0.9"), Decimal("0.88")),
        (Decimal("0.3"), Decimal("0.95")),
    ]
    for application, (first, second) in zip(apps, shares, strict=True):
        for judge, share in zip(judges, (first, second), strict=True):
            sheet = ScoreSheet.objects.create(
                application=application, judge=judge, stage=Stage.UNIT
            )
            score(sheet, share=share)
    draft = make_application(
        organisation=make_organisation("上海草稿有限公司"),
        unit=unit_x,
        campaign=campaign,
        state="draft",
        team_name="草稿班",
    )
    other = make_application(
        organisation=make_organisation("上海黄浦有限公司"),
        unit=unit_y,
        campaign=campaign,
        team_name="黄浦班",
    )
    return {"apps": apps, "draft": draft, "other": other, "judges": judges}


@pytest.fixture
def unit_x_member(unit_x: Any) -> Any:
    user = make_user("xm-export@example.com", "推荐单位X工作人员")
    UnitMembership.objects.create(unit=unit_x, user=user, role=UnitRole.MEMBER)
    return user


def test_the_unit_ranking_exports_the_pages_rows_in_rank_order(
    ranked: dict[str, Any], unit_x: Any, unit_x_admin: Any, unit_x_member: Any, staff: Any
) -> None:
    client = client_for(unit_x_admin)
    page = client.get(reverse("recommendation:ranking", args=[unit_x.pk]), {"normalise": "0"})
    lines = page.context["rows"]
    expected = [(line.rank, line.team_name, line.judges, line.flagged) for line in lines]
    assert unit_download(unit_x, "unit_ranking") in page.content.decode()
    for user in (unit_x_admin, unit_x_member, staff):
        rows = rows_of(
            client_for(user).get(unit_download(unit_x, "unit_ranking"), {"normalise": "0"})
        )
        assert rows[0] == (
            "名次",
            "编号",
            "申报单位",
            "班组名称",
            "得分",
            "评委数",
            "评委意见分歧较大",
        )
        assert [(r[0], r[3].lstrip("'"), r[5], r[6] == "分歧大") for r in rows[1:]] == expected
    numbers = {a.pk: a.number for a in ranked["apps"]}
    assert {r[1] for r in rows[1:]} == set(numbers.values())  # no draft, nothing of unit Y
    assert [r[0] for r in rows[1:]] == [1, 2, 3]
    assert rows[1][3] == "'@SUM(1)班"  # the best, neutralised
    assert all(isinstance(r[4], float | int) for r in rows[1:])
    flagged = {r[3] for r in rows[1:] if r[6]}
    assert flagged == {"排序三班"}
    # No judge is named anywhere in the file.
    cells = {str(value) for row in rows for value in row}
    assert not any(j.name in cell for j in ranked["judges"] for cell in cells)


def test_the_ranking_export_keeps_the_normalisation_switch(
    ranked: dict[str, Any], unit_x: Any, unit_x_admin: Any
) -> None:
    from xinban.recommendation.selectors import unit_rank_entries

    for switch in ("0", "1"):
        entries = unit_rank_entries(
            unit=unit_x, campaign=ranked["apps"][0].campaign, normalise=switch == "1"
        )
        rows = rows_of(
            client_for(unit_x_admin).get(
                download("unit_ranking"), {"unit_pk": unit_x.pk, "normalise": switch}
            )
        )
        assert [Decimal(str(r[4])) for r in rows[1:]] == [e.score for e in entries]


def test_outsiders_cannot_export_a_units_ranking_or_panel(
    ranked: dict[str, Any], unit_x: Any, unit_y_admin: Any, applicant_a: Any, guide: Any
) -> None:
    judge_user = ranked["judges"][0].user
    for kind in ("unit_ranking", "unit_judges"):
        for user in (unit_y_admin, applicant_a, guide, judge_user):
            client = client_for(user)
            assert client.get(unit_download(unit_x, kind)).status_code == 404
            assert client.get(download(kind), {"unit_pk": unit_x.pk}).status_code == 404
            assert (
                client.get(f"/api/exports/{kind}.xlsx", {"unit_pk": unit_x.pk}).status_code == 404
            )
        # Unit Y's own lists are there for its admin.
        assert client_for(unit_y_admin).get(unit_download(unit_x, kind)).status_code == 404
    # A list that is not a unit's is not served under a unit.
    assert client_for(unit_y_admin).get(unit_download(unit_x, "audit")).status_code == 404


def test_the_unit_judge_panel_export(
    ranked: dict[str, Any], unit_x: Any, unit_y: Any, unit_x_member: Any, unit_y_admin: Any
) -> None:
    make_judge("ry@example.com", "黄浦评委", unit_y)
    make_judge("evil@example.com", "+1-2", unit_x, tgq_number="-TGQ", employer="=1+1")
    client = client_for(unit_x_member)
    page = client.get(reverse("recommendation:judges", args=[unit_x.pk]))
    names = [member.judge.name for member, _progress in page.context["members"]]
    assert unit_download(unit_x, "unit_judges") in page.content.decode()
    rows = rows_of(client.get(unit_download(unit_x, "unit_judges")))
    assert rows[0] == ("姓名", "工作单位", "TGQ评委证书号", "通讯地址", "E-mail", "手机")
    assert [r[0].lstrip("'") for r in rows[1:]] == names
    assert set(names) == {"评委甲甲", "评委乙乙", "+1-2"}
    first = next(r for r in rows[1:] if r[0] == "评委甲甲")
    assert first[1:] == (
        "上海质量研究院",
        "TGQ-2024-001",
        "上海市长宁区泰安路74号",
        "rj1@example.com",
        "13912340000",
    )
    evil = next(r for r in rows[1:] if r[4] == "evil@example.com")
    assert evil[:3] == ("'+1-2", "'=1+1", "'-TGQ")
    rows_y = rows_of(client_for(unit_y_admin).get(unit_download(unit_y, "unit_judges")))
    assert [r[0] for r in rows_y[1:]] == ["黄浦评委"]


def test_unit_exports_through_the_api(
    ranked: dict[str, Any], unit_x: Any, unit_x_admin: Any, unit_y_admin: Any
) -> None:
    client = client_for(unit_x_admin)
    rows = rows_of(client.get("/api/exports/unit_ranking.xlsx", {"unit_pk": unit_x.pk}))
    assert len(rows) == 1 + len(ranked["apps"])
    rows = rows_of(client.get("/api/exports/unit_judges.xlsx", {"unit_pk": unit_x.pk}))
    assert len(rows) == 1 + len(ranked["judges"])
    started = client.post(f"/api/exports/unit_ranking?unit_pk={unit_x.pk}")
    assert started.status_code == 202 and started.json()["rows"] == 3
    refused = client_for(unit_y_admin).post(f"/api/exports/unit_judges?unit_pk={unit_x.pk}")
    assert refused.status_code == 404


def test_a_large_ranking_runs_in_the_background(
    settings: Any, ranked: dict[str, Any], unit_x: Any, unit_x_admin: Any
) -> None:
    from xinban.tasks.models import Task
    from xinban.tasks.testing import drain

    settings.XINBAN_EXPORT_BACKGROUND_ROWS = 2
    client = client_for(unit_x_admin)
    response = client.get(unit_download(unit_x, "unit_ranking"))
    assert response.status_code == 302
    task = Task.objects.get(name="exports.xlsx")
    assert task.kwargs["params"]["unit_pk"] == str(unit_x.pk)
    drain()
    task.refresh_from_db()
    assert task.state == "done" and task.progress_total == 3
    rows = rows_of(client.get(reverse("tasks:download", args=[task.pk])))
    assert [r[0] for r in rows[1:]] == [1, 2, 3]
