from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from xinban.publication.models import ConsentScope


class ConsentForm(forms.Form):
    scope = forms.ChoiceField(
        label=_("同意公开的范围"), choices=ConsentScope.choices, widget=forms.RadioSelect
    )


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("证书编号"), max_length=20)
