"""The dashboards' filters and funnel stages, shared with the lists they drill down into.

A number on a dashboard and the list behind it are computed with the same conditions:
``narrow(applications, filters)`` is applied both by the dashboard's aggregates and by
the staff application list (and a unit's inbox) when they are opened from a chart, so a
bar of 37 opens a list of 37.

Stages of the funnel (each is a subset of the one before):

- ``registered``: 附件2 registrations of the year (organisations, not applications);
- ``applied``: applications submitted (drafts and withdrawn ones do not count);
- ``recommended``: on their unit's recommendation list (附件5 filled in or filed, not
  voided), or imported history in a state of 已推荐 or later: the one definition in
  ``xinban.recommendation.counts`` (docs/rules.md, "Counts");
- ``formal_passed``: passed the association's formal review (the state has reached
  形式审查通过 or later: the evaluation services move it with every ``FormalReview``);
- ``selected``: 建设经验 (state 建设经验, 典型经验候选 or 典型经验: moved with every
  ``Decision``);
- ``typical``: 典型经验;
- ``national``: recommended for the national typical experiences (``Decision.national``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from html import escape  # (django.utils.html.escape's own, without its lazy wrapper)
from typing import Any, TypeVar, cast

from django import forms
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from xinban.applications.models import Application, ApplicationState
from xinban.organisations.models import Registration, UnitKind
from xinban.recommendation.counts import (
    NOT_APPLIED,
    RECOMMENDED_STATES,
    applied_q,
    is_recommended,
    recommended_q,
)

S = ApplicationState

STAGES: list[tuple[str, Any]] = [
    ("registered", _("报名")),
    ("applied", _("申报")),
    ("recommended", _("推荐")),
    ("formal_passed", _("形式审查通过")),
    ("selected", _("建设经验")),
    ("typical", _("典型经验")),
    ("national", _("推荐全国")),
]
STAGE_KEYS = [key for key, _label in STAGES]
STAGE_LABELS = dict(STAGES)
# Stages an application list can be narrowed to (registrations are not applications).
APPLICATION_STAGES = STAGE_KEYS[1:]
# Stages known before the association's results are published (what a unit sees of a
# year whose results are not out yet).
UNIT_STAGES_BEFORE_RESULTS = ("applied", "recommended")

# The states only a recommendation reaches (what "recommended" is for imported history).
RECOMMENDED_ON = RECOMMENDED_STATES
FORMAL_PASSED_ON = frozenset(
    {S.FORMAL_PASSED, S.EXPERT_REVIEW, S.SELECTED, S.TYPICAL_CANDIDATE, S.TYPICAL, S.NOT_SELECTED}
)
SELECTED_ON = frozenset({S.SELECTED, S.TYPICAL_CANDIDATE, S.TYPICAL})
# An application has been submitted (and not withdrawn) exactly when its state is neither
# 草稿 nor 已撤回: nothing returns to draft, and 退回修改 follows a submission.
APPLIED = frozenset(set(S) - set(NOT_APPLIED))
# The stages decided by the state alone (``recommended`` also depends on the unit's
# list, ``national`` is a flag of the Decision).
STATE_STAGES: dict[str, frozenset[str]] = {
    "applied": APPLIED,
    "formal_passed": FORMAL_PASSED_ON,
    "selected": SELECTED_ON,
    "typical": frozenset({S.TYPICAL}),
}


def reached(state: str, listed: bool, stages: Sequence[str]) -> list[str]:
    """The stages among ``stages`` (``national`` aside) an application in ``state`` has
    reached, ``listed``: whether it is on its unit's recommendation list (``on_list``)."""
    return [
        s
        for s in stages
        if (s == "recommended" and is_recommended(state, listed))
        or (s in STATE_STAGES and state in STATE_STAGES[s])
    ]


def stage_q(stage: str, prefix: str = "") -> Q:
    """The condition for an application (reached through ``prefix``, e.g.
    ``"registration__organisation__applications__"``) to have reached ``stage``."""
    p = prefix

    def q(**lookups: Any) -> Q:
        return Q(**{p + key: value for key, value in lookups.items()})

    if stage == "applied":  # as an exclusion, an index on (…, state) still covers it
        return applied_q(prefix)
    if stage == "recommended":
        return recommended_q(prefix)
    if stage in STATE_STAGES:
        # The services keep the state in step with the FormalReview and Decision rows
        # (imported history has the state only), so the state alone decides: no join,
        # and the (campaign, state) index covers the yearly counts.
        return q(state__in=sorted(STATE_STAGES[stage]))
    if stage == "national":
        return q(evaluation_decision__national=True)
    raise ValueError(stage)


@dataclass(frozen=True)
class Filters:
    """What a dashboard or a drilled-down list is narrowed to (``None``/"" = all)."""

    year: int | None = None
    unit_kind: str = ""
    unit: int | None = None
    domain: int | None = None
    nature: int | None = None
    industry: int | None = None
    team_type: int | None = None
    stage: str = ""

    def params(self, **changes: Any) -> dict[str, str]:
        """As query parameters (the empty ones left out), with ``changes`` applied."""
        values = {**{k: getattr(self, k) for k in FILTER_FIELDS}, **changes}
        return {k: str(v) for k, v in values.items() if v not in (None, "")}

    def drilldown(self) -> dict[str, str]:
        """The parameters a list understands (everything but ``year``, which the list
        reads separately as the campaign)."""
        return {k: v for k, v in self.params().items() if k != "year"}

    @property
    def narrows(self) -> bool:
        return any(v not in (None, "") for k, v in asdict(self).items() if k != "year")


FILTER_FIELDS = tuple(Filters.__dataclass_fields__)
DRILLDOWN_KEYS = ("unit_kind", "domain", "nature", "industry", "team_type", "stage")

M = TypeVar("M", bound=Any)


def _registration(**lookups: Any) -> Exists:
    return Exists(
        Registration.objects.filter(
            organisation=OuterRef("organisation"), campaign=OuterRef("campaign"), **lookups
        )
    )


def narrow(applications: QuerySet[Application], filters: Filters) -> QuerySet[Application]:
    """``applications`` narrowed to the filters (the year included when set)."""
    qs = applications
    if filters.year:
        qs = qs.filter(campaign__year=filters.year)
    if filters.unit:
        qs = qs.filter(recommending_unit_id=filters.unit)
    if filters.unit_kind:
        qs = qs.filter(recommending_unit__kind=filters.unit_kind)
    if filters.team_type:
        qs = qs.filter(team_type_id=filters.team_type)
    if filters.domain:
        qs = qs.filter(_registration(domain_id=filters.domain))
    if filters.nature:
        qs = qs.filter(_registration(nature_id=filters.nature))
    if filters.industry:
        qs = qs.filter(_registration(industries=filters.industry))
    if filters.stage in APPLICATION_STAGES:
        qs = qs.filter(stage_q(filters.stage))
    return qs


def narrow_registrations(
    registrations: QuerySet[Registration], filters: Filters
) -> QuerySet[Registration]:
    """Registrations narrowed the same way: the organisation's own data directly; the
    application's (unit, team type) as "has an application of the year that matches"."""
    qs = registrations
    if filters.year:
        qs = qs.filter(campaign__year=filters.year)
    if filters.domain:
        qs = qs.filter(domain_id=filters.domain)
    if filters.nature:
        qs = qs.filter(nature_id=filters.nature)
    if filters.industry:
        qs = qs.filter(industries=filters.industry)
    application: dict[str, Any] = {}
    if filters.unit:
        application["recommending_unit_id"] = filters.unit
    if filters.unit_kind:
        application["recommending_unit__kind"] = filters.unit_kind
    if filters.team_type:
        application["team_type_id"] = filters.team_type
    if application:
        qs = qs.filter(
            Exists(
                Application.objects.filter(
                    organisation=OuterRef("organisation"),
                    campaign=OuterRef("campaign"),
                    **application,
                )
            )
        )
    return qs


# --------------------------------------------------------------------------- the form

Choices = Sequence[tuple[Any, Any]]


def _attrs(attrs: Mapping[str, Any]) -> str:
    """django/forms/widgets/attrs.html in Python."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class PlainSelect(forms.Select):
    """Django's ``<select>`` markup (django/forms/widgets/select.html and
    select_option.html), written in Python: the template engine takes milliseconds for
    the dashboard's few hundred options (its units, industries, …)."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if self.allow_multiple_selected or any(
            isinstance(label, (list, tuple)) for _value, label in self.choices
        ):  # (the filters have neither several values nor groups)
            return super().render(name, value, attrs, renderer)  # type: ignore[return-value]
        chosen = {str(v) for v in self.format_value(value)}
        selected = False  # as Select.optgroups: only the first match is selected
        parts = [f'<select name="{escape(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>']
        for option_value, label in self.choices:
            text = "" if option_value is None else str(option_value)
            mark = ""
            if not selected and text in chosen:
                selected, mark = True, " selected"
            shown = conditional_escape(cast(str, label))
            parts.append(f'\n  <option value="{escape(text)}"{mark}>{shown}</option>\n')
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value escaped above)


class FilterForm(forms.Form):
    """The dashboard's filters (GET). Choices are given by the caller (read once and
    cached with the figures), so validating and rendering the form run no query. An
    invalid value is reported on its field and the other filters still apply."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False, empty_value=None)
    unit_kind = forms.ChoiceField(label=_("推荐单位类别"), required=False)
    unit = forms.TypedChoiceField(label=_("推荐单位"), coerce=int, required=False, empty_value=None)
    domain = forms.TypedChoiceField(
        label=_("重点领域"), coerce=int, required=False, empty_value=None
    )
    nature = forms.TypedChoiceField(
        label=_("单位性质"), coerce=int, required=False, empty_value=None
    )
    industry = forms.TypedChoiceField(
        label=_("重点产业"), coerce=int, required=False, empty_value=None
    )
    team_type = forms.TypedChoiceField(
        label=_("班组类型"), coerce=int, required=False, empty_value=None
    )
    stage = forms.ChoiceField(label=_("环节"), required=False)

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        options: Mapping[str, Choices],
        fields: Sequence[str] | None = None,
    ) -> None:
        super().__init__(data)
        for name in list(self.fields):
            if fields is not None and name not in fields:
                del self.fields[name]
                continue
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.widget = PlainSelect()
            everything = _("全部") if name != "year" else _("最新年度")
            # Already in the normalised form (a list of (value, label) pairs): set without
            # Django's normalize_choices, which costs a dashboard a millisecond.
            choices = [("", everything), *[(str(k), v) for k, v in options.get(name, ())]]
            field._choices = field.widget.choices = choices  # type: ignore[attr-defined]
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self, **fixed: Any) -> Filters:
        """The valid filters (invalid ones are left out and shown as field errors), with
        ``fixed`` values (e.g. a unit's own id) imposed."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        values: dict[str, Any] = {name: cleaned.get(name) for name in Filters.__dataclass_fields__}
        for text in ("unit_kind", "stage"):
            values[text] = values[text] or ""
        values.update(fixed)
        return Filters(**values)


UNIT_KIND_CHOICES = list(UnitKind.choices)
# The filters of each dashboard (a unit's is always its own unit).
STAFF_FIELDS = ("year", "unit_kind", "unit", "domain", "nature", "industry", "team_type")
UNIT_FIELDS = ("year", "domain", "nature", "industry", "team_type")
STAGE_CHOICES = [(key, STAGE_LABELS[key]) for key in APPLICATION_STAGES]


def drilldown_filters(params: Mapping[str, Any]) -> Filters:
    """The drill-down parameters of a list's query string (ids are checked for form only:
    an unknown id simply matches nothing). Invalid values are ignored."""

    def number(key: str) -> int | None:
        value = str(params.get(key, "") or "")
        return int(value) if value.isdigit() and len(value) < 10 else None

    kind = str(params.get("unit_kind", "") or "")
    stage = str(params.get("stage", "") or "")
    return Filters(
        year=number("year"),
        unit_kind=kind if kind in UnitKind.values else "",
        unit=number("unit"),
        domain=number("domain"),
        nature=number("nature"),
        industry=number("industry"),
        team_type=number("team_type"),
        stage=stage if stage in APPLICATION_STAGES else "",
    )
