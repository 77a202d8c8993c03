"""The lists that can be exported, each with who may export it (the same selectors as the
pages, so an export holds exactly the rows the page would show that user), its columns
and its file name. ``spec.rows(user, params)`` raises Http404/PermissionDenied like the
page.

The lists of the first areas are declared here; an area's newer lists are declared in
its own ``exports`` module (``xinban/<area>/exports.py``) with :func:`register`, which
the exports app imports when Django starts (``ExportsConfig.ready``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.applications.models import ApplicationState
from xinban.campaigns.selectors import campaign_current, campaign_get
from xinban.core.audit_registry import channel_label
from xinban.core.roles import roles_of
from xinban.core.text import join_items
from xinban.dashboards.filters import UNIT_STAGES_BEFORE_RESULTS, drilldown_filters, narrow
from xinban.scoring.models import SheetStatus, Stage

# Control characters (NUL above all) mean nothing in a filter, and PostgreSQL cannot store
# a NUL in the JSON of a background export's task.
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def export_params(items: Mapping[str, object]) -> dict[str, str]:
    """A list's filter parameters as an export keeps them: text without control
    characters, at most 200 characters each, empty ones left out."""
    cleaned = {str(k)[:50]: _CONTROL.sub("", str(v))[:200] for k, v in items.items()}
    return {k: v for k, v in cleaned.items() if v}


@dataclass(frozen=True)
class Table:
    """A list computed rather than read with one ``values_list`` (a ranking): its number
    of rows, known once the list's permission check has passed, and its rows, produced
    lazily (in chunks) when they are written."""

    count: int
    rows: Callable[[], Iterator[list[Any]]]


@dataclass(frozen=True)
class ExportSpec:
    """One exportable list: either ``queryset`` (the page's selector) with the
    ``values_list`` ``fields`` of its columns and ``transforms`` of some of them, or
    ``table`` (the page's computed list). Either raises Http404/PermissionDenied like
    the page. ``unit_scoped`` lists belong to one recommending unit (``unit_pk``) and are
    also served at ``/exports/unit/<unit_pk>/<kind>.xlsx``; ``public`` ones need no
    login."""

    name: str
    title: Any  # lazy text: the sheet's and the file's name
    headers: Callable[[], Sequence[str]]
    queryset: Callable[[User, Mapping[str, str]], QuerySet[Any]] | None = None
    fields: Sequence[str] = ()
    transforms: Mapping[int, Callable[[Any], Any]] = field(default_factory=dict)
    table: Callable[[User, Mapping[str, str]], Table] | None = None
    unit_scoped: bool = False
    # Anyone may export it, logged in or not (it holds published data only and does not
    # look at the user; an anonymous export is always streamed, never a task).
    public: bool = False

    def _queryset(self, user: User, params: Mapping[str, str]) -> QuerySet[Any]:
        assert self.queryset is not None, f"{self.name}: a queryset or a table"
        queryset = self.queryset(user, params)
        if not queryset.ordered:
            # A grouped query drops the model's default ordering (Django ignores
            # Meta.ordering under GROUP BY): keep the page's order on every database.
            queryset = queryset.order_by(*(queryset.model._meta.ordering or ["pk"]))
        return queryset

    def count(self, user: User, params: Mapping[str, str]) -> int:
        if self.table is not None:
            return self.table(user, params).count
        return self._queryset(user, params).count()

    def rows(self, user: User, params: Mapping[str, str]) -> Iterator[list[Any]]:
        if self.table is not None:
            yield from self.table(user, params).rows()
            return
        for values in (
            self._queryset(user, params).values_list(*self.fields).iterator(chunk_size=2000)
        ):
            row = list(values)
            for index, transform in self.transforms.items():
                row[index] = transform(row[index])
            yield row

    def filename(self) -> str:
        return f"{self.title}-{timezone.localdate():%Y%m%d}.xlsx"


def local_time(value: Any) -> Any:
    """An aware date and time as the local time a cell shows (none stays empty)."""
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


def require_staff(user: User) -> None:
    """Staff only: anyone else 403 (as the staff pages)."""
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


def _outbox(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the outbox page (notifications:outbox), with its state and recipient filters."""
    from xinban.notifications import selectors as notification_selectors
    from xinban.notifications.models import OutboxState

    require_staff(user)
    state = params.get("state", "")
    known = {*OutboxState.values, notification_selectors.UNKNOWN}
    return notification_selectors.outbox(
        state=state if state in known else "", q=params.get("q", "").strip()[:100]
    )


def _outbox_state_label(value: str) -> str:
    from xinban.notifications.models import OutboxState

    return str(dict(OutboxState.choices).get(value, value))


def _tasks(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the task list (tasks:list), with its state filter."""
    from xinban.tasks.models import TaskState
    from xinban.tasks.selectors import tasks_for_staff

    require_staff(user)
    state = params.get("state", "")
    return tasks_for_staff(state=state if state in TaskState.values else "").select_related(None)


def task_state_label(value: str) -> str:
    from xinban.tasks.models import TaskState

    return str(dict(TaskState.choices).get(value, value))


def _staff_applications(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the staff list (applications:staff_list), dashboard drill-down filters included."""
    from xinban.applications.selectors import applications_for_staff

    require_staff(user)
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


def _unit_of(user: User, params: Mapping[str, str]) -> Any:
    """The recommending unit of ``unit_pk`` as the unit's pages find it: its members and
    staff; anyone else (and a missing or malformed ``unit_pk``) 404."""
    from xinban.recommendation.selectors import unit_get_for

    unit_pk = params.get("unit_pk", "")
    if not unit_pk.isdigit() or len(unit_pk) > 18:
        raise Http404
    return unit_get_for(user=user, pk=int(unit_pk))


def _current_campaign() -> Any:
    campaign = campaign_current()
    if campaign is None:
        raise Http404
    return campaign


def _my_applications(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As 我的申报 (applications:dashboard): every application of the user's
    organisations, this year's and past years'; no organisation, no list (404)."""
    from xinban.applications.selectors import applications_of_organisations
    from xinban.organisations.selectors import organisation_of_user

    del params
    if organisation_of_user(user=user) is None:
        raise Http404
    return applications_of_organisations(user=user).select_related(None)


def _unit_ranking(user: User, params: Mapping[str, str]) -> Table:
    """As the unit's ranking (recommendation:ranking): this year's rankable applications
    in rank order, with the page's normalisation switch. Judges are counted, not named."""
    from xinban.recommendation import selectors
    from xinban.scoring.services import rubric_for

    unit = _unit_of(user, params)  # outsiders: 404
    campaign = _current_campaign()
    rubric = rubric_for(campaign=campaign, stage=Stage.UNIT)
    normalise = params.get("normalise", "1" if rubric.normalise_judges else "0") == "1"
    entries = selectors.unit_rank_entries(unit=unit, campaign=campaign, normalise=normalise)
    flag = _("分歧大")

    def rows() -> Iterator[list[Any]]:
        for line in selectors.ranking_export_lines(entries):
            yield [
                line.rank,
                line.number,
                line.organisation_name,
                line.team_name,
                line.score,
                line.judges,
                flag if line.flagged else "",
            ]

    return Table(count=len(entries), rows=rows)


def _unit_judges(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the unit's judges page (recommendation:judges): its panel, by name."""
    from xinban.recommendation.selectors import panel_members

    unit = _unit_of(user, params)  # outsiders: 404
    _current_campaign()  # as the page: no campaign year, no page
    return panel_members(unit=unit).select_related(None)


def _evaluation_staff(user: User) -> Any:
    """The association's evaluation pages: staff (others 403), in the current year (none:
    404)."""
    if not user.has_perm("evaluation.manage"):
        raise PermissionDenied
    return _current_campaign()


def _yes(value: bool) -> str:
    return _("是") if value else _("否")


def _formal_list(user: User, params: Mapping[str, str]) -> Table:
    """As the formal-review list (evaluation:formal_list), its state filter included."""
    from xinban.evaluation.selectors import formal_review_queue

    campaign = _evaluation_staff(user)
    state = params.get("state", "")
    queue = formal_review_queue(
        campaign=campaign, state=state if state in ApplicationState.values else ""
    )
    all_ok, manual = _("均符合"), _("需人工审查")

    def rows() -> Iterator[list[Any]]:
        for row in queue:
            a = row.application
            checks = all_ok if row.automatic_ok else "：".join([manual, "；".join(row.failing)])
            yield [
                a.number,
                a.organisation.name,
                a.team_name,
                a.recommending_unit.name,
                checks,
                _state_label(a.state),
            ]

    return Table(count=len(queue), rows=rows)


def _expert_panel(user: User, params: Mapping[str, str]) -> Table:
    """As the expert panel (evaluation:panel): the year's experts and their load."""
    from xinban.evaluation.selectors import expert_panel

    del params
    panel = expert_panel(campaign=_evaluation_staff(user))

    def rows() -> Iterator[list[Any]]:
        for row in panel:
            yield [
                row.judge.name,
                row.judge.employer,
                row.judge.tgq_number,
                join_items(d.name for d in row.judge.domains.all()),
                _yes(row.member.is_chair),
                row.submitted,
                row.assigned,
                row.member.capacity,
            ]

    return Table(count=len(panel), rows=rows)


def _expert_ranking(user: User, params: Mapping[str, str]) -> Table:
    """As the per-domain ranking (evaluation:ranking) with its round and normalisation
    switches; ``domain`` (a domain's name, the page's tab) keeps one domain, without it
    every domain is exported, each in its rank order."""
    from xinban.evaluation import selectors
    from xinban.evaluation.models import DecisionLevel

    campaign = _evaluation_staff(user)
    default = selectors.expert_normalise_default(campaign)
    normalise = params.get("normalise", "1" if default else "0") == "1"
    current = params.get("round", "")
    number = int(current) if current.isdigit() and len(current) < 6 else None
    entries = selectors.expert_rank_entries(campaign=campaign, round=number, normalise=normalise)
    domain = params.get("domain", "")
    if domain:
        names = list(dict.fromkeys(e.domain for e in entries))
        if domain not in names:  # as the page: an unknown domain is the first one
            domain = names[0] if names else ""
        entries = [e for e in entries if e.domain == domain]
    levels = {key: str(label) for key, label in DecisionLevel.choices}
    flag = _("分歧大")

    def rows() -> Iterator[list[Any]]:
        for start in range(0, len(entries), 1000):
            for line in selectors.ranking_lines(entries[start : start + 1000]):
                entry = line.entry
                yield [
                    entry.domain,
                    entry.rank,
                    line.number,
                    line.organisation_name,
                    line.team_name,
                    entry.score,
                    entry.judges,
                    flag if entry.flagged else "",
                    levels.get(line.decision or "", ""),
                    _yes(line.national),
                ]

    return Table(count=len(entries), rows=rows)


def _candidates(user: User, params: Mapping[str, str]) -> Table:
    """As the typical-experience candidates (evaluation:candidates)."""
    from xinban.evaluation.selectors import candidates_for_staff

    del params
    candidates = candidates_for_staff(campaign=_evaluation_staff(user))
    missing = _("未上传")

    def rows() -> Iterator[list[Any]]:
        for row in candidates:
            a = row.application
            decision = getattr(a, "evaluation_decision", None)
            yield [
                a.number,
                a.organisation.name,
                a.team_name,
                row.video.original_name if row.video else missing,
                "；".join(f"{r.guiding_unit.name}：{r.get_verdict_display()}" for r in row.reviews),
                _state_label(a.state),
                _yes(bool(decision and decision.national)),
            ]

    return Table(count=len(candidates), rows=rows)


def _public_results(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As 结果公布 (publication:results), its filters included: published experiences
    only (the case entries are written when a year is published), as the public sees
    them."""
    from xinban.publication.selectors import CaseFilters, case_search

    del user  # public
    year = params.get("year", "")
    return case_search(
        CaseFilters(
            q=params.get("q", "")[:100],
            year=int(year) if year.isdigit() and len(year) == 4 else None,
            domain=params.get("domain", "")[:50],
            industry=params.get("industry", "")[:50],
            level=params.get("level", ""),
            unit=params.get("unit", "")[:100],
        )
    )


def _level_label(value: str) -> str:
    from xinban.publication.models import Level

    return str(dict(Level.choices).get(value, value))


def _unit_inbox(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    from xinban.recommendation import selectors

    unit = _unit_of(user, params)  # outsiders: 404
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

    require_staff(user)
    keys = ("action", "object_type", "object_id", "actor", "obj", "since", "until")
    return audit_entries(**{k: params.get(k, "").strip()[:100] for k in keys}).order_by("-id")


SPECS: dict[str, ExportSpec] = {
    "applications": ExportSpec(
        name="applications",
        title=gettext_lazy("全部申报"),
        headers=_application_headers,
        queryset=_staff_applications,
        fields=APPLICATION_FIELDS,
        transforms={6: _state_label, 7: local_time},
    ),
    "my_applications": ExportSpec(
        name="my_applications",
        title=gettext_lazy("我的申报"),
        headers=lambda: [_("年度"), *_application_headers()],
        queryset=_my_applications,
        fields=("campaign__year", *APPLICATION_FIELDS),
        transforms={7: _state_label, 8: local_time},
    ),
    "unit_inbox": ExportSpec(
        name="unit_inbox",
        title=gettext_lazy("推荐单位申报清单"),
        headers=_application_headers,
        queryset=_unit_inbox,
        fields=APPLICATION_FIELDS,
        transforms={6: _state_label, 7: local_time},
        unit_scoped=True,
    ),
    "unit_ranking": ExportSpec(
        name="unit_ranking",
        title=gettext_lazy("推荐单位评分排序"),
        headers=lambda: [
            _("名次"),
            _("编号"),
            _("申报单位"),
            _("班组名称"),
            _("得分"),
            _("评委数"),
            _("评委意见分歧较大"),
        ],
        table=_unit_ranking,
        unit_scoped=True,
    ),
    "unit_judges": ExportSpec(
        name="unit_judges",
        title=gettext_lazy("推荐单位评委名单"),
        headers=lambda: [
            _("姓名"),
            _("工作单位"),
            _("TGQ评委证书号"),
            _("通讯地址"),
            _("E-mail"),
            _("手机"),
        ],
        queryset=_unit_judges,
        fields=(
            "judge__name",
            "judge__employer",
            "judge__tgq_number",
            "judge__address",
            "judge__email",
            "judge__mobile",
        ),
        unit_scoped=True,
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
        transforms={5: _sheet_status_label, 7: local_time},
    ),
    "evaluation_formal": ExportSpec(
        name="evaluation_formal",
        title=gettext_lazy("形式审查"),
        headers=lambda: [
            _("编号"),
            _("申报单位"),
            _("班组名称"),
            _("推荐单位"),
            _("自动核对"),
            _("状态"),
        ],
        table=_formal_list,
    ),
    "evaluation_panel": ExportSpec(
        name="evaluation_panel",
        title=gettext_lazy("专家评委库"),
        headers=lambda: [
            _("姓名"),
            _("工作单位"),
            _("TGQ评委证书号"),
            _("擅长领域"),
            _("评审组长"),
            _("已提交"),
            _("已分配"),
            _("上限"),
        ],
        table=_expert_panel,
    ),
    "evaluation_ranking": ExportSpec(
        name="evaluation_ranking",
        title=gettext_lazy("分领域排序"),
        headers=lambda: [
            _("领域"),
            _("排名"),
            _("编号"),
            _("申报单位"),
            _("班组名称"),
            _("得分"),
            _("专家数"),
            _("专家意见分歧较大"),
            _("评价结果"),
            _("推荐全国"),
        ],
        table=_expert_ranking,
    ),
    "evaluation_candidates": ExportSpec(
        name="evaluation_candidates",
        title=gettext_lazy("典型经验候选"),
        headers=lambda: [
            _("编号"),
            _("申报单位"),
            _("班组名称"),
            _("发表视频"),
            _("指导单位审核"),
            _("状态"),
            _("推荐全国"),
        ],
        table=_candidates,
    ),
    "public_results": ExportSpec(
        name="public_results",
        title=gettext_lazy("结果公布"),
        headers=lambda: [
            _("年度"),
            _("评价结果"),
            _("单位名称"),
            _("班组名称"),
            _("推荐单位"),
            _("领域"),
            _("行业"),
            _("成果摘要"),
        ],
        queryset=_public_results,
        fields=(
            "year",
            "level",
            "organisation_name",
            "team_name",
            "unit_name",
            "domain",
            "industries",
            "summary",
        ),
        transforms={1: _level_label},
        public=True,
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
            _("渠道"),
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
            "channel",
        ),
        transforms={0: local_time, 7: channel_label},
    ),
    "outbox": ExportSpec(
        name="outbox",
        title=gettext_lazy("发件箱"),
        headers=lambda: [
            _("收件人"),
            _("事件"),
            _("主题"),
            _("状态"),
            _("尝试次数"),
            _("创建时间"),
            _("发送时间"),
            _("最近错误"),
        ],
        queryset=_outbox,
        fields=(
            "recipient",
            "template",
            "subject",
            "state",
            "attempts",
            "created_at",
            "sent_at",
            "last_error",
        ),
        transforms={3: _outbox_state_label, 5: local_time, 6: local_time},
    ),
    "tasks": ExportSpec(
        name="tasks",
        title=gettext_lazy("后台任务"),
        headers=lambda: [
            _("任务"),
            _("状态"),
            _("已完成"),
            _("总数"),
            _("已尝试次数"),
            _("创建人"),
            _("创建时间"),
            _("结束时间"),
            _("最近错误"),
        ],
        queryset=_tasks,
        fields=(
            "name",
            "state",
            "progress_done",
            "progress_total",
            "attempts",
            "created_by__email",
            "created_at",
            "finished_at",
            "last_error",
        ),
        transforms={1: task_state_label, 6: local_time, 7: local_time},
    ),
}


def register(spec: ExportSpec) -> ExportSpec:
    """Add an area's list to the exports (``/exports/<name>.xlsx``, the API's
    ``/api/exports/<name>.xlsx``)."""
    if spec.name in SPECS:
        raise ImproperlyConfigured(f"two exports are called {spec.name!r}")
    SPECS[spec.name] = spec
    return spec
