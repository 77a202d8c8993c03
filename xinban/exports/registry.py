"""The lists that can be exported, each with who may export it (the same selectors as the
pages, so an export holds exactly the rows the page would show that user), its columns
and its file name. ``spec.rows(user, params)`` raises Http404/PermissionDenied like the
page."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.applications.models import ApplicationState
from xinban.campaigns.selectors import campaign_current, campaign_get
from xinban.core.roles import roles_of
from xinban.dashboards.filters import UNIT_STAGES_BEFORE_RESULTS, drilldown_filters, narrow
from xinban.scoring.models import SheetStatus

# Control characters (NUL above all) mean nothing in a filter, and PostgreSQL cannot store
# a NUL in the JSON of a background export's task.
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def export_params(items: Mapping[str, object]) -> dict[str, str]:
    """A list's filter parameters as an export keeps them: text without control
    characters, at most 200 characters each, empty ones left out."""
    cleaned = {str(k)[:50]: _CONTROL.sub("", str(v))[:200] for k, v in items.items()}
    return {k: v for k, v in cleaned.items() if v}


@dataclass(frozen=True)
class ExportSpec:
    name: str
    title: Any  # lazy text: the sheet's and the file's name
    headers: Callable[[], Sequence[str]]
    queryset: Callable[[User, Mapping[str, str]], QuerySet[Any]]
    fields: Sequence[str]
    transforms: Mapping[int, Callable[[Any], Any]]

    def count(self, user: User, params: Mapping[str, str]) -> int:
        return self.queryset(user, params).count()

    def rows(self, user: User, params: Mapping[str, str]) -> Iterator[list[Any]]:
        for values in (
            self.queryset(user, params).values_list(*self.fields).iterator(chunk_size=2000)
        ):
            row = list(values)
            for index, transform in self.transforms.items():
                row[index] = transform(row[index])
            yield row

    def filename(self) -> str:
        return f"{self.title}-{timezone.localdate():%Y%m%d}.xlsx"


def _local(value: Any) -> Any:
    return value.astimezone(_zone()).replace(tzinfo=None) if value else None


def _zone() -> Any:
    return timezone.get_current_timezone()


def _state_label(value: str) -> str:
    return _state_labels(translation.get_language() or "").get(value, value)


@lru_cache(maxsize=8)
def _state_labels(language: str) -> dict[str, str]:
    """The state labels in ``language`` (one lookup per export, not per row)."""
    del language  # the cache key: the labels below are translated in it
    return {key: str(label) for key, label in ApplicationState.choices}


def _staff(user: User) -> None:
    if not roles_of(user).is_staff:
        raise PermissionDenied


APPLICATION_FIELDS = (
    "number",
    "organisation__name",
    "team_name",
    "team_type__name",
    "team_size",
    "recommending_unit__name",
    "state",
    "submitted_at",
)


def _application_headers() -> list[str]:
    return [
        _("编号"),
        _("申报单位"),
        _("班组名称"),
        _("班组类型"),
        _("班组人数"),
        _("推荐单位"),
        _("状态"),
        _("提交时间"),
    ]


def _staff_applications(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the staff list (applications:staff_list), dashboard drill-down filters included."""
    from xinban.applications.selectors import applications_for_staff

    _staff(user)
    drill = drilldown_filters(params)
    state = params.get("state", "")
    unit = params.get("unit", "")
    return narrow(
        applications_for_staff(
            campaign=campaign_get(year=drill.year) if drill.year else campaign_current(),
            state=state if state in ApplicationState.values else "",
            unit_id=int(unit) if unit.isdigit() and len(unit) < 19 else None,
            q=params.get("q", "").strip()[:100],
        ),
        drill,
    ).order_by("number")


def _unit_inbox(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    from xinban.recommendation import selectors

    unit_pk = params.get("unit_pk", "")
    if not unit_pk.isdigit() or len(unit_pk) > 18:
        raise Http404
    unit = selectors.unit_get_for(user=user, pk=int(unit_pk))  # outsiders: 404
    # As the inbox (recommendation:inbox), dashboard drill-down filters included.
    drill = replace(drilldown_filters(params), unit=None, unit_kind="")
    campaign = (campaign_get(year=drill.year) if drill.year else None) or campaign_current()
    if campaign is None:
        raise Http404
    if not campaign.results_published and drill.stage not in UNIT_STAGES_BEFORE_RESULTS:
        drill = replace(drill, stage="")
    state = params.get("state", "")
    return narrow(
        selectors.unit_applications(
            unit=unit,
            campaign=campaign,
            q=params.get("q", "").strip()[:100],
            state=state if state in ApplicationState.values else "",
        )
        .order_by("number")
        .select_related(None),
        replace(drill, year=None),
    )


def _judge_sheets(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the judge's list (recommendation:judge_home): their own unit-stage sheets."""
    from xinban.recommendation.selectors import judge_sheets

    del params
    if not roles_of(user).is_judge:
        raise Http404
    return judge_sheets(user=user).select_related(None)


def _sheet_status_label(value: str) -> str:
    return str(dict(SheetStatus.choices).get(value, value))


def _audit(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    from xinban.core.selectors import audit_entries

    _staff(user)
    keys = ("action", "object_type", "object_id", "actor", "since", "until")
    return audit_entries(**{k: params.get(k, "").strip()[:100] for k in keys}).order_by("-id")


SPECS: dict[str, ExportSpec] = {
    "applications": ExportSpec(
        name="applications",
        title=gettext_lazy("全部申报"),
        headers=_application_headers,
        queryset=_staff_applications,
        fields=APPLICATION_FIELDS,
        transforms={6: _state_label, 7: _local},
    ),
    "unit_inbox": ExportSpec(
        name="unit_inbox",
        title=gettext_lazy("推荐单位申报清单"),
        headers=_application_headers,
        queryset=_unit_inbox,
        fields=APPLICATION_FIELDS,
        transforms={6: _state_label, 7: _local},
    ),
    "judge_sheets": ExportSpec(
        name="judge_sheets",
        title=gettext_lazy("我的评审"),
        headers=lambda: [
            _("编号"),
            _("申报单位"),
            _("班组名称"),
            _("推荐单位"),
            _("年度"),
            _("状态"),
            _("得分"),
            _("提交时间"),
        ],
        queryset=_judge_sheets,
        fields=(
            "application__number",
            "application__organisation__name",
            "application__team_name",
            "application__recommending_unit__name",
            "application__campaign__year",
            "status",
            "total",
            "submitted_at",
        ),
        transforms={5: _sheet_status_label, 7: _local},
    ),
    "audit": ExportSpec(
        name="audit",
        title=gettext_lazy("审计日志"),
        headers=lambda: [
            _("时间"),
            _("操作人"),
            _("操作"),
            _("对象类型"),
            _("对象"),
            _("对象说明"),
            _("IP 地址"),
        ],
        queryset=_audit,
        fields=(
            "at",
            "actor_repr",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "client_ip",
        ),
        transforms={0: _local},
    ),
}
