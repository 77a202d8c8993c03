from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xinban.notifications.models import Language


class TemplateForm(forms.Form):
    subject_zh = forms.CharField(label=_("主题（中文）"), max_length=200)
    body_zh = forms.CharField(label=_("正文（中文）"), widget=forms.Textarea(attrs={"rows": 8}))
    subject_en = forms.CharField(label=_("主题（英文）"), max_length=200, required=False)
    body_en = forms.CharField(
        label=_("正文（英文）"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class PreferenceForm(forms.Form):
    language = forms.ChoiceField(label=_("邮件语言"), choices=Language.choices)
