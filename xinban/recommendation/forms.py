from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from xinban.core.forms import SafeChoicesMixin
from xinban.core.text import bracketed
from xinban.core.validators import validate_mainland_mobile
from xinban.recommendation.models import InvitationRole, UnitRecommendationReport
from xinban.recommendation.services import fill_date_refusal
from xinban.scoring.models import Criterion, Judge


class JudgeForm(forms.ModelForm):
    mobile = forms.CharField(label=_("手机"), max_length=11, validators=[validate_mainland_mobile])

    class Meta:
        model = Judge
        fields = ["name", "employer", "tgq_number", "address", "email", "mobile"]


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("邮箱"))
    role = forms.ChoiceField(
        label=_("角色"),
        choices=[
            (InvitationRole.ADMIN, InvitationRole.ADMIN.label),
            (InvitationRole.MEMBER, InvitationRole.MEMBER.label),
        ],
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}))


class OnSiteForm(forms.Form):
    on_site_review = forms.BooleanField(label=_("需现场评审"), required=False)
    on_site_date = forms.DateField(
        label=_("现场评审日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        label=_("现场评审记录"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AssignForm(SafeChoicesMixin, forms.Form):
    judge = forms.ModelChoiceField(label=_("评委"), queryset=Judge.objects.none())

    def __init__(self, *args: Any, judges: list[Judge], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["judge"].queryset = Judge.objects.filter(pk__in=[j.pk for j in judges])  # type: ignore[attr-defined]


class SpreadForm(forms.Form):
    per_application = forms.IntegerField(
        label=_("每份申报的评委人数"), min_value=1, max_value=15, initial=3
    )


class RecommendForm(forms.Form):
    opinion = forms.CharField(label=_("推荐意见"), widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.ModelForm):
    class Meta:
        model = UnitRecommendationReport
        fields = [
            "filler_name",
            "filler_phone",
            "fill_date",
            "no_fee_declared",
            "declaration_accepted",
        ]
        widgets = {"fill_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def clean_fill_date(self) -> Any:
        """Rule 11: 附件5's 填表日期 lies within the campaign's year."""

        value = self.cleaned_data.get("fill_date")
        if self.instance.campaign_id:
            refusal = fill_date_refusal(self.instance.campaign, value)
            if refusal is not None:
                raise forms.ValidationError(refusal.message, code=refusal.code)
        return value


class ScanForm(forms.Form):
    file = forms.FileField(label=_("盖章推荐表扫描件"), help_text=_("PDF、JPG 或 PNG"))


class QuotaForm(forms.Form):
    per_organisation = forms.IntegerField(
        label=_("每家申报单位推荐名额"), min_value=1, max_value=20
    )
    reason = forms.CharField(label=_("原因"), max_length=200)


class SheetForm(forms.Form):
    """A judge's score sheet: one number per criterion and the three-part evaluation."""

    conformity = forms.CharField(
        label=_("符合标准程度"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    features = forms.CharField(
        label=_("特色"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    shortcomings = forms.CharField(
        label=_("不足之处"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            self.fields[f"points_{criterion.pk}"] = forms.DecimalField(
                label=criterion.label + bracketed(f"0–{floatformat(criterion.max_points, -1)}"),
                help_text=criterion.description,
                required=False,
                min_value=Decimal("0"),
                max_value=criterion.max_points,
                decimal_places=1,
                # The weight and the maximum let site.js show the running 0–100 total
                # (scoring.aggregation.weighted_total) while the judge types.
                widget=forms.NumberInput(
                    attrs={
                        "inputmode": "decimal",
                        "step": "0.5",
                        "data-weight": str(criterion.weight),
                        "data-max": str(criterion.max_points),
                        "data-label": criterion.label,
                        "data-max-label": floatformat(criterion.max_points, -1),
                        "min": "0",
                        "max": str(criterion.max_points),
                    }
                ),
            )

    def points(self) -> dict[int, Any]:
        return {c.pk: self.cleaned_data.get(f"points_{c.pk}") for c in self.criteria}

    @property
    def point_fields(self) -> list[forms.BoundField]:
        return [self[f"points_{c.pk}"] for c in self.criteria]


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("回避原因"), max_length=200)
