from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinban.api.scopes import READ, SCOPES
from xinban.core.forms import SafeChoicesMixin
from xinban.organisations.models import Organisation, RecommendingUnit

EXPIRY_CHOICES = [
    ("30", _("30 天")),
    ("90", _("90 天")),
    ("365", _("一年")),
    ("", _("永不过期（不建议）")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("名称"),
        max_length=100,
        help_text=_("用途，例如“区质量协会统计系统”"),
    )
    scopes = forms.MultipleChoiceField(
        label=_("权限范围"),
        choices=list(SCOPES.items()),
        initial=[READ],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("令牌以您的身份和权限访问，并只能做所选范围内的事。"),
    )
    expires_in_days = forms.ChoiceField(
        label=_("有效期"), choices=EXPIRY_CHOICES, initial="90", required=False
    )

    def __init__(self, *args: Any, longest_days: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if longest_days is not None:  # staff and guiding units (api.services)
            field = self.fields["expires_in_days"]
            assert isinstance(field, forms.ChoiceField)
            field.choices = [(v, label) for v, label in EXPIRY_CHOICES if v and int(v) <= 90]
            field.help_text = _("质协工作人员和指导单位的令牌最长 %(days)s 天后失效。") % {
                "days": longest_days
            }


class WindowExtensionForm(SafeChoicesMixin, forms.Form):
    """A phase window extended for one organisation or one recommending unit (staff)."""

    organisation = forms.ModelChoiceField(
        label=_("申报单位"), queryset=Organisation.objects.all(), required=False
    )
    unit = forms.ModelChoiceField(
        label=_("推荐单位"), queryset=RecommendingUnit.objects.all(), required=False
    )
    until = forms.DateTimeField(label=_("延长至"))
    reason = forms.CharField(label=_("原因"), max_length=500)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and (data.get("organisation") is None) == (data.get("unit") is None):
            raise forms.ValidationError(_("请选择一个申报单位或推荐单位。"), code="target")
        return data
