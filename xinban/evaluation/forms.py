"""Forms of the association's evaluation pages, read by the JSON API too. Each parses
input and, in ``save``, hands it to its service: the form-to-service step is written once
for the page and the API (docs/architecture.md, "The association's evaluation"). The
rules are in the services (their refusals come back as field errors)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinban.accounts.models import User
from xinban.applications.models import Application
from xinban.campaigns.models import Campaign, Domain, Industry
from xinban.core.forms import SafeChoicesMixin
from xinban.evaluation.checklist import checklist_for
from xinban.evaluation.models import (
    ChecklistItem,
    Decision,
    DecisionLevel,
    EvaluationRound,
    ExpertPanelMember,
    FormalOutcome,
    FormalReview,
    GuidingReview,
    GuidingVerdict,
)
from xinban.evaluation.selectors import AUTOMATIC_KEYS
from xinban.evaluation.services.decisions import decision_set, national_mark
from xinban.evaluation.services.formal_review import formal_review_record
from xinban.evaluation.services.guiding_review import guiding_review_record
from xinban.evaluation.services.panel import employment_add, expert_panel_add, expert_panel_edit
from xinban.evaluation.services.rounds import round_set_deadline
from xinban.scoring.models import Judge, JudgeEmployment


class FormalReviewForm(forms.Form):
    """One application's formal review: the outcome, a reason for fail/return, and a
    tick per checklist item checked by hand (the automatic ones are computed)."""

    outcome = forms.ChoiceField(label=_("审查结论"), choices=FormalOutcome.choices)
    reason = forms.CharField(
        label=_("原因（不通过或退回时必填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, items: list[ChecklistItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        # Items computed from the data are shown, not ticked (the service computes them).
        for item in self.manual_items:
            self.fields[f"check_{item.pk}"] = forms.BooleanField(label=item.label, required=False)

    @classmethod
    def for_application(
        cls, application: Application, data: Mapping[str, Any] | None = None
    ) -> FormalReviewForm:
        """The form for ``application``: the year's checklist, bound to ``data`` (a POST or
        the API's body) or showing the last review recorded."""
        review = getattr(application, "formal_review", None)
        initial: dict[str, Any] = {}
        if review is not None:
            initial.update({f"check_{k}": bool(v) for k, v in (review.checks or {}).items()})
            initial.update(outcome=review.outcome, reason=review.reason)
        return cls(data, items=checklist_for(application.campaign), initial=initial)

    @property
    def manual_items(self) -> list[ChecklistItem]:
        return [item for item in self.items if item.key not in AUTOMATIC_KEYS]

    def checks(self) -> dict[int, bool]:
        """{item id: ticked} for the items ticked by hand."""
        return {
            item.pk: bool(self.cleaned_data.get(f"check_{item.pk}")) for item in self.manual_items
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("outcome") in (FormalOutcome.FAILED, FormalOutcome.RETURNED)
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("不通过或退回时请填写原因。"))
        return data

    def save(self, *, actor: User, application: Application) -> FormalReview:
        return formal_review_record(
            actor=actor,
            application=application,
            outcome=self.cleaned_data["outcome"],
            checks=self.checks(),
            reason=self.cleaned_data["reason"],
        )


class BulkPassForm(forms.Form):
    applications = forms.TypedMultipleChoiceField(
        label=_("申报"), coerce=int, choices=(), error_messages={"required": _("请至少选择一项。")}
    )

    def __init__(self, *args: Any, ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(pk, str(pk)) for pk in ids]  # type: ignore[attr-defined]


class PanelAddForm(SafeChoicesMixin, forms.Form):
    judge = forms.ModelChoiceField(label=_("专家"), queryset=Judge.objects.none())
    capacity = forms.IntegerField(
        label=_("最多评审份数（空：不限）"), required=False, min_value=1, max_value=1000
    )
    is_chair = forms.BooleanField(label=_("评审组长"), required=False)

    def __init__(self, *args: Any, judges: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["judge"].queryset = judges  # type: ignore[attr-defined]

    def save(self, *, actor: User, campaign: Campaign) -> ExpertPanelMember:
        return expert_panel_add(
            actor=actor,
            campaign=campaign,
            judge=self.cleaned_data["judge"],
            capacity=self.cleaned_data["capacity"],
            is_chair=self.cleaned_data["is_chair"],
        )


class PanelMemberForm(forms.Form):
    capacity = forms.IntegerField(
        label=_("最多评审份数（空：不限）"), required=False, min_value=1, max_value=1000
    )
    is_chair = forms.BooleanField(label=_("评审组长"), required=False)
    domains = forms.ModelMultipleChoiceField(
        label=_("擅长领域"),
        queryset=Domain.objects.filter(active=True).order_by("position", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    industries = forms.ModelMultipleChoiceField(
        label=_("熟悉行业"),
        queryset=Industry.objects.filter(active=True).order_by("position", "name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def save(self, *, actor: User, member: ExpertPanelMember) -> ExpertPanelMember:
        return expert_panel_edit(
            actor=actor,
            member=member,
            capacity=self.cleaned_data["capacity"],
            is_chair=self.cleaned_data["is_chair"],
            domains=self.cleaned_data["domains"],
            industries=self.cleaned_data["industries"],
        )


class EmploymentForm(forms.Form):
    organisation_name = forms.CharField(label=_("曾任职单位（全称）"), max_length=120)
    start_year = forms.IntegerField(label=_("起始年份"), min_value=1950, max_value=2100)
    end_year = forms.IntegerField(
        label=_("结束年份（空：至今）"), required=False, min_value=1950, max_value=2100
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("结束年份不能早于起始年份。"))
        return data

    def save(self, *, actor: User, judge: Judge) -> JudgeEmployment:
        return employment_add(
            actor=actor,
            judge=judge,
            organisation_name=self.cleaned_data["organisation_name"],
            start_year=self.cleaned_data["start_year"],
            end_year=self.cleaned_data["end_year"],
        )


class RoundForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("评分截止时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )


class DeadlineForm(RoundForm):
    reason = forms.CharField(label=_("调整原因"), max_length=500)

    def save(self, *, actor: User, evaluation_round: EvaluationRound) -> EvaluationRound:
        return round_set_deadline(
            actor=actor,
            evaluation_round=evaluation_round,
            deadline=self.cleaned_data["deadline"],
            reason=self.cleaned_data["reason"],
        )


class AutoAssignForm(forms.Form):
    k = forms.IntegerField(label=_("每份申报的专家数"), min_value=1, max_value=9, initial=3)


class ManualAssignForm(SafeChoicesMixin, forms.Form):
    judge = forms.ModelChoiceField(label=_("专家"), queryset=Judge.objects.none())

    def __init__(self, *args: Any, judges: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["judge"].queryset = judges  # type: ignore[attr-defined]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), required=False, max_length=1000)


class DecisionForm(forms.Form):
    level = forms.ChoiceField(label=_("评价结果"), choices=DecisionLevel.choices)
    consensus_notes = forms.CharField(
        label=_("评审组长合议意见"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label=_("修改原因（修改已有决定时必填）"), required=False, max_length=1000
    )

    def save(self, *, actor: User, application: Application) -> Decision:
        return decision_set(
            actor=actor,
            application=application,
            level=self.cleaned_data["level"],
            consensus_notes=self.cleaned_data["consensus_notes"],
            reason=self.cleaned_data["reason"],
        )


class NationalForm(forms.Form):
    value = forms.TypedChoiceField(
        label=_("推荐全国质量信得过班组典型经验"),
        choices=(("1", _("推荐")), ("0", _("取消推荐"))),
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("原因"), max_length=1000)

    def save(self, *, actor: User, application: Application) -> Decision:
        return national_mark(
            actor=actor,
            application=application,
            value=self.cleaned_data["value"],
            reason=self.cleaned_data["reason"],
        )


class GuidingReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("审核意见"), choices=GuidingVerdict.choices, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("说明"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("verdict") == GuidingVerdict.REJECT and not (data.get("comment") or "").strip():
            self.add_error("comment", _("不同意时请说明理由。"))
        return data

    def save(self, *, actor: User, application: Application) -> GuidingReview:
        return guiding_review_record(
            actor=actor,
            application=application,
            verdict=self.cleaned_data["verdict"],
            comment=self.cleaned_data["comment"],
        )


class VideoForm(forms.Form):
    upload_id = forms.CharField(
        label=_("视频"),
        max_length=64,
        error_messages={"required": _("请先选择视频文件并等待上传完成。")},
    )
