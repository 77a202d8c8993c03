"""Persona visibility in the association's evaluation: an expert sees only the
applications assigned to them and never the recommending unit's scores; guiding units
see only typical-experience candidates (and typical experiences); applicants never see
experts' names or scores; staff see everything."""

from __future__ import annotations

from dataclasses import asdict, fields
from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404

from tests.conftest import make_user
from tests.evaluation.conftest import expert_sheets_of, make_org_app
from tests.recommendation.conftest import make_judge
from xinban.applications.models import Application, ApplicationState
from xinban.evaluation import selectors, services
from xinban.evaluation.models import EvaluationRound
from xinban.scoring.models import Judge, ScoreSheet, Stage

pytestmark = pytest.mark.django_db


@pytest.fixture
def unit_sheet(reviewing_a: Application, unit_x: Any) -> ScoreSheet:
    """The recommending unit's judge scored the application before it was recommended."""
    judge = make_judge("unitjudge@example.com", "单位评委", unit_x)
    sheet = ScoreSheet.objects.create(application=reviewing_a, judge=judge, stage=Stage.UNIT)
    ScoreSheet.objects.filter(pk=sheet.pk).update(total=Decimal("77.5"), status="submitted")
    sheet.refresh_from_db()
    return sheet


@pytest.fixture
def other_reviewing(
    campaign: Any, unit_y: Any, experts: list[Judge], round_1: EvaluationRound, staff: Any
) -> Application:
    """A second application under review, with an expert of its own."""
    application = make_org_app(campaign, unit_y, "上海丙有限公司", state="formal_passed")
    loner = make_judge("loner@example.com", "独立专家")
    from xinban.evaluation.models import ExpertPanelMember

    ExpertPanelMember.objects.create(campaign=campaign, judge=loner)
    services.expert_assign_manual(actor=staff, application=application, judge=loner, round=round_1)
    return application


class TestExpert:
    def test_sees_only_assigned_applications(
        self, reviewing_a: Application, other_reviewing: Application
    ) -> None:
        expert = expert_sheets_of(reviewing_a)[0].judge.user
        assert expert.has_perm("evaluation.view_application", reviewing_a)
        assert not expert.has_perm("evaluation.view_application", other_reviewing)
        assert selectors.expert_application_get(user=expert, pk=reviewing_a.pk) == reviewing_a
        with pytest.raises(Http404):
            selectors.expert_application_get(user=expert, pk=other_reviewing.pk)
        sheets = list(selectors.expert_sheets(user=expert, campaign=reviewing_a.campaign))
        assert [s.application_id for s in sheets] == [reviewing_a.pk]
        with pytest.raises(Http404):
            selectors.expert_sheet_get(user=expert, pk=expert_sheets_of(other_reviewing)[0].pk)

    def test_never_the_units_scores(self, reviewing_a: Application, unit_sheet: ScoreSheet) -> None:
        expert = expert_sheets_of(reviewing_a)[0].judge.user
        assert not expert.has_perm("evaluation.view_unit_scores", reviewing_a)
        assert not expert.has_perm("evaluation.view_expert_scores", reviewing_a)
        assert not expert.has_perm("evaluation.view_expert_names", reviewing_a)
        sheets = list(selectors.expert_sheets(user=expert))
        assert unit_sheet.pk not in {s.pk for s in sheets}
        assert all(s.stage == Stage.EXPERT for s in sheets)
        with pytest.raises(Http404):
            selectors.expert_sheet_get(user=expert, pk=unit_sheet.pk)

    def test_a_unit_judge_is_not_an_expert(
        self, reviewing_a: Application, unit_sheet: ScoreSheet
    ) -> None:
        unit_judge = unit_sheet.judge.user
        assert not unit_judge.has_perm("evaluation.view_application", reviewing_a)
        assert list(selectors.expert_sheets(user=unit_judge)) == []
        with pytest.raises(Http404):
            selectors.expert_application_get(user=unit_judge, pk=reviewing_a.pk)

    def test_cannot_act_as_staff(self, reviewing_a: Application) -> None:
        expert = expert_sheets_of(reviewing_a)[0].judge.user
        assert not expert.has_perm("evaluation.manage")
        assert not expert.has_perm("evaluation.review_candidate", reviewing_a)


class TestGuidingUnit:
    def test_sees_only_candidates_and_typical(
        self,
        candidate_with_video: Application,
        other_reviewing: Application,
        recommended_b: Application,
        guide: Any,
    ) -> None:
        listed = list(selectors.guiding_candidates(user=guide))
        assert listed == [candidate_with_video]
        assert guide.has_perm("evaluation.view_application", candidate_with_video)
        assert guide.has_perm("evaluation.view_video", candidate_with_video)
        assert guide.has_perm("evaluation.review_candidate", candidate_with_video)
        for hidden in (other_reviewing, recommended_b):
            assert not guide.has_perm("evaluation.view_application", hidden)
            with pytest.raises(Http404):
                selectors.guiding_candidate_get(user=guide, pk=hidden.pk)
        assert not guide.has_perm("evaluation.view_expert_scores", candidate_with_video)
        assert not guide.has_perm("evaluation.view_unit_scores", candidate_with_video)

    def test_selected_but_not_candidate_is_hidden(
        self, selected_a: Application, guide: Any
    ) -> None:
        assert list(selectors.guiding_candidates(user=guide)) == []
        assert not guide.has_perm("evaluation.view_application", selected_a)

    def test_reviews_only_with_a_video(self, candidate_a: Application, guide: Any) -> None:
        assert guide.has_perm("evaluation.view_application", candidate_a)
        assert not guide.has_perm("evaluation.review_candidate", candidate_a)

    def test_others_see_no_candidates_list(
        self, candidate_with_video: Application, applicant_a: Any
    ) -> None:
        assert list(selectors.guiding_candidates(user=applicant_a)) == []


class TestApplicant:
    def test_outcome_without_expert_names_or_scores(
        self, selected_a: Application, applicant_a: Any
    ) -> None:
        (outcome,) = selectors.applicant_outcomes(user=applicant_a)
        assert outcome.decision_level == "建设经验"
        assert outcome.formal_outcome == "通过"
        assert not outcome.video_required
        names = {f.name for f in fields(outcome)}
        assert not names & {"score", "scores", "experts", "judges", "rank", "consensus_notes"}
        text = repr({k: v for k, v in asdict(outcome).items() if k != "application"})
        for sheet in expert_sheets_of(selected_a):
            assert sheet.judge.name not in text
            assert str(sheet.total) not in text

    def test_candidate_has_a_video_task(self, candidate_a: Application, applicant_a: Any) -> None:
        (outcome,) = selectors.applicant_outcomes(user=applicant_a)
        assert outcome.video_required
        assert applicant_a.has_perm("evaluation.upload_video", candidate_a)

    def test_return_reason_shown(
        self, recommended_a: Application, applicant_a: Any, staff: Any
    ) -> None:
        services.formal_review_record(
            actor=staff,
            application=recommended_a,
            outcome="returned",
            checks={},
            reason="请补充荣誉证明",
        )
        (outcome,) = selectors.applicant_outcomes(user=applicant_a)
        assert outcome.return_reason == "请补充荣誉证明"
        assert outcome.state_label == "退回修改"

    def test_permissions(self, selected_a: Application, applicant_a: Any, applicant_b: Any) -> None:
        assert applicant_a.has_perm("evaluation.view_outcome", selected_a)
        assert not applicant_b.has_perm("evaluation.view_outcome", selected_a)
        for perm in (
            "evaluation.view_expert_scores",
            "evaluation.view_expert_names",
            "evaluation.view_application",
            "evaluation.manage",
        ):
            assert not applicant_a.has_perm(perm, selected_a)
        assert not applicant_a.has_perm("evaluation.upload_video", selected_a)  # not a candidate
        assert selectors.applicant_outcomes(user=applicant_b) == []


class TestStaff:
    def test_sees_everything(
        self, candidate_with_video: Application, other_reviewing: Application, staff: Any
    ) -> None:
        for perm in (
            "evaluation.view_application",
            "evaluation.view_expert_scores",
            "evaluation.view_expert_names",
            "evaluation.view_unit_scores",
            "evaluation.view_video",
        ):
            assert staff.has_perm(perm, candidate_with_video)
        assert staff.has_perm("evaluation.manage")
        rows = selectors.candidates_for_staff(campaign=candidate_with_video.campaign)
        assert [r.application for r in rows] == [candidate_with_video]
        assert rows[0].video is not None and not rows[0].can_confirm

    def test_assignment_and_panel_views(
        self, reviewing_a: Application, round_1: EvaluationRound
    ) -> None:
        rows = selectors.assignment_rows(campaign=reviewing_a.campaign, round=round_1)
        assert [(r.application, len(r.sheets), r.domain) for r in rows] == [
            (reviewing_a, 3, "制造")
        ]
        panel = selectors.expert_panel(campaign=reviewing_a.campaign, round=round_1)
        assert sorted(r.assigned for r in panel) == [0, 1, 1, 1]

    def test_formal_queue(self, recommended_a: Application, campaign: Any, unit_x: Any) -> None:
        unstamped = make_org_app(campaign, unit_x, "上海缺章有限公司", stamped_form="")
        rows = {r.application.pk: r for r in selectors.formal_review_queue(campaign=campaign)}
        assert rows[recommended_a.pk].automatic_ok
        assert not rows[unstamped.pk].automatic_ok
        assert any("盖章" in text for text in rows[unstamped.pk].failing)
        manual = [c for c in rows[recommended_a.pk].checks if not c.automatic]
        assert manual and all(c.value is None for c in manual)


def test_anonymous_has_nothing(candidate_with_video: Application) -> None:
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    for perm in ("evaluation.view_application", "evaluation.view_video", "evaluation.manage"):
        assert not anonymous.has_perm(perm, candidate_with_video)


def test_unit_members_see_their_units_scores(
    reviewing_a: Application, unit_x: Any, unit_sheet: ScoreSheet
) -> None:
    from xinban.organisations.models import UnitMembership, UnitRole

    member = make_user("xmember@example.com", "推荐单位X工作人员")
    UnitMembership.objects.create(unit=unit_x, user=member, role=UnitRole.MEMBER)
    assert member.has_perm("evaluation.view_unit_scores", reviewing_a)
    assert not member.has_perm("evaluation.view_expert_scores", reviewing_a)
    assert reviewing_a.state == ApplicationState.EXPERT_REVIEW
