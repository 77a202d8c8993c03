"""The association's evaluation transitions: each allowed, refused in the wrong state, for
the wrong actor and outside the EVALUATION window; each writes the audit log; e-mail only
after commit; conflicts of every kind kept out of assignment; decisions revisable until
publication with a reason; the guiding units' approval."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.conftest import application_data, close_phase, make_user, pdf_bytes
from tests.evaluation.conftest import (
    all_ticked,
    expert_score,
    expert_sheets_of,
    make_expert,
    make_org_app,
    mp4_bytes,
)
from tests.recommendation.factories import (
    after_commit,
    audited,
    complete_report,
    mails_to,
    points_for,
    reviewed,
)
from xinban.applications import services as application_services
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign, PhaseKind
from xinban.core.errors import NotAllowed, ServiceError, WindowClosed, WrongState
from xinban.core.models import AuditEntry
from xinban.evaluation import assignment, selectors, services
from xinban.evaluation.models import (
    ChecklistItem,
    Decision,
    EvaluationRound,
    ExpertPanelMember,
    FormalReview,
    GuidingReview,
    PresentationVideo,
)
from xinban.organisations.models import (
    GuidingUnit,
    OrganisationMembership,
    UnitMembership,
    UnitRole,
)
from xinban.recommendation import services as recommendation_services
from xinban.recommendation.models import PanelMember
from xinban.scoring.models import (
    ConflictDeclaration,
    Judge,
    JudgeEmployment,
    Rubric,
    ScoreSheet,
    SheetStatus,
    Stage,
)
from xinban.scoring.services import rubric_for, sheet_save

pytestmark = pytest.mark.django_db


def _refresh(obj: Any) -> Any:
    obj.refresh_from_db()
    return obj


@pytest.fixture(params=["applicant_a", "unit_x_admin", "guide", "expert"])
def not_staff(request: pytest.FixtureRequest, campaign: Any) -> Any:
    """Anyone but association staff: the applicant, a unit's admin, a guiding unit, an
    expert of the panel."""
    if request.param == "expert":
        return make_expert(campaign, "outsider-expert@example.com", "外部专家").user
    return request.getfixturevalue(request.param)


def _published(campaign: Campaign) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(results_published=True)
    campaign.refresh_from_db()


# =========================================================================== formal review


class TestChecklist:
    def test_seeded_from_annex_4_once(self, campaign: Any) -> None:
        items = services.checklist_for(campaign)
        keys = [i.key for i in items]
        assert keys == [key for key, _text in services.DEFAULT_CHECKLIST]
        texts = " ".join(i.text for i in items)
        for needle in ("六方面创建材料", "班组名称", "盖章", "四项组织承诺", "最基础", "事故"):
            assert needle in texts
        assert services.checklist_for(campaign) == items  # no second seeding
        assert ChecklistItem.objects.filter(campaign=campaign).count() == len(items)

    def test_next_year_copies_the_edited_list(self, campaign: Any) -> None:
        items = services.checklist_for(campaign)
        items[0].text = "六个方面的创建材料齐全（已修订）"
        items[0].save()
        items[-1].active = False
        items[-1].save()
        ChecklistItem.objects.create(campaign=campaign, text="质协自定条目", position=99)
        later = Campaign.objects.create(year=campaign.year + 1, title="下一年度")
        copied = services.checklist_for(later)
        assert copied[0].text == "六个方面的创建材料齐全（已修订）"
        assert "质协自定条目" in [i.text for i in copied]
        assert items[-1].key not in [i.key for i in copied]  # inactive stays inactive
        assert ChecklistItem.objects.filter(campaign=later).count() == len(items) + 1


class TestFormalReview:
    def test_pass_records_every_check_and_moves_on(
        self, recommended_a: Application, staff: Any
    ) -> None:
        checks = all_ticked(recommended_a.campaign)
        review = services.formal_review_record(
            actor=staff, application=recommended_a, outcome="passed", checks=checks
        )
        assert _refresh(recommended_a).state == ApplicationState.FORMAL_PASSED
        assert review.outcome == "passed" and review.reviewed_by == staff and not review.bulk
        assert review.checks == {str(pk): True for pk in checks}
        entry = AuditEntry.objects.get(action="evaluation.formal_review")
        assert entry.changes["state"] == ["recommended", "formal_passed"]
        assert entry.object_id == str(recommended_a.pk)

    def test_pass_refused_when_an_item_is_not_ticked(
        self, recommended_a: Application, staff: Any
    ) -> None:
        checks = all_ticked(recommended_a.campaign)
        manual = ChecklistItem.objects.get(campaign=recommended_a.campaign, key="standard")
        checks[manual.pk] = False
        with pytest.raises(ServiceError) as exc:
            services.formal_review_record(
                actor=staff, application=recommended_a, outcome="passed", checks=checks
            )
        assert exc.value.code == "checks_failed" and exc.value.field == "checks"
        assert "T/CAQ 10204-2017" in exc.value.message
        assert _refresh(recommended_a).state == ApplicationState.RECOMMENDED
        assert not FormalReview.objects.exists()
        assert not audited("evaluation.formal_review")

    @pytest.mark.parametrize(
        ("change", "needle"),
        [
            ({"stamped_form": ""}, "盖章"),
            ({"commitment_secrecy": False}, "组织承诺"),
            ({"team_name": "质检班组"}, "班组名称"),
            ({"eligibility_basic_unit": False}, "最基础"),
            ({"accidents_per_year": 1}, "事故"),
            ({"material_honours": ""}, "创建材料"),
        ],
    )
    def test_pass_refused_when_the_data_fails_an_automatic_check(
        self, recommended_a: Application, staff: Any, change: dict[str, Any], needle: str
    ) -> None:
        Application.objects.filter(pk=recommended_a.pk).update(**change)
        with pytest.raises(ServiceError) as exc:
            services.formal_review_record(
                actor=staff,
                application=recommended_a,
                outcome="passed",
                checks=all_ticked(recommended_a.campaign),
            )
        assert exc.value.code == "checks_failed"
        assert needle in exc.value.message

    def test_fail_needs_a_reason(self, recommended_a: Application, staff: Any) -> None:
        with pytest.raises(ServiceError) as exc:
            services.formal_review_record(
                actor=staff, application=recommended_a, outcome="failed", checks={}, reason=" "
            )
        assert exc.value.code == "reason_required" and exc.value.field == "reason"

    def test_fail_is_recorded_and_told_after_commit(
        self,
        recommended_a: Application,
        staff: Any,
        applicant_a: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        after_commit(
            django_capture_on_commit_callbacks,
            lambda: services.formal_review_record(
                actor=staff,
                application=recommended_a,
                outcome="failed",
                checks={},
                reason="班组不是最基础的正式组织单元",
            ),
        )
        assert _refresh(recommended_a).state == ApplicationState.FORMAL_FAILED
        review = FormalReview.objects.get(application=recommended_a)
        assert review.reason == "班组不是最基础的正式组织单元"
        (message,) = mails_to(applicant_a.email)
        assert "形式审查" in message.subject
        assert "班组不是最基础的正式组织单元" in message.body

    def test_return_sends_it_back_with_the_reason(
        self,
        recommended_a: Application,
        staff: Any,
        applicant_a: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        after_commit(
            django_capture_on_commit_callbacks,
            lambda: services.formal_review_record(
                actor=staff,
                application=recommended_a,
                outcome="returned",
                checks={},
                reason="请补充近三年荣誉证明",
            ),
        )
        recommended_a.refresh_from_db()
        assert recommended_a.state == ApplicationState.RETURNED
        assert recommended_a.return_reason == "请补充近三年荣誉证明"
        (message,) = mails_to(applicant_a.email)
        assert "退回修改" in message.subject and "请补充近三年荣誉证明" in message.body
        entry = AuditEntry.objects.get(action="evaluation.formal_review")
        assert entry.changes["state"] == ["recommended", "returned"]
        assert entry.changes["reason"] == "请补充近三年荣誉证明"

    @pytest.mark.parametrize(
        "state",
        [ApplicationState.SUBMITTED, ApplicationState.FORMAL_PASSED, ApplicationState.RETURNED],
    )
    def test_only_recommended_applications(
        self, recommended_a: Application, staff: Any, state: str
    ) -> None:
        Application.objects.filter(pk=recommended_a.pk).update(state=state)
        with pytest.raises(WrongState):
            services.formal_review_record(
                actor=staff,
                application=recommended_a,
                outcome="passed",
                checks=all_ticked(recommended_a.campaign),
            )

    def test_only_staff(self, recommended_a: Application, not_staff: Any) -> None:
        with pytest.raises(NotAllowed):
            services.formal_review_record(
                actor=not_staff,
                application=recommended_a,
                outcome="passed",
                checks=all_ticked(recommended_a.campaign),
            )
        assert _refresh(recommended_a).state == ApplicationState.RECOMMENDED

    def test_outside_the_window(self, recommended_a: Application, staff: Any) -> None:
        checks = all_ticked(recommended_a.campaign)
        close_phase(recommended_a.campaign, PhaseKind.EVALUATION)
        with pytest.raises(WindowClosed):
            services.formal_review_record(
                actor=staff, application=recommended_a, outcome="passed", checks=checks
            )

    def test_unknown_item_refused(self, recommended_a: Application, staff: Any) -> None:
        with pytest.raises(ServiceError) as exc:
            services.formal_review_record(
                actor=staff,
                application=recommended_a,
                outcome="returned",
                checks={999_999: True},
                reason="x",
            )
        assert exc.value.code == "unknown_check"

    def test_bad_outcome(self, recommended_a: Application, staff: Any) -> None:
        with pytest.raises(ServiceError) as exc:
            services.formal_review_record(
                actor=staff, application=recommended_a, outcome="maybe", checks={}
            )
        assert exc.value.code == "bad_outcome"


class TestFormalReviewBulk:
    def test_passes_the_obvious_and_reports_the_others(
        self, campaign: Any, unit_x: Any, staff: Any
    ) -> None:
        good = make_org_app(campaign, unit_x, "上海好一有限公司")
        good2 = make_org_app(campaign, unit_x, "上海好二有限公司")
        unstamped = make_org_app(campaign, unit_x, "上海缺章有限公司", stamped_form="")
        submitted = make_org_app(
            campaign, unit_x, "上海未推荐有限公司", state=ApplicationState.SUBMITTED
        )
        hand = [i.pk for i in services.hand_items(services.checklist_for(campaign))]
        assert hand  # rule 6: the reviewer ticks these for each application
        result = services.formal_review_bulk(
            actor=staff,
            applications=[good, good2, unstamped, submitted],
            hand_checked={a.pk: hand for a in (good, good2, unstamped, submitted)},
        )
        assert sorted(a.pk for a in result.passed) == sorted([good.pk, good2.pk])
        assert set(result.refused) == {unstamped.pk, submitted.pk}
        assert "盖章" in result.refused[unstamped.pk]
        assert "已提交" in result.refused[submitted.pk]
        assert _refresh(good).state == ApplicationState.FORMAL_PASSED
        assert _refresh(unstamped).state == ApplicationState.RECOMMENDED
        assert _refresh(submitted).state == ApplicationState.SUBMITTED
        review = FormalReview.objects.get(application=good)
        assert review.bulk and all(review.checks.values())
        assert AuditEntry.objects.filter(action="evaluation.formal_review").count() == 2

    def test_nothing_is_ticked_for_a_person(self, campaign: Any, unit_x: Any, staff: Any) -> None:
        """Rule 6: hand-checked items count only when the reviewer ticked them."""
        good = make_org_app(campaign, unit_x, "上海好一有限公司")
        partly = make_org_app(campaign, unit_x, "上海好二有限公司")
        hand = services.hand_items(services.checklist_for(campaign))
        result = services.formal_review_bulk(
            actor=staff,
            applications=[good, partly],
            hand_checked={partly.pk: [i.pk for i in hand[1:]]},
        )
        assert result.passed == []
        assert hand[0].text in result.refused[partly.pk]
        assert all(i.text in result.refused[good.pk] for i in hand)
        assert _refresh(good).state == ApplicationState.RECOMMENDED
        assert not FormalReview.objects.exists()

    def test_only_passing_in_bulk(self, recommended_a: Application, staff: Any) -> None:
        with pytest.raises(ServiceError) as exc:
            services.formal_review_bulk(
                actor=staff, applications=[recommended_a], outcome="returned"
            )
        assert exc.value.code == "bulk_pass_only"

    def test_only_staff(self, recommended_a: Application, not_staff: Any) -> None:
        with pytest.raises(NotAllowed):
            services.formal_review_bulk(actor=not_staff, applications=[recommended_a])

    def test_outside_the_window(self, recommended_a: Application, staff: Any) -> None:
        close_phase(recommended_a.campaign, PhaseKind.EVALUATION)
        with pytest.raises(WindowClosed):
            services.formal_review_bulk(actor=staff, applications=[recommended_a])
        assert _refresh(recommended_a).state == ApplicationState.RECOMMENDED


def _recommend_through_unit(applicant: Any, organisation: Any, campaign: Any, unit: Any) -> Any:
    """Submit through the applicant's services, recommend and send the unit's 附件5."""
    from tests.recommendation.conftest import submit_with_attachment
    from xinban.organisations.models import UnitMembership

    admin = make_user("unit-admin@example.com", "推荐单位管理员")
    UnitMembership.objects.create(unit=unit, user=admin, role=UnitRole.ADMIN)
    application = submit_with_attachment(applicant, organisation, campaign, unit)
    recommendation_services.recommend(
        actor=admin, application=reviewed(application), opinion="推荐"
    )
    complete_report(admin, unit, campaign)
    report = recommendation_services.report_for(unit=unit, campaign=campaign)
    recommendation_services.report_submit(actor=admin, report=report)
    return _refresh(application)


class TestResubmissionAfterFormalReturn:
    def test_goes_back_to_the_association(
        self, campaign: Any, org_a: Any, applicant_a: Any, unit_x: Any, staff: Any
    ) -> None:
        application = _recommend_through_unit(applicant_a, org_a, campaign, unit_x)
        assert application.state == ApplicationState.RECOMMENDED
        services.formal_review_record(
            actor=staff,
            application=application,
            outcome="returned",
            checks={},
            reason="请补充班组文化介绍",
        )
        application.refresh_from_db()
        # The recommendation window has closed meanwhile: the correction happens during
        # the evaluation.
        close_phase(campaign, PhaseKind.RECOMMENDATION)
        close_phase(campaign, PhaseKind.APPLICATION)
        application_services.application_update(
            actor=applicant_a,
            application=application,
            data=application_data(unit_x, material_composition="班组文化：精益求精。"),
            expected_version=application.version,
        )
        resubmitted = application_services.application_submit(
            actor=applicant_a, application=application
        )
        assert resubmitted.state == ApplicationState.RECOMMENDED
        assert resubmitted.return_reason == ""
        entry = AuditEntry.objects.filter(action="application.resubmit").get()
        assert entry.changes["state"] == ["returned", "recommended"]
        assert resubmitted.revisions.count() == 2
        # ...and is reviewed again.
        services.formal_review_record(
            actor=staff, application=resubmitted, outcome="passed", checks=all_ticked(campaign)
        )
        assert _refresh(resubmitted).state == ApplicationState.FORMAL_PASSED
        assert AuditEntry.objects.filter(action="evaluation.formal_review").count() == 2

    def test_a_unit_return_still_goes_back_to_the_unit(
        self, campaign: Any, org_a: Any, applicant_a: Any, unit_x: Any, unit_x_admin: Any
    ) -> None:
        from tests.recommendation.conftest import submit_with_attachment

        application = submit_with_attachment(applicant_a, org_a, campaign, unit_x)
        application_services.application_return_for_correction(
            actor=unit_x_admin, application=application, reason="补充材料"
        )
        resubmitted = application_services.application_submit(
            actor=applicant_a, application=_refresh(application)
        )
        assert resubmitted.state == ApplicationState.SUBMITTED

    def test_a_unit_return_is_not_corrected_in_the_evaluation_window(
        self, campaign: Any, org_a: Any, applicant_a: Any, unit_x: Any, unit_x_admin: Any
    ) -> None:
        from tests.recommendation.conftest import submit_with_attachment

        application = submit_with_attachment(applicant_a, org_a, campaign, unit_x)
        application_services.application_return_for_correction(
            actor=unit_x_admin, application=application, reason="补充材料"
        )
        close_phase(campaign, PhaseKind.RECOMMENDATION)
        close_phase(campaign, PhaseKind.APPLICATION)
        with pytest.raises(WindowClosed):
            application_services.application_submit(
                actor=applicant_a, application=_refresh(application)
            )


# =========================================================================== panel


class TestPanel:
    def test_add_update_remove(self, campaign: Any, staff: Any) -> None:
        judge = make_expert(campaign, "e@example.com", "专家甲")
        ExpertPanelMember.objects.filter(judge=judge).delete()
        member = services.expert_panel_add(
            actor=staff, campaign=campaign, judge=judge, capacity=5, is_chair=True
        )
        assert member.capacity == 5 and member.is_chair
        with pytest.raises(ServiceError) as exc:
            services.expert_panel_add(actor=staff, campaign=campaign, judge=judge)
        assert exc.value.code == "already_on_panel"
        services.expert_panel_update(actor=staff, member=member, capacity=None, is_chair=False)
        assert _refresh(member).capacity is None
        services.expert_panel_remove(actor=staff, member=member)
        assert not ExpertPanelMember.objects.filter(pk=member.pk).exists()
        for action in ("panel_add", "panel_update", "panel_remove"):
            assert audited(f"evaluation.{action}")

    def test_remove_refused_with_pending_sheets(
        self, reviewing_a: Application, experts: list[Judge], staff: Any
    ) -> None:
        member = ExpertPanelMember.objects.get(judge=expert_sheets_of(reviewing_a)[0].judge)
        with pytest.raises(ServiceError) as exc:
            services.expert_panel_remove(actor=staff, member=member)
        assert exc.value.code == "judge_has_sheets"

    def test_only_staff(self, campaign: Any, not_staff: Any) -> None:
        judge = make_expert(campaign, "e@example.com", "专家甲")
        member = ExpertPanelMember.objects.get(judge=judge)
        with pytest.raises(NotAllowed):
            services.expert_panel_add(actor=not_staff, campaign=campaign, judge=judge)
        with pytest.raises(NotAllowed):
            services.expert_panel_remove(actor=not_staff, member=member)
        with pytest.raises(NotAllowed):
            services.employment_add(
                actor=not_staff, judge=judge, organisation_name="某公司", start_year=2010
            )

    def test_profile_and_employment(self, campaign: Any, staff: Any, org_a: Any) -> None:
        from xinban.campaigns.models import Domain, Industry

        judge = make_expert(campaign, "e@example.com", "专家甲", domains=())
        services.expert_profile_set(
            actor=staff,
            judge=judge,
            domains=Domain.objects.filter(name="市场服务"),
            industries=Industry.objects.filter(name="汽车"),
        )
        assert list(judge.domains.values_list("name", flat=True)) == ["市场服务"]
        employment = services.employment_add(
            actor=staff,
            judge=judge,
            organisation_name="",
            organisation=org_a,
            start_year=2010,
            end_year=2015,
        )
        assert employment.organisation_name == org_a.name
        with pytest.raises(ServiceError) as exc:
            services.employment_add(
                actor=staff, judge=judge, organisation_name="某", start_year=2015, end_year=2010
            )
        assert exc.value.field == "end_year"
        services.employment_remove(actor=staff, employment=employment)
        assert not JudgeEmployment.objects.exists()
        assert audited("evaluation.expert_profile", judge)
        assert audited("evaluation.employment_add", judge)
        assert audited("evaluation.employment_remove", judge)


# =========================================================================== conflicts


def _conflict_kinds() -> list[str]:
    return ["employer", "member", "employment", "employment_by_name", "declared", "panel", "unit"]


def _make_conflict(kind: str, judge: Judge, application: Application) -> str:
    """Give ``judge`` a conflict of ``kind`` with ``application``; returns a word the
    reason contains."""
    organisation = application.organisation
    unit = application.recommending_unit
    if kind == "employer":
        Judge.objects.filter(pk=judge.pk).update(employer_organisation=organisation)
        return "工作单位"
    if kind == "member":
        OrganisationMembership.objects.create(organisation=organisation, user=judge.user)
        return "申报单位的成员"
    if kind == "employment":
        JudgeEmployment.objects.create(
            judge=judge,
            organisation=organisation,
            organisation_name=organisation.name,
            start_year=2012,
            end_year=2018,
        )
        return "2012–2018"
    if kind == "employment_by_name":
        JudgeEmployment.objects.create(
            judge=judge, organisation_name=organisation.name, start_year=2019
        )
        return "曾在申报单位工作"
    if kind == "declared":
        ConflictDeclaration.objects.create(judge=judge, organisation=organisation, reason="亲属")
        return "亲属"
    if kind == "panel":
        PanelMember.objects.create(unit=unit, judge=judge)
        return unit.name
    if kind == "unit":
        UnitMembership.objects.create(unit=unit, user=judge.user, role=UnitRole.MEMBER)
        return "成员"
    raise AssertionError(kind)


class TestConflicts:
    @pytest.mark.parametrize("kind", _conflict_kinds())
    def test_each_kind_is_found(
        self, passed_a: Application, experts: list[Judge], kind: str
    ) -> None:
        needle = _make_conflict(kind, experts[0], passed_a)
        judges = list(Judge.objects.filter(pk__in=[e.pk for e in experts]))
        conflicts = selectors.expert_conflicts(passed_a.campaign, [passed_a], judges)
        assert set(conflicts) == {(experts[0].pk, passed_a.pk)}
        assert needle in conflicts[(experts[0].pk, passed_a.pk)]

    @pytest.mark.parametrize("kind", _conflict_kinds())
    def test_auto_assignment_never_uses_a_conflict(
        self,
        passed_a: Application,
        experts: list[Judge],
        round_1: EvaluationRound,
        staff: Any,
        kind: str,
    ) -> None:
        _make_conflict(kind, experts[0], passed_a)
        result = services.expert_assign_auto(
            actor=staff, campaign=passed_a.campaign, round=round_1, k=3
        )
        assigned = {s.judge_id for s in expert_sheets_of(passed_a)}
        assert assigned == {e.pk for e in experts[1:]}
        assert not result.uncovered

    @pytest.mark.parametrize("kind", _conflict_kinds())
    def test_manual_assignment_refuses_a_conflict_with_the_reason(
        self,
        passed_a: Application,
        experts: list[Judge],
        round_1: EvaluationRound,
        staff: Any,
        kind: str,
    ) -> None:
        needle = _make_conflict(kind, experts[0], passed_a)
        with pytest.raises(ServiceError) as exc:
            services.expert_assign_manual(
                actor=staff, application=passed_a, judge=_refresh(experts[0]), round=round_1
            )
        assert exc.value.code == "conflict" and exc.value.field == "judge"
        assert needle in exc.value.message
        assert not ScoreSheet.objects.filter(application=passed_a).exists()

    def test_exclusions_page_data(self, passed_a: Application, experts: list[Judge]) -> None:
        _make_conflict("declared", experts[1], passed_a)
        rows = {
            row.member.judge_id: row.reason
            for row in selectors.exclusions_for(application=passed_a)
        }
        assert rows[experts[0].pk] is None
        assert "亲属" in (rows[experts[1].pk] or "")

    def test_other_applications_unaffected(
        self, passed_a: Application, recommended_b: Application, experts: list[Judge]
    ) -> None:
        _make_conflict("employer", experts[0], passed_a)
        conflicts = selectors.expert_conflicts(
            passed_a.campaign, [passed_a, recommended_b], experts
        )
        assert (experts[0].pk, recommended_b.pk) not in conflicts


# =========================================================================== assignment


class TestAutoAssignment:
    def test_k_distinct_experts_balanced_and_audited(
        self,
        campaign: Any,
        unit_x: Any,
        experts: list[Judge],
        round_1: EvaluationRound,
        staff: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        apps = [
            make_org_app(campaign, unit_x, f"上海平衡{n}有限公司", state="formal_passed")
            for n in range(4)
        ]
        result = after_commit(
            django_capture_on_commit_callbacks,
            lambda: services.expert_assign_auto(actor=staff, campaign=campaign, round=round_1, k=3),
        )
        assert result.created == 12 and not result.uncovered
        assert sorted(result.moved) == sorted(a.pk for a in apps)
        for a in apps:
            sheets = expert_sheets_of(a)
            assert len({s.judge_id for s in sheets}) == 3
            assert all(s.round == 1 and s.assigned_by == staff for s in sheets)
            assert _refresh(a).state == ApplicationState.EXPERT_REVIEW
            assert audited("evaluation.assign", a)
        assert sorted(result.loads.values()) == [3, 3, 3, 3]
        assert audited("evaluation.assign_auto", round_1)
        # Every expert told once, with the round's deadline; nobody else.
        assert len(mail.outbox) == 4
        assert "第1轮" in mail.outbox[0].body
        assert timezone.localtime(round_1.deadline).strftime("%Y-%m-%d") in mail.outbox[0].body

    def test_prefers_the_applications_domain(
        self, campaign: Any, unit_x: Any, round_1: EvaluationRound, staff: Any
    ) -> None:
        makers = [
            make_expert(campaign, f"m{n}@example.com", f"制造专家{n}", domains=("制造",))
            for n in range(2)
        ]
        services_experts = [
            make_expert(campaign, f"s{n}@example.com", f"服务专家{n}", domains=("市场服务",))
            for n in range(2)
        ]
        maker_app = make_org_app(campaign, unit_x, "上海制造甲有限公司", state="formal_passed")
        service_app = make_org_app(
            campaign, unit_x, "上海服务乙有限公司", state="formal_passed", domain="市场服务"
        )
        result = services.expert_assign_auto(actor=staff, campaign=campaign, round=round_1, k=2)
        assert {s.judge_id for s in expert_sheets_of(maker_app)} == {j.pk for j in makers}
        assert {s.judge_id for s in expert_sheets_of(service_app)} == {
            j.pk for j in services_experts
        }
        assert result.engine.preference_score == 4

    def test_uncovered_applications_are_reported_never_covered_by_a_conflict(
        self,
        campaign: Any,
        unit_x: Any,
        experts: list[Judge],
        round_1: EvaluationRound,
        staff: Any,
    ) -> None:
        hard = make_org_app(campaign, unit_x, "上海回避多有限公司", state="formal_passed")
        easy = make_org_app(campaign, unit_x, "上海无回避有限公司", state="formal_passed")
        _make_conflict("declared", experts[0], hard)
        _make_conflict("employer", experts[1], hard)
        result = services.expert_assign_auto(actor=staff, campaign=campaign, round=round_1, k=3)
        assert set(result.uncovered) == {hard.pk}
        reason = result.uncovered[hard.pk]
        assert "只有 2 位专家" in reason and "专家1" in reason and "专家2" in reason
        hard_experts = {s.judge_id for s in expert_sheets_of(hard)}
        assert hard_experts == {experts[2].pk, experts[3].pk}  # as many as the rules allow
        assert len(expert_sheets_of(easy)) == 3
        assert _refresh(hard).state == ApplicationState.EXPERT_REVIEW
        entry = AuditEntry.objects.get(action="evaluation.assign_auto")
        assert str(hard.pk) in entry.changes["uncovered"]

    def test_capacity_exhausted_is_reported(
        self, campaign: Any, unit_x: Any, round_1: EvaluationRound, staff: Any
    ) -> None:
        panel = [
            make_expert(campaign, f"c{n}@example.com", f"容量专家{n}", capacity=1) for n in range(2)
        ]
        first = make_org_app(campaign, unit_x, "上海先到有限公司", state="formal_passed")
        second = make_org_app(campaign, unit_x, "上海后到有限公司", state="formal_passed")
        Application.objects.filter(pk=second.pk).update(
            submitted_at=timezone.now() + timedelta(minutes=1)
        )
        result = services.expert_assign_auto(actor=staff, campaign=campaign, round=round_1, k=2)
        assert {s.judge_id for s in expert_sheets_of(first)} == {j.pk for j in panel}
        assert set(result.uncovered) == {second.pk}
        assert "容量" in result.uncovered[second.pk]
        assert _refresh(second).state == ApplicationState.FORMAL_PASSED  # nobody assigned

    def test_keeps_existing_assignments_and_is_idempotent(
        self,
        passed_a: Application,
        experts: list[Judge],
        round_1: EvaluationRound,
        staff: Any,
    ) -> None:
        services.expert_assign_manual(
            actor=staff, application=passed_a, judge=experts[3], round=round_1
        )
        first = services.expert_assign_auto(
            actor=staff, campaign=passed_a.campaign, round=round_1, k=3
        )
        assert first.created == 2
        assert experts[3].pk in {s.judge_id for s in expert_sheets_of(passed_a)}
        again = services.expert_assign_auto(
            actor=staff, campaign=passed_a.campaign, round=round_1, k=3
        )
        assert again.created == 0 and len(expert_sheets_of(passed_a)) == 3

    def test_an_assignment_now_in_conflict_is_reported(
        self, reviewing_a: Application, experts: list[Judge], round_1: EvaluationRound, staff: Any
    ) -> None:
        judge = expert_sheets_of(reviewing_a)[0].judge
        _make_conflict("employer", judge, reviewing_a)
        result = services.expert_assign_auto(
            actor=staff, campaign=reviewing_a.campaign, round=round_1, k=3
        )
        assert (judge.pk, reviewing_a.pk) in result.conflicting_existing
        assert "工作单位" in result.conflicting_existing[(judge.pk, reviewing_a.pk)]
        # The replacement keeps the rule: three experts without a conflict.
        clean = {s.judge_id for s in expert_sheets_of(reviewing_a)} - {judge.pk}
        assert len(clean) == 3

    def test_engine_rules_hold(
        self, campaign: Any, unit_x: Any, round_1: EvaluationRound, staff: Any
    ) -> None:
        panel = [
            make_expert(campaign, f"r{n}@example.com", f"规则专家{n}", capacity=None if n else 2)
            for n in range(5)
        ]
        apps = [
            make_org_app(campaign, unit_x, f"上海规则{n}有限公司", state="formal_passed")
            for n in range(6)
        ]
        _make_conflict("declared", panel[1], apps[0])
        _make_conflict("panel", panel[2], apps[1])
        result = services.expert_assign_auto(actor=staff, campaign=campaign, round=round_1, k=3)
        conflicts = selectors.expert_conflicts(campaign, apps, panel)
        engine_apps = [assignment.Application(id=a.pk, domain="制造") for a in apps]
        engine_experts = [
            assignment.Expert(
                id=j.pk,
                domains=frozenset({"制造"}),
                capacity=ExpertPanelMember.objects.get(judge=j).capacity,
            )
            for j in panel
        ]
        assert (
            assignment.check_rules(result.engine, engine_apps, engine_experts, conflicts=conflicts)
            == []
        )
        assert ScoreSheet.objects.filter(stage=Stage.EXPERT).count() == 18

    def test_refusals(
        self, campaign: Any, passed_a: Application, experts: list[Judge], staff: Any
    ) -> None:
        closed = EvaluationRound.objects.create(
            campaign=campaign, number=1, deadline=timezone.now() - timedelta(hours=1)
        )
        with pytest.raises(WrongState) as exc:
            services.expert_assign_auto(actor=staff, campaign=campaign, round=closed)
        assert exc.value.code == "round_closed"
        other = Campaign.objects.create(year=campaign.year - 1, title="去年")
        foreign = EvaluationRound.objects.create(
            campaign=other, number=1, deadline=timezone.now() + timedelta(days=1)
        )
        with pytest.raises(ServiceError) as exc:
            services.expert_assign_auto(actor=staff, campaign=campaign, round=foreign)
        assert exc.value.code == "foreign_round"
        with pytest.raises(ServiceError) as exc:
            services.expert_assign_auto(actor=staff, campaign=campaign, round=closed, k=0)
        assert exc.value.code == "bad_k"

    def test_no_panel(self, campaign: Any, passed_a: Application, round_1: Any, staff: Any) -> None:
        with pytest.raises(ServiceError) as exc:
            services.expert_assign_auto(actor=staff, campaign=campaign, round=round_1)
        assert exc.value.code == "no_experts"

    def test_only_staff(
        self, passed_a: Application, experts: list[Judge], round_1: Any, not_staff: Any
    ) -> None:
        with pytest.raises(NotAllowed):
            services.expert_assign_auto(actor=not_staff, campaign=passed_a.campaign, round=round_1)
        assert not ScoreSheet.objects.exists()

    def test_outside_the_window(
        self, passed_a: Application, experts: list[Judge], round_1: Any, staff: Any
    ) -> None:
        close_phase(passed_a.campaign, PhaseKind.EVALUATION)
        with pytest.raises(WindowClosed):
            services.expert_assign_auto(actor=staff, campaign=passed_a.campaign, round=round_1)
        assert not ScoreSheet.objects.exists()

    def test_not_after_publication(
        self, passed_a: Application, experts: list[Judge], round_1: Any, staff: Any
    ) -> None:
        _published(passed_a.campaign)
        with pytest.raises(WrongState) as exc:
            services.expert_assign_auto(actor=staff, campaign=passed_a.campaign, round=round_1)
        assert exc.value.code == "results_published"


class TestManualAssignment:
    def test_assigns_moves_audits_and_tells_the_expert(
        self,
        passed_a: Application,
        experts: list[Judge],
        round_1: EvaluationRound,
        staff: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        sheet = after_commit(
            django_capture_on_commit_callbacks,
            lambda: services.expert_assign_manual(
                actor=staff, application=passed_a, judge=experts[0], round=round_1
            ),
        )
        assert sheet.stage == Stage.EXPERT and sheet.round == 1
        assert _refresh(passed_a).state == ApplicationState.EXPERT_REVIEW
        entry = AuditEntry.objects.get(action="evaluation.assign")
        assert entry.changes["auto"] is False and entry.changes["experts"] == ["专家1"]
        assert [m.to for m in mail.outbox] == [[experts[0].email]]

    def test_refusals(
        self,
        campaign: Any,
        passed_a: Application,
        recommended_b: Application,
        experts: list[Judge],
        round_1: EvaluationRound,
        staff: Any,
    ) -> None:
        services.expert_assign_manual(
            actor=staff, application=passed_a, judge=experts[0], round=round_1
        )
        with pytest.raises(ServiceError) as exc:
            services.expert_assign_manual(
                actor=staff, application=passed_a, judge=experts[0], round=round_1
            )
        assert exc.value.code == "already_assigned"
        outsider = make_expert(campaign, "x@example.com", "库外专家")
        ExpertPanelMember.objects.filter(judge=outsider).delete()
        with pytest.raises(ServiceError) as exc:
            services.expert_assign_manual(
                actor=staff, application=passed_a, judge=outsider, round=round_1
            )
        assert exc.value.code == "not_on_panel"
        ExpertPanelMember.objects.filter(judge=experts[1]).update(capacity=0)
        with pytest.raises(ServiceError) as exc:
            services.expert_assign_manual(
                actor=staff, application=passed_a, judge=experts[1], round=round_1
            )
        assert exc.value.code == "capacity_reached"
        with pytest.raises(WrongState):
            services.expert_assign_manual(
                actor=staff, application=recommended_b, judge=experts[2], round=round_1
            )
        EvaluationRound.objects.filter(pk=round_1.pk).update(
            deadline=timezone.now() - timedelta(minutes=1)
        )
        with pytest.raises(WrongState) as exc:
            services.expert_assign_manual(
                actor=staff, application=passed_a, judge=experts[2], round=round_1
            )
        assert exc.value.code == "round_closed"

    def test_only_staff(
        self, passed_a: Application, experts: list[Judge], round_1: Any, not_staff: Any
    ) -> None:
        with pytest.raises(NotAllowed):
            services.expert_assign_manual(
                actor=not_staff, application=passed_a, judge=experts[0], round=round_1
            )

    def test_outside_the_window(
        self, passed_a: Application, experts: list[Judge], round_1: Any, staff: Any
    ) -> None:
        close_phase(passed_a.campaign, PhaseKind.EVALUATION)
        with pytest.raises(WindowClosed):
            services.expert_assign_manual(
                actor=staff, application=passed_a, judge=experts[0], round=round_1
            )


class TestUnassign:
    def test_last_expert_removed_returns_to_formal_passed(
        self, passed_a: Application, experts: list[Judge], round_1: Any, staff: Any
    ) -> None:
        sheet = services.expert_assign_manual(
            actor=staff, application=passed_a, judge=experts[0], round=round_1
        )
        services.expert_unassign(actor=staff, sheet=sheet, reason="专家临时出差")
        assert not ScoreSheet.objects.filter(pk=sheet.pk).exists()
        assert _refresh(passed_a).state == ApplicationState.FORMAL_PASSED
        entry = AuditEntry.objects.get(action="evaluation.unassign")
        assert entry.changes["state"] == ["expert_review", "formal_passed"]
        assert entry.changes["reason"] == "专家临时出差"

    def test_others_remain(self, reviewing_a: Application, staff: Any) -> None:
        sheet = expert_sheets_of(reviewing_a)[0]
        services.expert_unassign(actor=staff, sheet=sheet)
        assert _refresh(reviewing_a).state == ApplicationState.EXPERT_REVIEW
        assert len(expert_sheets_of(reviewing_a)) == 2

    def test_submitted_sheet_stays(self, scored_a: Application, staff: Any) -> None:
        with pytest.raises(WrongState) as exc:
            services.expert_unassign(actor=staff, sheet=expert_sheets_of(scored_a)[0])
        assert exc.value.code == "sheet_submitted"

    def test_unit_sheets_are_not_touched(
        self, reviewing_a: Application, staff: Any, unit_x: Any
    ) -> None:
        from tests.recommendation.conftest import make_judge

        judge = make_judge("unitjudge@example.com", "单位评委", unit_x)
        sheet = ScoreSheet.objects.create(application=reviewing_a, judge=judge, stage=Stage.UNIT)
        with pytest.raises(NotAllowed):
            services.expert_unassign(actor=staff, sheet=sheet)

    def test_only_staff_and_in_window(
        self, reviewing_a: Application, staff: Any, not_staff: Any
    ) -> None:
        sheet = expert_sheets_of(reviewing_a)[0]
        with pytest.raises(NotAllowed):
            services.expert_unassign(actor=not_staff, sheet=sheet)
        close_phase(reviewing_a.campaign, PhaseKind.EVALUATION)
        with pytest.raises(WindowClosed):
            services.expert_unassign(actor=staff, sheet=sheet)


# =========================================================================== rounds, scoring


class TestRounds:
    def test_numbered_in_order_and_audited(self, campaign: Any, staff: Any) -> None:
        soon = timezone.now() + timedelta(days=3)
        first = services.round_create(actor=staff, campaign=campaign, deadline=soon)
        second = services.round_create(actor=staff, campaign=campaign, deadline=soon)
        assert (first.number, second.number) == (1, 2)
        assert audited("evaluation.round_create", second)

    def test_deadline_must_be_ahead(self, campaign: Any, staff: Any) -> None:
        with pytest.raises(ServiceError) as exc:
            services.round_create(
                actor=staff, campaign=campaign, deadline=timezone.now() - timedelta(hours=1)
            )
        assert exc.value.field == "deadline"

    def test_move_the_deadline_with_a_reason(self, round_1: EvaluationRound, staff: Any) -> None:
        later = round_1.deadline + timedelta(days=2)
        with pytest.raises(ServiceError) as exc:
            services.round_set_deadline(
                actor=staff, evaluation_round=round_1, deadline=later, reason=""
            )
        assert exc.value.code == "reason_required"
        services.round_set_deadline(
            actor=staff, evaluation_round=round_1, deadline=later, reason="专家请求延期"
        )
        assert _refresh(round_1).deadline == later
        entry = AuditEntry.objects.get(action="evaluation.round_deadline")
        assert entry.changes["reason"] == "专家请求延期"

    def test_only_staff_in_window(self, campaign: Any, not_staff: Any, staff: Any) -> None:
        soon = timezone.now() + timedelta(days=3)
        with pytest.raises(NotAllowed):
            services.round_create(actor=not_staff, campaign=campaign, deadline=soon)
        close_phase(campaign, PhaseKind.EVALUATION)
        with pytest.raises(WindowClosed):
            services.round_create(actor=staff, campaign=campaign, deadline=soon)


class TestExpertScoring:
    def test_expert_scores_before_the_deadline(self, reviewing_a: Application) -> None:
        sheet = expert_score(expert_sheets_of(reviewing_a)[0])
        assert sheet.status == SheetStatus.SUBMITTED and sheet.total is not None
        assert audited("scoring.sheet_submit", sheet)

    def test_not_after_the_rounds_deadline(
        self, reviewing_a: Application, round_1: EvaluationRound
    ) -> None:
        EvaluationRound.objects.filter(pk=round_1.pk).update(
            deadline=timezone.now() - timedelta(minutes=1)
        )
        sheet = expert_sheets_of(reviewing_a)[0]
        with pytest.raises(WindowClosed) as exc:
            sheet_save(
                actor=sheet.judge.user,
                sheet=sheet,
                points=points_for(sheet),
                conformity="",
                features="",
                shortcomings="",
                submit=False,
            )
        assert exc.value.code == "round_closed"
        assert _refresh(sheet).status == SheetStatus.ASSIGNED

    def test_not_outside_the_evaluation_window(self, reviewing_a: Application) -> None:
        close_phase(reviewing_a.campaign, PhaseKind.EVALUATION)
        with pytest.raises(WindowClosed) as exc:
            expert_score(expert_sheets_of(reviewing_a)[0])
        assert exc.value.code == "window_closed"

    def test_not_after_the_decision(self, selected_a: Application, staff: Any) -> None:
        sheet = expert_sheets_of(selected_a)[0]
        ScoreSheet.objects.filter(pk=sheet.pk).update(status=SheetStatus.DRAFT)
        with pytest.raises(WrongState) as exc:
            expert_score(_refresh(sheet))
        assert exc.value.code == "review_closed"

    def test_only_the_sheets_expert(self, reviewing_a: Application) -> None:
        sheets = expert_sheets_of(reviewing_a)
        with pytest.raises(NotAllowed):
            sheet_save(
                actor=sheets[1].judge.user,
                sheet=sheets[0],
                points=points_for(sheets[0]),
                submit=True,
                conformity="a",
                features="b",
                shortcomings="c",
            )


# =========================================================================== ranking


class TestRanking:
    def _scored(self, campaign: Any, unit_x: Any, staff: Any, round_1: Any) -> list[Application]:
        for n in range(3):
            make_expert(
                campaign, f"rk{n}@example.com", f"排名专家{n}", domains=("制造", "市场服务")
            )
        apps = [
            make_org_app(campaign, unit_x, "上海制造一有限公司", state="formal_passed"),
            make_org_app(campaign, unit_x, "上海制造二有限公司", state="formal_passed"),
            make_org_app(
                campaign, unit_x, "上海服务一有限公司", state="formal_passed", domain="市场服务"
            ),
        ]
        services.expert_assign_auto(actor=staff, campaign=campaign, round=round_1, k=3)
        shares = {apps[0].pk: "0.6", apps[1].pk: "0.9", apps[2].pk: "0.7"}
        for a in apps:
            for sheet in expert_sheets_of(a):
                expert_score(sheet, Decimal(shares[a.pk]))
        return apps

    def test_ranked_within_each_domain(
        self, campaign: Any, unit_x: Any, staff: Any, round_1: Any
    ) -> None:
        apps = self._scored(campaign, unit_x, staff, round_1)
        ranking = selectors.expert_ranking(campaign=campaign)
        assert [d.domain for d in ranking] == ["制造", "市场服务"]  # the taxonomy's order
        manufacturing = ranking[0].rows
        assert [r.application.pk for r in manufacturing] == [apps[1].pk, apps[0].pk]
        assert [r.rank for r in manufacturing] == [1, 2]
        assert manufacturing[0].score == Decimal("90.00") and manufacturing[0].judges == 3
        assert ranking[1].rows[0].rank == 1 and not ranking[1].rows[0].flagged

    def test_disagreement_flag_and_normalise_switch(
        self, campaign: Any, unit_x: Any, staff: Any, round_1: Any
    ) -> None:
        for n in range(2):
            make_expert(campaign, f"d{n}@example.com", f"分歧专家{n}")
        app = make_org_app(campaign, unit_x, "上海分歧有限公司", state="formal_passed")
        services.expert_assign_auto(actor=staff, campaign=campaign, round=round_1, k=2)
        low, high = expert_sheets_of(app)
        expert_score(low, Decimal("0.5"))
        expert_score(high, Decimal("0.9"))
        (domain,) = selectors.expert_ranking(campaign=campaign, round=round_1)
        assert domain.rows[0].flagged
        rubric = rubric_for(campaign=campaign, stage=Stage.EXPERT)
        Rubric.objects.filter(pk=rubric.pk).update(normalise_judges=True)
        assert selectors.expert_normalise_default(campaign) is True
        (normalised,) = selectors.expert_ranking(campaign=campaign)
        # One application, both experts neutral after normalising: the panel mean.
        assert normalised.rows[0].score == Decimal("70.00")
        assert normalised.rows[0].raw_mean == Decimal("70.00")

    def test_constant_number_of_queries(
        self, campaign: Any, unit_x: Any, staff: Any, round_1: Any
    ) -> None:
        self._scored(campaign, unit_x, staff, round_1)
        with CaptureQueriesContext(connection) as small:
            selectors.expert_ranking(campaign=campaign)
        for n in range(4):
            app = make_org_app(campaign, unit_x, f"上海追加{n}有限公司", state="formal_passed")
            services.expert_assign_auto(actor=staff, campaign=campaign, round=round_1, k=3)
            for sheet in expert_sheets_of(app):
                expert_score(sheet)
        with CaptureQueriesContext(connection) as large:
            rows = selectors.expert_ranking(campaign=campaign)
        assert sum(len(d.rows) for d in rows) == 7
        # Default switch, fingerprint, applications, sheets, registrations (two), domain
        # order, the rows' applications: the same whatever the number of applications.
        assert len(large) == len(small) <= 8

    def test_cached_ranking_follows_every_change(
        self, campaign: Any, unit_x: Any, staff: Any, round_1: Any
    ) -> None:
        self._scored(campaign, unit_x, staff, round_1)
        first = selectors.expert_rank_entries(campaign=campaign, normalise=False)
        with CaptureQueriesContext(connection) as cached:
            again = selectors.expert_rank_entries(campaign=campaign, normalise=False)
        assert again == first and len(cached) == 1  # the fingerprint only
        app = make_org_app(campaign, unit_x, "上海新增有限公司", state="formal_passed")
        services.expert_assign_auto(actor=staff, campaign=campaign, round=round_1, k=3)
        for sheet in expert_sheets_of(app):
            expert_score(sheet)
        after = selectors.expert_rank_entries(campaign=campaign, normalise=False)
        assert app.pk in {e.application_id for e in after} and len(after) == len(first) + 1

    def test_latest_round_counts(
        self, scored_a: Application, staff: Any, round_1: EvaluationRound
    ) -> None:
        (before,) = selectors.expert_ranking(campaign=scored_a.campaign)
        second = services.round_create(
            actor=staff, campaign=scored_a.campaign, deadline=timezone.now() + timedelta(days=2)
        )
        judge = expert_sheets_of(scored_a)[0].judge
        services.expert_assign_manual(actor=staff, application=scored_a, judge=judge, round=second)
        redo = ScoreSheet.objects.get(application=scored_a, judge=judge, round=2)
        expert_score(redo, Decimal("1"))
        (after,) = selectors.expert_ranking(campaign=scored_a.campaign)
        assert after.rows[0].judges == 3  # the judge counts once, with the newer sheet
        assert after.rows[0].score > before.rows[0].score
        (only_first,) = selectors.expert_ranking(campaign=scored_a.campaign, round=round_1)
        assert only_first.rows[0].score == before.rows[0].score


# =========================================================================== decisions


class TestDecisions:
    def test_select_records_notes_moves_audits_and_tells_after_commit(
        self,
        scored_a: Application,
        staff: Any,
        applicant_a: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        decision = after_commit(
            django_capture_on_commit_callbacks,
            lambda: services.decision_set(
                actor=staff,
                application=scored_a,
                level="selected",
                consensus_notes="评审组长合议：材料扎实，入选",
            ),
        )
        assert decision.level == "selected" and decision.decided_by == staff
        assert decision.consensus_notes == "评审组长合议：材料扎实，入选"
        assert _refresh(scored_a).state == ApplicationState.SELECTED
        entry = AuditEntry.objects.get(action="evaluation.decision")
        assert entry.changes["state"] == ["expert_review", "selected"]
        assert entry.changes["level"] == [None, "selected"]
        (message,) = mails_to(applicant_a.email)
        assert "建设经验" in message.body
        self._no_expert_data(message, scored_a)

    @staticmethod
    def _no_expert_data(message: Any, application: Application) -> None:
        text = message.subject + message.body
        for sheet in expert_sheets_of(application):
            assert sheet.judge.name not in text
            if sheet.total is not None:
                assert str(round(sheet.total, 1)) not in text
        assert "评审组长合议" not in text  # the panel's notes stay internal

    def test_not_selected(self, scored_a: Application, staff: Any) -> None:
        services.decision_set(
            actor=staff, application=scored_a, level="not_selected", consensus_notes="未达标准"
        )
        assert _refresh(scored_a).state == ApplicationState.NOT_SELECTED

    def test_notes_required_first(self, scored_a: Application, staff: Any) -> None:
        with pytest.raises(ServiceError) as exc:
            services.decision_set(actor=staff, application=scored_a, level="selected")
        assert exc.value.field == "consensus_notes"

    def test_needs_expert_scores(self, reviewing_a: Application, staff: Any) -> None:
        with pytest.raises(WrongState) as exc:
            services.decision_set(
                actor=staff, application=reviewing_a, level="selected", consensus_notes="x"
            )
        assert exc.value.code == "no_expert_scores"

    def test_typical_only_through_confirmation(self, selected_a: Application, staff: Any) -> None:
        with pytest.raises(ServiceError) as exc:
            services.decision_set(
                actor=staff, application=selected_a, level="typical", reason="直接定为典型"
            )
        assert exc.value.code == "use_typical_confirm"

    @pytest.mark.parametrize(
        ("fixture", "level"),
        [
            ("scored_a", "typical_candidate"),  # candidates come from 建设经验
            ("passed_a", "selected"),  # no expert review yet
            ("recommended_a", "not_selected"),
        ],
    )
    def test_wrong_state(
        self, request: pytest.FixtureRequest, staff: Any, fixture: str, level: str
    ) -> None:
        application = request.getfixturevalue(fixture)
        with pytest.raises(WrongState):
            services.decision_set(
                actor=staff, application=application, level=level, consensus_notes="x"
            )
        assert not Decision.objects.filter(application=application).exists()

    def test_revision_needs_a_reason_and_is_audited(
        self, selected_a: Application, staff: Any, applicant_a: Any
    ) -> None:
        with pytest.raises(ServiceError) as exc:
            services.decision_set(actor=staff, application=selected_a, level="not_selected")
        assert exc.value.code == "reason_required"
        mail.outbox.clear()
        decision = services.decision_set(
            actor=staff,
            application=selected_a,
            level="not_selected",
            reason="复核发现材料与实际不符",
        )
        assert decision.consensus_notes == "合议：入选建设经验"  # kept
        assert _refresh(selected_a).state == ApplicationState.NOT_SELECTED
        entry = AuditEntry.objects.get(action="evaluation.decision_revise")
        assert entry.changes["level"] == ["selected", "not_selected"]
        assert entry.changes["state"] == ["selected", "not_selected"]
        assert entry.changes["reason"] == "复核发现材料与实际不符"

    def test_revisable_until_publication(self, selected_a: Application, staff: Any) -> None:
        _published(selected_a.campaign)
        with pytest.raises(WrongState) as exc:
            services.decision_set(
                actor=staff, application=selected_a, level="not_selected", reason="改判"
            )
        assert exc.value.code == "results_published"
        assert _refresh(selected_a).state == ApplicationState.SELECTED

    def test_candidate_demoted_loses_the_national_flag(
        self, candidate_with_video: Application, staff: Any, guide: Any
    ) -> None:
        services.guiding_review_record(
            actor=guide, application=candidate_with_video, verdict="approve"
        )
        services.typical_confirm(actor=staff, application=candidate_with_video)
        services.national_mark(
            actor=staff, application=candidate_with_video, value=True, reason="优中选优"
        )
        decision = services.decision_set(
            actor=staff, application=candidate_with_video, level="selected", reason="复核降级"
        )
        assert decision.level == "selected" and decision.national is False
        assert _refresh(candidate_with_video).state == ApplicationState.SELECTED

    def test_only_staff(self, scored_a: Application, not_staff: Any) -> None:
        with pytest.raises(NotAllowed):
            services.decision_set(
                actor=not_staff, application=scored_a, level="selected", consensus_notes="x"
            )

    def test_outside_the_window(self, scored_a: Application, staff: Any) -> None:
        close_phase(scored_a.campaign, PhaseKind.EVALUATION)
        with pytest.raises(WindowClosed):
            services.decision_set(
                actor=staff, application=scored_a, level="selected", consensus_notes="x"
            )

    def test_candidate_told_about_the_video(
        self,
        selected_a: Application,
        staff: Any,
        applicant_a: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        mail.outbox.clear()
        after_commit(
            django_capture_on_commit_callbacks,
            lambda: services.decision_set(
                actor=staff, application=selected_a, level="typical_candidate", reason="推选候选"
            ),
        )
        (message,) = mails_to(applicant_a.email)
        assert "典型经验候选" in message.body and "发表视频" in message.body
        self._no_expert_data(message, selected_a)


# =========================================================================== video


class TestVideo:
    def test_applicant_attaches_a_video(self, candidate_a: Application, applicant_a: Any) -> None:
        import hashlib

        data = mp4_bytes()
        video = services.video_attach(
            actor=applicant_a,
            application=candidate_a,
            file=SimpleUploadedFile("发表 视频.mp4", data, content_type="video/mp4"),
        )
        assert video.sha256 == hashlib.sha256(data).hexdigest()
        assert video.size == len(data) and video.content_type == "video/mp4"
        assert video.original_name.endswith(".mp4") and video.uploaded_by == applicant_a
        with default_storage.open(video.file.name, "rb") as stored:
            assert hashlib.sha256(stored.read()).hexdigest() == video.sha256
        assert audited("evaluation.video_attach", candidate_a)

    def test_a_stored_file_is_referenced_in_place(
        self, candidate_a: Application, applicant_a: Any
    ) -> None:
        """What the resumable upload hands over: a file already in the default storage."""
        data = mp4_bytes(fill=b"\x02")
        name = default_storage.save("resumable/2025/01/upload.mp4", ContentFile(data))
        holder = PresentationVideo(application=candidate_a)  # any FileField gives a FieldFile
        holder.file.name = name
        video = services.video_attach(
            actor=applicant_a, application=candidate_a, file=holder.file, name="发表视频.mp4"
        )
        assert video.file.name == name
        assert video.original_name == "发表视频.mp4"
        assert not default_storage.exists("videos")  # not copied

    def test_wrong_type_refused(self, candidate_a: Application, applicant_a: Any) -> None:
        with pytest.raises(ServiceError) as exc:
            services.video_attach(
                actor=applicant_a,
                application=candidate_a,
                file=SimpleUploadedFile("视频.mp4", pdf_bytes(), content_type="video/mp4"),
            )
        assert exc.value.field == "file" and exc.value.code == "content_mismatch"
        assert not PresentationVideo.objects.exists()

    def test_too_large_refused(
        self, candidate_a: Application, applicant_a: Any, settings: Any
    ) -> None:
        settings.XINBAN_MAX_VIDEO_BYTES = 1024
        with pytest.raises(ServiceError) as exc:
            services.video_attach(
                actor=applicant_a,
                application=candidate_a,
                file=SimpleUploadedFile("视频.mp4", mp4_bytes(), content_type="video/mp4"),
            )
        assert exc.value.code == "file_too_large"

    @pytest.mark.parametrize("who", ["applicant_b", "staff", "guide"])
    def test_only_the_applicant(
        self, request: pytest.FixtureRequest, candidate_a: Application, who: str
    ) -> None:
        with pytest.raises(NotAllowed):
            services.video_attach(
                actor=request.getfixturevalue(who),
                application=candidate_a,
                file=SimpleUploadedFile("视频.mp4", mp4_bytes(), content_type="video/mp4"),
            )

    def test_only_candidates(self, selected_a: Application, applicant_a: Any) -> None:
        with pytest.raises(WrongState):
            services.video_attach(
                actor=applicant_a,
                application=selected_a,
                file=SimpleUploadedFile("视频.mp4", mp4_bytes(), content_type="video/mp4"),
            )
        assert not default_storage.exists("videos") or not default_storage.listdir("videos")[1]

    def test_outside_the_window(self, candidate_a: Application, applicant_a: Any) -> None:
        close_phase(candidate_a.campaign, PhaseKind.EVALUATION)
        with pytest.raises(WindowClosed):
            services.video_attach(
                actor=applicant_a,
                application=candidate_a,
                file=SimpleUploadedFile("视频.mp4", mp4_bytes(), content_type="video/mp4"),
            )

    def test_replacing_clears_reviews_and_the_old_file(
        self,
        candidate_with_video: Application,
        applicant_a: Any,
        guide: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        old = PresentationVideo.objects.get(application=candidate_with_video).file.name
        services.guiding_review_record(
            actor=guide, application=candidate_with_video, verdict="reject", comment="画面不清"
        )
        with django_capture_on_commit_callbacks(execute=True):
            video = services.video_attach(
                actor=applicant_a,
                application=candidate_with_video,
                file=SimpleUploadedFile("新视频.mp4", mp4_bytes(fill=b"\x03")),
            )
        assert video.file.name != old
        assert not GuidingReview.objects.exists()
        assert not default_storage.exists(old)
        entry = AuditEntry.objects.filter(action="evaluation.video_attach").order_by("id").last()
        assert entry.changes["guiding_reviews_cleared"] == 1 and entry.changes["replaced"]


# =========================================================================== guiding units


class TestGuidingReview:
    def test_approve_and_confirm(
        self,
        candidate_with_video: Application,
        guide: Any,
        staff: Any,
        applicant_a: Any,
        django_capture_on_commit_callbacks: Any,
    ) -> None:
        review = services.guiding_review_record(
            actor=guide, application=candidate_with_video, verdict="approve", comment="同意"
        )
        assert review.guiding_unit.name == "上海市总工会" and review.reviewer == guide
        assert audited("evaluation.guiding_review", candidate_with_video)
        mail.outbox.clear()
        decision = after_commit(
            django_capture_on_commit_callbacks,
            lambda: services.typical_confirm(
                actor=staff, application=candidate_with_video, reason="指导单位同意"
            ),
        )
        assert decision.level == "typical"
        assert _refresh(candidate_with_video).state == ApplicationState.TYPICAL
        entry = AuditEntry.objects.get(action="evaluation.typical_confirm")
        assert entry.changes["level"] == ["typical_candidate", "typical"]
        (message,) = mails_to(applicant_a.email)
        assert "典型经验" in message.body

    def test_a_unit_changes_its_verdict(
        self, candidate_with_video: Application, guide: Any
    ) -> None:
        services.guiding_review_record(
            actor=guide, application=candidate_with_video, verdict="reject", comment="待补充"
        )
        services.guiding_review_record(
            actor=guide, application=candidate_with_video, verdict="approve"
        )
        review = GuidingReview.objects.get()
        assert review.verdict == "approve"
        entries = AuditEntry.objects.filter(action="evaluation.guiding_review").order_by("id")
        assert entries.last().changes["verdict"] == ["reject", "approve"]

    def test_reject_needs_a_comment(self, candidate_with_video: Application, guide: Any) -> None:
        with pytest.raises(ServiceError) as exc:
            services.guiding_review_record(
                actor=guide, application=candidate_with_video, verdict="reject"
            )
        assert exc.value.field == "comment"

    def test_needs_the_video(self, candidate_a: Application, guide: Any) -> None:
        with pytest.raises(WrongState) as exc:
            services.guiding_review_record(actor=guide, application=candidate_a, verdict="approve")
        assert exc.value.code == "video_missing"

    def test_only_candidates(self, selected_a: Application, guide: Any) -> None:
        with pytest.raises(WrongState):
            services.guiding_review_record(actor=guide, application=selected_a, verdict="approve")

    @pytest.mark.parametrize("who", ["staff", "applicant_a", "unit_x_admin"])
    def test_only_guiding_users(
        self, request: pytest.FixtureRequest, candidate_with_video: Application, who: str
    ) -> None:
        with pytest.raises(NotAllowed):
            services.guiding_review_record(
                actor=request.getfixturevalue(who),
                application=candidate_with_video,
                verdict="approve",
            )

    def test_a_user_of_two_units_names_the_unit(
        self, candidate_with_video: Application, guide: Any
    ) -> None:
        second = GuidingUnit.objects.create(name="团市委")
        second.members.add(guide)
        from xinban.core.roles import forget_roles

        forget_roles(guide)
        with pytest.raises(ServiceError) as exc:
            services.guiding_review_record(
                actor=guide, application=candidate_with_video, verdict="approve"
            )
        assert exc.value.code == "unit_required"
        other = GuidingUnit.objects.create(name="市妇联")
        with pytest.raises(NotAllowed):
            services.guiding_review_record(
                actor=guide,
                application=candidate_with_video,
                verdict="approve",
                guiding_unit=other,
            )
        review = services.guiding_review_record(
            actor=guide, application=candidate_with_video, verdict="approve", guiding_unit=second
        )
        assert review.guiding_unit == second

    def test_outside_the_window(self, candidate_with_video: Application, guide: Any) -> None:
        close_phase(candidate_with_video.campaign, PhaseKind.EVALUATION)
        with pytest.raises(WindowClosed):
            services.guiding_review_record(
                actor=guide, application=candidate_with_video, verdict="approve"
            )


class TestTypicalConfirm:
    def test_needs_an_approval(self, candidate_with_video: Application, staff: Any) -> None:
        with pytest.raises(WrongState) as exc:
            services.typical_confirm(actor=staff, application=candidate_with_video)
        assert exc.value.code == "guiding_pending"

    def test_a_rejection_blocks(
        self, candidate_with_video: Application, staff: Any, guide: Any
    ) -> None:
        services.guiding_review_record(
            actor=guide, application=candidate_with_video, verdict="approve"
        )
        other_guide = make_user("guide2@example.com", "指导单位用户二")
        GuidingUnit.objects.create(name="上海市市场监督管理局").members.add(other_guide)
        services.guiding_review_record(
            actor=other_guide, application=candidate_with_video, verdict="reject", comment="不足"
        )
        with pytest.raises(WrongState) as exc:
            services.typical_confirm(actor=staff, application=candidate_with_video)
        assert exc.value.code == "guiding_rejected"
        assert _refresh(candidate_with_video).state == ApplicationState.TYPICAL_CANDIDATE

    def test_needs_the_video(self, candidate_a: Application, staff: Any) -> None:
        with pytest.raises(WrongState) as exc:
            services.typical_confirm(actor=staff, application=candidate_a)
        assert exc.value.code == "video_missing"

    def test_only_staff_in_window(
        self, candidate_with_video: Application, guide: Any, staff: Any, not_staff: Any
    ) -> None:
        services.guiding_review_record(
            actor=guide, application=candidate_with_video, verdict="approve"
        )
        with pytest.raises(NotAllowed):
            services.typical_confirm(actor=not_staff, application=candidate_with_video)
        close_phase(candidate_with_video.campaign, PhaseKind.EVALUATION)
        with pytest.raises(WindowClosed):
            services.typical_confirm(actor=staff, application=candidate_with_video)

    def test_only_candidates(self, selected_a: Application, staff: Any) -> None:
        with pytest.raises(WrongState):
            services.typical_confirm(actor=staff, application=selected_a)


class TestNationalMark:
    @pytest.fixture
    def typical_a(self, candidate_with_video: Application, guide: Any, staff: Any) -> Application:
        services.guiding_review_record(
            actor=guide, application=candidate_with_video, verdict="approve"
        )
        services.typical_confirm(actor=staff, application=candidate_with_video)
        return _refresh(candidate_with_video)

    def test_mark_and_unmark_with_reason(self, typical_a: Application, staff: Any) -> None:
        with pytest.raises(ServiceError) as exc:
            services.national_mark(actor=staff, application=typical_a, value=True, reason="")
        assert exc.value.code == "reason_required"
        decision = services.national_mark(
            actor=staff, application=typical_a, value=True, reason="推荐全国"
        )
        assert decision.national
        entry = AuditEntry.objects.get(action="evaluation.national_mark")
        assert entry.changes["national"] == [False, True]
        with pytest.raises(WrongState):
            services.national_mark(actor=staff, application=typical_a, value=True, reason="again")
        services.national_mark(actor=staff, application=typical_a, value=False, reason="名额调整")
        assert not Decision.objects.get(application=typical_a).national

    def test_only_typical(self, candidate_with_video: Application, staff: Any) -> None:
        with pytest.raises(WrongState):
            services.national_mark(
                actor=staff, application=candidate_with_video, value=True, reason="x"
            )

    def test_only_staff_until_publication(
        self, typical_a: Application, staff: Any, not_staff: Any
    ) -> None:
        with pytest.raises(NotAllowed):
            services.national_mark(actor=not_staff, application=typical_a, value=True, reason="x")
        _published(typical_a.campaign)
        with pytest.raises(WrongState):
            services.national_mark(
                actor=staff, application=_refresh(typical_a), value=True, reason="x"
            )
