from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinban.applications.models import (
    COMMITMENT_FIELDS,
    INDICATOR_FIELDS,
    MATERIAL_FIELDS,
    Application,
    MaterialArea,
    Team,
)
from xinban.applications.services import CONTENT_FIELDS, team_name_refusal
from xinban.campaigns.models import TeamType
from xinban.core.forms import SafeChoicesMixin
from xinban.organisations.models import Organisation, RecommendingUnit


class ApplicationForm(SafeChoicesMixin, forms.ModelForm):
    """附件3's content. Field-level rules live here (shared by the pages and the API);
    rules that need other rows (limits, team types, the unit's eligibility) are the
    service's."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Application
        fields = CONTENT_FIELDS
        widgets = {
            **{name: forms.Textarea(attrs={"rows": 6}) for name in MATERIAL_FIELDS.values()},
        }

    def __init__(
        self,
        *args: Any,
        units: list[RecommendingUnit] | None = None,
        commitment_year: int | None = None,
        organisation: Organisation | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        unit_field = self.fields["recommending_unit"]
        if units is not None:
            unit_field.queryset = RecommendingUnit.objects.filter(pk__in=[u.pk for u in units])  # type: ignore[attr-defined]
        self.fields["team_type"].queryset = TeamType.objects.filter(active=True)  # type: ignore[attr-defined]
        if commitment_year is not None:
            self.fields["commitment_voluntary"].label = _(
                "自愿参加 %(year)s 年上海市“质量信得过班组”活动。"
            ) % {"year": commitment_year}
        self.fields["commitment_standard"].label = _(
            "推行《质量信得过班组建设准则》（T/CAQ10204-2017）。"
        )
        self.fields["commitment_truthful"].label = _(
            "提交所有材料均真实、合法、有效，不存在剽窃他人活动成果、侵犯他人知识产权、伪造材料等不端及失信行为。"
        )
        self.fields["commitment_secrecy"].label = _(
            "申报建设经验内容不含《中华人民共和国保守国家秘密法》所规定的涉密内容。"
        )
        self.fields["team_name"].help_text = _(
            "写全称，不要挂上级部门；不能以“班组”为名，需以“班”“组”“工段”“室”等结尾。此为制作证书的依据。"
        )
        for name in INDICATOR_FIELDS:
            self.fields[name].widget.attrs.setdefault("inputmode", "decimal")
        if self.instance and self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def clean_team_name(self) -> str:
        name: str = self.cleaned_data["team_name"]
        refusal = team_name_refusal(name, self.organisation)
        if refusal is not None:
            raise forms.ValidationError(refusal.message, code="team_name")
        return name

    def clean_accidents_per_year(self) -> int | None:
        value: int | None = self.cleaned_data.get("accidents_per_year")
        if value not in (None, 0):
            raise forms.ValidationError(
                _("申报条件要求班组近三年无质量、安全、环保事故，此项应为0。"), code="accidents"
            )
        return value

    @property
    def indicator_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in INDICATOR_FIELDS]

    @property
    def commitment_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in COMMITMENT_FIELDS]

    @property
    def material_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in MATERIAL_FIELDS.values()]


class AttachmentForm(forms.Form):
    area = forms.TypedChoiceField(label=_("材料类别"), choices=MaterialArea.choices, coerce=int)
    file = forms.FileField(
        label=_("文件"), help_text=_("PDF、Word、Excel、JPG 或 PNG，单个文件不超过 20 MB")
    )


class StampedFormUploadForm(forms.Form):
    file = forms.FileField(
        label=_("盖章申报表扫描件"), help_text=_("打印申报表、加盖公章后扫描，PDF、JPG 或 PNG")
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("原因"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class TeamLinkForm(forms.Form):
    """The applicant's link of a renamed team to an earlier one (docs/rules.md)."""

    team = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("往年班组"))

    def __init__(self, *args: Any, candidates: list[Team], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["team"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Team.objects.filter(pk__in=[t.pk for t in candidates])


class TeamMergeForm(forms.Form):
    """Staff: merge another team of the organisation into this one."""

    source = forms.ModelChoiceField(queryset=Team.objects.none(), label=_("并入本班组的班组"))

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Team.objects.filter(organisation_id=team.organisation_id).exclude(
            pk=team.pk
        )


def _application_label(application: Application) -> str:
    return f"{application.campaign.year} · {application.number} · {application.team_name}"


class TeamSplitForm(forms.Form):
    """Staff: the applications that leave this team for a new one."""

    applications = forms.ModelMultipleChoiceField(
        queryset=Application.objects.none(),
        label=_("拆分出的申报"),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, team: Team, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["applications"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Application.objects.filter(team=team).select_related("campaign")
        field.label_from_instance = _application_label  # type: ignore[method-assign,assignment]
