"""Forms of 附件6 and 附件7. Nothing is required while drafting: the submission checks
completeness (services.statistics_problems / summary_problems) and shows what is missing."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from xinban.core.validators import date_of_text
from xinban.reports.models import ReviewForm, StatisticsReport, SummaryEvent, WorkSummary
from xinban.reports.services import STATISTICS_FIELDS

MAX_COUNT = 10_000_000


class DateTextField(forms.DateField):
    """A date (rule 11, docs/rules.md): the page's date picker sends "2025-06-18"; the API
    and typed text may also say "2025年6月18日" or "2025/6/18" (``date_of_text``)."""

    widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        text = str(value or "").strip()
        return date_of_text(text) if text else None


def _yes_no(label: Any, yes: Any, no: Any) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=[("1", yes), ("0", no)],
        coerce=lambda value: value == "1",
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )


class StatisticsForm(forms.ModelForm):
    review_forms = forms.MultipleChoiceField(
        label=_("质量信得过班组建设经验评审及交流形式"),
        choices=ReviewForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    has_certified_judges = _yes_no(_("取得中国质协评委证书的人员"), _("有"), _("无"))
    session_held = _yes_no(_("是否组织发表会"), _("是"), _("否"))
    session_time = DateTextField(label=_("发表会时间"), required=False)

    class Meta:
        model = StatisticsReport
        fields = list(STATISTICS_FIELDS)
        widgets = {
            "features_and_problems": forms.Textarea(attrs={"rows": 5}),
            "fill_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField):
                field.min_value = 0
                field.max_value = MAX_COUNT
                field.validators.append(_max_count)
                field.widget.attrs.update(min=0, max=MAX_COUNT, inputmode="numeric")
            elif isinstance(field, forms.DecimalField):
                field.widget.attrs.update(min=0, step="0.01", inputmode="decimal")
            if name == "has_certified_judges" and self.instance.pk:
                value = self.instance.has_certified_judges
                self.initial[name] = None if value is None else ("1" if value else "0")
            if name == "session_held" and self.instance.pk:
                value = self.instance.session_held
                self.initial[name] = None if value is None else ("1" if value else "0")
        self.fields["session_time"].help_text = _("日期，如 2025年6月18日")


def _max_count(value: Any) -> None:
    if value is not None and value > MAX_COUNT:
        raise forms.ValidationError(_("数值过大。"), code="max_value")


class SummaryForm(forms.ModelForm):
    class Meta:
        model = WorkSummary
        fields = ["overview", "methods", "highlights", "problems", "directions", "suggestions"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 8, "data-summary-text": ""})
            for name in [
                "overview",
                "methods",
                "highlights",
                "problems",
                "directions",
                "suggestions",
            ]
        }


EVENT_FIELDS = ("held_on", "place", "name", "content", "participants")


def _text(name: str, max_length: int, **attrs: Any) -> forms.CharField:
    label = SummaryEvent._meta.get_field(name).verbose_name  # type: ignore[union-attr]
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs={"data-summary-text": "", "aria-label": label, **attrs}),
    )


class EventForm(forms.Form):
    """One row of the table of events (a plain form: blank rows are allowed)."""

    held_on = DateTextField(
        label=_("时间"),
        required=False,
        widget=forms.DateInput(
            attrs={"type": "date", "data-summary-text": "", "aria-label": _("时间")},
            format="%Y-%m-%d",
        ),
    )
    place = _text("place", 100)
    name = _text("name", 100)
    content = _text("content", 300)
    participants = forms.IntegerField(
        label=_("参与人数"),
        required=False,
        min_value=0,
        max_value=MAX_COUNT,
        widget=forms.NumberInput(
            attrs={"min": 0, "max": MAX_COUNT, "inputmode": "numeric", "aria-label": _("参与人数")}
        ),
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not any(data.get(name) not in (None, "") for name in EVENT_FIELDS)


class BaseEventFormSet(forms.BaseFormSet):
    """The table of events: blank rows are ignored, a row partly filled must be complete."""

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):  # type: ignore[attr-defined]
                continue
            if form.is_blank():  # type: ignore[attr-defined]
                continue
            for name in ("held_on", "place", "name", "content"):
                if not form.cleaned_data.get(name):
                    form.add_error(name, _("请填写此项。"))

    def rows(self) -> list[dict[str, Any]]:
        return [
            {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            for form in self.forms
            if hasattr(form, "cleaned_data")
            and not self._should_delete_form(form)  # type: ignore[attr-defined]
            and not form.is_blank()  # type: ignore[attr-defined]
        ]


def event_formset(extra: int = 0) -> type[BaseEventFormSet]:
    """The formset class of the table of events, with ``extra`` blank rows."""
    return forms.formset_factory(  # type: ignore[return-value]
        EventForm,
        formset=BaseEventFormSet,
        extra=extra,
        can_delete=True,
        max_num=200,
        validate_max=True,
        absolute_max=200,
    )


class StatisticsScanForm(forms.Form):
    """The stamped 附件6 (rule 11, docs/rules.md)."""

    file = forms.FileField(
        label=_("盖章统计表扫描件"),
        help_text=_("打印成果统计表、加盖公章后扫描，PDF、JPG 或 PNG"),
    )
