"""Fixtures for the association's evaluation: recommended applications (as rows, fast), an
expert panel, a round, and applications carried through the flow by the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone, translation

from tests.conftest import make_registration
from tests.media import real_mp4
from tests.recommendation.conftest import make_judge
from tests.recommendation.factories import make_application, make_organisation, points_for
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Domain, Industry
from xinban.evaluation import services
from xinban.evaluation.models import EvaluationRound, ExpertPanelMember
from xinban.scoring.models import Judge, ScoreSheet, Stage
from xinban.scoring.services import sheet_save

TEXTS = {"conformity": "符合准则要求", "features": "改进成效突出", "shortcomings": "数据分析略弱"}
MP4_HEAD = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    """Messages are asserted in Chinese, whatever an earlier test left active."""
    with translation.override("zh-hans"):
        yield


def mp4_bytes(size: int = 64 * 1024, fill: bytes = b"\x01") -> bytes:
    """A real one-second MP4 padded to ``size`` bytes (distinct per ``fill``)."""
    return real_mp4(size, seed=fill[0])


def make_org_app(
    campaign: Any,
    unit: Any,
    name: str,
    *,
    state: str = ApplicationState.RECOMMENDED,
    domain: str = "制造",
    **overrides: Any,
) -> Application:
    """A new organisation (registered in ``domain``) with one application in ``state``,
    complete for the automatic formal checks (stamped form included)."""
    organisation = make_organisation(name)
    make_registration(organisation, campaign, domain=Domain.objects.get(name=domain))
    overrides.setdefault("stamped_form", "stamped/test.pdf")
    return make_application(
        organisation=organisation, unit=unit, campaign=campaign, state=state, **overrides
    )


def make_expert(
    campaign: Any,
    email: str,
    name: str,
    *,
    domains: tuple[str, ...] = ("制造",),
    industries: tuple[str, ...] = (),
    capacity: int | None = None,
    is_chair: bool = False,
    unit: Any | None = None,
    **extra: Any,
) -> Judge:
    judge = make_judge(email, name, unit, **extra)
    judge.domains.set(Domain.objects.filter(name__in=domains))
    judge.industries.set(Industry.objects.filter(name__in=industries))
    ExpertPanelMember.objects.create(
        campaign=campaign, judge=judge, capacity=capacity, is_chair=is_chair
    )
    return judge


def all_ticked(campaign: Any) -> dict[int, bool]:
    return {item.pk: True for item in services.checklist_for(campaign)}


def expert_sheets_of(application: Application) -> list[ScoreSheet]:
    return list(
        ScoreSheet.objects.filter(application=application, stage=Stage.EXPERT)
        .select_related("judge__user", "application__campaign")
        .order_by("judge__name")
    )


def expert_score(sheet: ScoreSheet, share: Decimal = Decimal("0.8")) -> ScoreSheet:
    return sheet_save(
        actor=sheet.judge.user,
        sheet=sheet,
        points=points_for(sheet, share),
        submit=True,
        **TEXTS,
    )


@pytest.fixture
def recommended_a(campaign: Any, org_a: Any, unit_x: Any) -> Application:
    """Applicant A's application, recommended by unit X (complete for the checks)."""
    return make_application(
        organisation=org_a,
        unit=unit_x,
        campaign=campaign,
        state=ApplicationState.RECOMMENDED,
        stamped_form="stamped/a.pdf",
    )


@pytest.fixture
def recommended_b(campaign: Any, org_b: Any, unit_y: Any) -> Application:
    return make_application(
        organisation=org_b,
        unit=unit_y,
        campaign=campaign,
        state=ApplicationState.RECOMMENDED,
        stamped_form="stamped/b.pdf",
        team_name="服务二组",
    )


@pytest.fixture
def experts(campaign: Any) -> list[Judge]:
    """Four experts on the year's panel, all in the manufacturing domain."""
    return [
        make_expert(campaign, f"expert{n}@example.com", f"专家{n}", tgq_number=f"TGQ-E-{n}")
        for n in range(1, 5)
    ]


@pytest.fixture
def round_1(campaign: Any) -> EvaluationRound:
    return EvaluationRound.objects.create(
        campaign=campaign, number=1, deadline=timezone.now() + timedelta(days=7)
    )


@pytest.fixture
def passed_a(recommended_a: Application, staff: Any) -> Application:
    services.formal_review_record(
        actor=staff,
        application=recommended_a,
        outcome="passed",
        checks=all_ticked(recommended_a.campaign),
    )
    recommended_a.refresh_from_db()
    return recommended_a


@pytest.fixture
def reviewing_a(
    passed_a: Application, experts: list[Judge], round_1: EvaluationRound, staff: Any
) -> Application:
    """Applicant A's application under expert review, three experts assigned."""
    services.expert_assign_auto(actor=staff, campaign=passed_a.campaign, round=round_1, k=3)
    passed_a.refresh_from_db()
    return passed_a


@pytest.fixture
def scored_a(reviewing_a: Application) -> Application:
    """Every assigned expert has submitted a sheet."""
    for n, sheet in enumerate(expert_sheets_of(reviewing_a)):
        expert_score(sheet, Decimal("0.7") + Decimal("0.05") * n)
    return reviewing_a


@pytest.fixture
def selected_a(scored_a: Application, staff: Any) -> Application:
    services.decision_set(
        actor=staff, application=scored_a, level="selected", consensus_notes="合议：入选建设经验"
    )
    scored_a.refresh_from_db()
    return scored_a


@pytest.fixture
def candidate_a(selected_a: Application, staff: Any) -> Application:
    services.decision_set(
        actor=staff,
        application=selected_a,
        level="typical_candidate",
        reason="制造领域推选为典型经验候选",
    )
    selected_a.refresh_from_db()
    return selected_a


@pytest.fixture
def candidate_with_video(candidate_a: Application, applicant_a: Any) -> Application:
    from django.core.files.uploadedfile import SimpleUploadedFile

    services.video_attach(
        actor=applicant_a,
        application=candidate_a,
        file=SimpleUploadedFile("发表视频.mp4", mp4_bytes(), content_type="video/mp4"),
    )
    candidate_a.refresh_from_db()
    return candidate_a
