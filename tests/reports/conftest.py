"""Fixtures of the 附件6/附件7 tests: last year's campaign with applications through unit X
(the period a 附件6 filed this year covers), and complete values for both forms."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import make_user
from tests.recommendation.factories import make_application
from xinban.applications.models import ApplicationState
from xinban.campaigns.models import Campaign


@pytest.fixture
def unit_x_member(unit_x: Any) -> Any:
    from xinban.organisations.models import UnitMembership, UnitRole

    user = make_user("xm@example.com", "推荐单位X工作人员")
    UnitMembership.objects.create(unit=unit_x, user=user, role=UnitRole.MEMBER)
    return user


@pytest.fixture
def history(campaign: Any, org_a: Any, org_b: Any, unit_x: Any, unit_y: Any) -> dict[str, Any]:
    """Unit X's past: last year (the period) org A filed two teams (one recommended and
    selected, one not recommended), org B one team (recommended), one withdrawn and one
    draft that do not count; two years ago org A filed "质检一班" again (the same team:
    counted once in 历年累计) and another team; unit Y has its own."""
    last = Campaign.objects.create(year=campaign.year - 1, title="去年", results_published=True)
    before = Campaign.objects.create(year=campaign.year - 2, title="前年", results_published=True)
    make_application(
        organisation=org_a, unit=unit_x, campaign=last, state=ApplicationState.SELECTED
    )
    make_application(
        organisation=org_a,
        unit=unit_x,
        campaign=last,
        team_type="服务型",
        team_name="装配二组",
        state=ApplicationState.NOT_RECOMMENDED,
    )
    make_application(
        organisation=org_b,
        unit=unit_x,
        campaign=last,
        team_name="护理一班",
        state=ApplicationState.NOT_SELECTED,
    )
    make_application(
        organisation=org_b,
        unit=unit_x,
        campaign=last,
        team_type="管理型",
        team_name="撤回组",
        state=ApplicationState.WITHDRAWN,
    )
    make_application(
        organisation=org_b,
        unit=unit_x,
        campaign=last,
        team_type="技术研发型",
        team_name="草稿组",
        state=ApplicationState.DRAFT,
    )
    make_application(
        organisation=org_a, unit=unit_x, campaign=before, state=ApplicationState.SELECTED
    )
    make_application(
        organisation=org_a,
        unit=unit_x,
        campaign=before,
        team_type="管理型",
        team_name="计量室",
        state=ApplicationState.NOT_RECOMMENDED,
    )
    make_application(
        organisation=org_a,
        unit=unit_y,
        campaign=last,
        team_type="其他",
        team_name="外区组",
        state=ApplicationState.RECOMMENDED,
    )
    return {"last": last, "before": before}


def complete_statistics(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = dict(
        enterprises=2,
        teams=3,
        cumulative_teams=5,
        participants=860,
        recommended=2,
        funding=Decimal("12.50"),
        rewards=Decimal("3"),
        has_certified_judges=True,
        certified_judges=4,
        features_and_problems="覆盖面扩大，制造业班组参与踊跃；服务业班组参与偏少。",
        review_forms=["presentation", "on_site"],
        session_held=True,
        session_registered_teams=20,
        session_presented_teams=15,
        session_time=date(2025, 6, 18),
        session_place="浦东新区市民中心",
        session_attendees=180,
        department_and_head="区市场监管局质量发展科 李强",
        contact_name="王敏",
        contact_mobile="13800138000",
        contact_email="wangmin@pudong.example.com",
        address="上海市浦东新区世纪大道100号",
        postcode="200120",
        filler_name="王敏",
        fill_date=date(2026, 6, 1),
    )
    data.update(overrides)
    return data


PARAGRAPH = (
    "本区坚持以《质量信得过班组建设准则》为指引，组织标准宣贯、骨干培训和成果交流，"
    "推动班组质量改进活动在制造、服务和建设工程领域全面开展，成效显著。"
)


def long_text(chars: int) -> str:
    """At least ``chars`` non-blank characters of realistic text."""
    text = ""
    while len(text) < chars:
        text += PARAGRAPH
    return text[:chars]


def summary_data(per_section: int = 600) -> dict[str, str]:
    return {
        name: long_text(per_section)
        for name in ("overview", "methods", "highlights", "problems", "directions", "suggestions")
    }


EVENT = {
    "held_on": "2025年3月15日",
    "place": "浦东新区市民中心",
    "name": "质量信得过班组建设准则宣贯会",
    "content": "标准解读与案例分享",
    "participants": 120,
}


def stamped_submit(admin: Any, report: Any) -> Any:
    """Upload the stamped 附件6 (rule 11 of docs/rules.md), then file it."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import pdf_bytes
    from xinban.reports import services

    scan = SimpleUploadedFile("盖章统计表.pdf", pdf_bytes(), content_type="application/pdf")
    services.statistics_upload_scan(actor=admin, report=report, file=scan)
    return services.statistics_submit(actor=admin, report=report)
