from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinban.campaigns.models import Domain, Industry, OrganisationNature
from xinban.core.forms import SafeChoicesMixin
from xinban.organisations.models import Registration
from xinban.organisations.services import REGISTRATION_FIELDS


class OrganisationCreateForm(forms.Form):
    name = forms.CharField(
        label=_("单位名称"), max_length=120, help_text=_("全称，与公章保持一致；此为制作证书的依据")
    )
    short_name = forms.CharField(
        label=_("单位简称"), max_length=40, help_text=_("用于附件文件名“单位简称+班组名称”")
    )


class OrganisationRenameForm(forms.Form):
    """单位更名: the former name is kept for the documents of earlier years."""

    name = forms.CharField(
        label=_("新的单位名称"), max_length=120, help_text=_("全称，与新的公章一致")
    )
    short_name = forms.CharField(
        label=_("单位简称"),
        max_length=40,
        required=False,
        help_text=_("不填则保留原简称"),
    )
    reason = forms.CharField(
        label=_("更名原因"), max_length=200, required=False, help_text=_("如：工商变更登记")
    )


class AddMemberForm(forms.Form):
    email = forms.EmailField(label=_("同事的注册邮箱"))


class IndustryChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Industry) -> str:  # type: ignore[override]
        return f"{obj.group_label} · {obj.label}"


class RegistrationForm(SafeChoicesMixin, forms.ModelForm):
    """附件2 报名表."""

    industries = IndustryChoiceField(
        label=_("重点产业（可多选）"),
        queryset=Industry.objects.filter(active=True),
        widget=forms.CheckboxSelectMultiple,
    )
    is_member = forms.TypedChoiceField(
        label=_("会员单位"),
        choices=[(True, _("是")), (False, _("否"))],
        coerce=lambda v: v in (True, "True", "true", "1"),
        widget=forms.RadioSelect,
    )

    class Meta:
        model = Registration
        fields = [*REGISTRATION_FIELDS[:3], "industries", *REGISTRATION_FIELDS[3:]]
        widgets = {
            "nature": forms.RadioSelect,
            "domain": forms.RadioSelect,
            "participation": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nature"].queryset = OrganisationNature.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["nature"].empty_label = None  # type: ignore[attr-defined]
        self.fields["domain"].queryset = Domain.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["domain"].empty_label = None  # type: ignore[attr-defined]
        self.fields["postcode"].widget.attrs.update({"inputmode": "numeric", "maxlength": "6"})
        self.fields["promoter_mobile"].widget.attrs.update({"inputmode": "tel", "maxlength": "11"})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        nature = data.get("nature")
        if nature is not None and nature.is_other and not data.get("nature_other", "").strip():
            self.add_error("nature_other", _("选择“其他”时请填写单位性质。"))
        industries = data.get("industries") or []
        if any(i.is_other for i in industries) and not data.get("industry_other", "").strip():
            self.add_error("industry_other", _("选择“其他”时请填写重点产业。"))
        return data
