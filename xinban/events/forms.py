from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from xinban.applications.models import Application
from xinban.core.forms import SafeChoicesMixin, _guard_model_choice
from xinban.core.validators import validate_phone
from xinban.events.models import EventKind
from xinban.organisations.models import RecommendingUnit

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class EventForm(SafeChoicesMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=EventKind.choices)
    title = forms.CharField(label=_("名称"), max_length=200)
    description = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    location = forms.CharField(label=_("地点"), max_length=200)
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DATETIME, input_formats=FORMATS)
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DATETIME, input_formats=FORMATS)
    signup_closes_at = forms.DateTimeField(
        label=_("报名截止时间"), widget=DATETIME, input_formats=FORMATS
    )
    capacity = forms.IntegerField(
        label=_("名额（空：不限）"), required=False, min_value=1, max_value=100_000
    )

    def __init__(
        self,
        *args: Any,
        units: QuerySet[RecommendingUnit] | None = None,
        unit_required: bool = False,
        **kwargs: Any,
    ) -> None:
        """``units``: the recommending units the creator may organise a 发表会 for (a unit
        admin of several units chooses; staff may leave it empty for the association)."""
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"] = forms.ModelChoiceField(
                label=_("主办推荐单位"),
                queryset=units,
                required=unit_required,
                empty_label=None if unit_required else _("（上海市质协）"),
                help_text=_("推荐单位主办的只能是发表会。"),
            )
            _guard_model_choice(self.fields["unit"])


class SignupForm(forms.Form):
    name = forms.CharField(
        label=_("姓名"), max_length=50, required=False, help_text=_("不填则使用账号姓名。")
    )
    organisation = forms.CharField(label=_("单位"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("联系电话"),
        max_length=20,
        required=False,
        help_text=_("11位手机号码，或带区号的固定电话（如 021-58881234）"),
    )

    def clean_phone(self) -> str:
        """Rule 11 (docs/rules.md): a mobile or a landline with its area code, as the
        other phone fields."""
        phone: str = self.cleaned_data["phone"].strip()
        if phone:
            validate_phone(phone)
        return phone


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=500)


class PresenterForm(SafeChoicesMixin, forms.Form):
    application: forms.ModelChoiceField[Application] = forms.ModelChoiceField(
        label=_("班组"), queryset=Application.objects.none()
    )

    def __init__(self, *args: Any, applications: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = applications  # type: ignore[attr-defined]
        self.fields["application"].label_from_instance = (  # type: ignore[attr-defined]
            lambda a: f"{a.number} {a.organisation.name} {a.team_name}"
        )
