"""The score sheet's forms, shared by the unit's judges and the association's experts (the
page :mod:`xinban.scoring.sheet_page` and the JSON API): the sheet itself, written with
:meth:`SheetForm.save` (the form-to-service step, once), and the conflict of interest
(回避)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext_lazy as _

from xinban.accounts.models import User
from xinban.core.text import bracketed
from xinban.scoring.models import Criterion, ScoreSheet
from xinban.scoring.services import rubric_for, sheet_save


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

    @classmethod
    def for_sheet(cls, sheet: ScoreSheet, data: Mapping[str, Any] | None = None) -> SheetForm:
        """The form of ``sheet``'s rubric, bound to ``data`` (a POST or the API's payload)
        or, unbound, showing what the sheet holds."""
        criteria = list(
            rubric_for(campaign=sheet.application.campaign, stage=sheet.stage).criteria.all()
        )
        initial: dict[str, object] = {
            f"points_{s.criterion_id}": s.points for s in sheet.scores.all()
        }
        initial.update(
            conformity=sheet.conformity, features=sheet.features, shortcomings=sheet.shortcomings
        )
        return cls(data, criteria=criteria, initial=initial)

    def points(self) -> dict[int, Any]:
        return {c.pk: self.cleaned_data.get(f"points_{c.pk}") for c in self.criteria}

    @property
    def point_fields(self) -> list[forms.BoundField]:
        return [self[f"points_{c.pk}"] for c in self.criteria]

    def save(self, *, actor: User, sheet: ScoreSheet, submit: bool) -> ScoreSheet:
        """Save the valid form as ``sheet``'s draft, or submit it (``sheet_save``)."""
        return sheet_save(
            actor=actor,
            sheet=sheet,
            points=self.points(),
            conformity=self.cleaned_data["conformity"],
            features=self.cleaned_data["features"],
            shortcomings=self.cleaned_data["shortcomings"],
            submit=submit,
        )


class ConflictForm(forms.Form):
    reason = forms.CharField(label=_("回避原因"), max_length=200)
