from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinban.accounts.models import User
from xinban.applications.models import Application
from xinban.core.forms import SafeChoicesMixin
from xinban.core.validators import validate_mainland_mobile
from xinban.recommendation import services
from xinban.recommendation.models import InvitationRole, UnitNote, UnitRecommendationReport
from xinban.scoring.forms import ConflictForm as ConflictForm  # the score sheet's, shared
from xinban.scoring.forms import SheetForm as SheetForm
from xinban.scoring.models import Judge


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

    def save(self, *, actor: User, application: Application) -> UnitNote:
        """The on-site review as entered, saved: the page and the API's one step from this
        form to the service."""
        return services.unit_note_save(actor=actor, application=application, **self.cleaned_data)


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
            refusal = services.fill_date_refusal(self.instance.campaign, value)
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
