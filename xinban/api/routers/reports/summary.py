"""附件7 推进工作总结 of a recommending unit: read, save the draft, submit, download."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import UnitId, binary_response, error_responses
from xinban.api.errors import Errors, ensure_valid
from xinban.api.payloads import form_data
from xinban.api.routers.reports.base import ReportYearQuery, _campaign, _unit, router
from xinban.api.routers.reports.submission import admin_target, submit_operation
from xinban.api.schemas import JsonCount, JsonText
from xinban.campaigns.models import Campaign
from xinban.core import uploads
from xinban.core.roles import roles_of
from xinban.organisations.models import RecommendingUnit
from xinban.reports import documents, selectors, services
from xinban.reports.forms import EventForm, SummaryForm
from xinban.reports.models import FilingStatus, WorkSummary


class SummaryEventOut(Schema):
    held_on: str = Field(title="时间")
    place: str = Field(title="地点")
    name: str = Field(title="名称")
    content: str = Field(title="内容/形式")
    participants: int | None = Field(title="参与人数")


class SummaryOut(Schema):
    id: int | None = Field(title="工作总结 id", description="尚未开始填写时为空")
    campaign_year: int = Field(title="活动年度")
    unit_id: int = Field(title="推荐单位 id")
    unit: str = Field(title="推荐单位")
    status: str = Field(title="状态", json_schema_extra={"enum": list(FilingStatus.values)})
    overview: str = Field(title="一、1. 全年活动开展情况介绍，年度重点工作任务")
    methods: str = Field(title="二、1. 具有特色的方法、措施和取得的效果")
    highlights: str = Field(title="二、2. 突出事迹")
    problems: str = Field(title="三、1. 存在的问题或遇到的困难")
    directions: str = Field(title="三、2. 未来改进方向和拟采取的措施")
    suggestions: str = Field(title="三、3. 需要市质协支持或对今后活动推进的建议")
    events: list[SummaryEventOut] = Field(title="一、2. 推进活动列表")
    characters: int = Field(title="字数", description="不计空白字符，含活动列表中的文字")
    min_characters: int = Field(title="最少字数")
    submitted_at: datetime | None = Field(title="报送时间")
    missing: dict[str, str] = Field(title="报送前还缺的内容", description="字段名 → 说明")
    editable: bool = Field(title="可编辑")


class SummaryEventIn(Schema):
    held_on: JsonText = Field(None, title="时间")
    place: JsonText = Field(None, title="地点")
    name: JsonText = Field(None, title="名称")
    content: JsonText = Field(None, title="内容/形式")
    participants: JsonCount = Field(None, title="参与人数")


class SummaryIn(Schema):
    """附件7 的全部内容（整体替换，含活动列表）。"""

    overview: JsonText = Field(None, title="一、1. 全年活动开展情况介绍，年度重点工作任务")
    methods: JsonText = Field(None, title="二、1. 具有特色的方法、措施和取得的效果")
    highlights: JsonText = Field(None, title="二、2. 突出事迹")
    problems: JsonText = Field(None, title="三、1. 存在的问题或遇到的困难")
    directions: JsonText = Field(None, title="三、2. 未来改进方向和拟采取的措施")
    suggestions: JsonText = Field(None, title="三、3. 需要市质协支持或对今后活动推进的建议")
    events: list[SummaryEventIn] = Field(
        default_factory=list, title="一、2. 推进活动列表", max_length=services.MAX_EVENTS
    )


def _summary_out(user: User, unit: RecommendingUnit, campaign: Campaign) -> SummaryOut:
    summary = selectors.work_summary(unit=unit, campaign=campaign) or WorkSummary(
        unit=unit, campaign=campaign
    )
    events = selectors.summary_events(summary)
    editable = unit.pk in roles_of(user).unit_admin_ids and not summary.is_locked
    return SummaryOut(
        id=summary.pk,
        campaign_year=campaign.year,
        unit_id=unit.pk,
        unit=unit.name,
        status=summary.status,
        overview=summary.overview,
        methods=summary.methods,
        highlights=summary.highlights,
        problems=summary.problems,
        directions=summary.directions,
        suggestions=summary.suggestions,
        events=[
            SummaryEventOut(
                held_on=e.held_on_text,
                place=e.place,
                name=e.name,
                content=e.content,
                participants=e.participants,
            )
            for e in events
        ],
        characters=selectors.summary_length(summary, events),
        min_characters=selectors.MIN_SUMMARY_CHARS,
        submitted_at=summary.submitted_at,
        missing=services.summary_problems(summary) if editable and summary.pk else {},
        editable=editable,
    )


@router.get(
    "/units/{unit_id}/work-summary",
    response={200: SummaryOut, **error_responses(404)},
    summary="推进工作总结（附件7）",
)
def summary_get(request: HttpRequest, unit_id: UnitId, query: Query[ReportYearQuery]) -> SummaryOut:
    user = current_user(request)
    return _summary_out(user, _unit(user, unit_id), _campaign(query))


@router.put(
    "/units/{unit_id}/work-summary",
    response={200: SummaryOut, **error_responses(400, 403, 404, 409, 422)},
    summary="保存推进工作总结（附件7）草稿，含活动列表",
    auth=scoped("units:write"),
)
def summary_put(
    request: HttpRequest, unit_id: UnitId, payload: SummaryIn, query: Query[ReportYearQuery]
) -> SummaryOut:
    user, unit, campaign = admin_target(request, unit_id, query)
    summary = services.work_summary_for(unit=unit, campaign=campaign)
    texts = payload.model_dump(exclude={"events"})
    data, type_errors = form_data(SummaryIn(**texts), SummaryForm)
    form = SummaryForm(data, instance=summary)
    rows: list[dict[str, Any]] = []
    errors: Errors = dict(type_errors)
    for index, event in enumerate(payload.events):
        event_data, event_errors = form_data(event, EventForm)
        event_form = EventForm(event_data)
        for name, messages in event_errors.items():
            errors[f"events.{index}.{name}"] = messages
        if not event_form.is_valid():
            for name, items in event_form.errors.items():
                errors[f"events.{index}.{name}"] = [str(m) for m in items]
            continue
        missing = [
            name
            for name in ("held_on", "place", "name", "content")
            if not event_form.cleaned_data.get(name)
        ]
        for name in missing:
            errors[f"events.{index}.{name}"] = [_("请填写此项。")]
        rows.append(event_form.cleaned_data)
    ensure_valid(form, errors)
    services.summary_save(actor=user, summary=summary, data=form.cleaned_data, events=rows)
    return _summary_out(user, unit, campaign)


@submit_operation(
    "/units/{unit_id}/work-summary/submit",
    SummaryOut,
    summary="报送推进工作总结（附件7），不足 3000 字时拒绝并给出字数",
    description="不完整时返回 400（code: incomplete），errors 列出各缺项，length 给出当前字数。",
)
def summary_submit(
    request: HttpRequest, unit_id: UnitId, query: Query[ReportYearQuery]
) -> SummaryOut:
    user, unit, campaign = admin_target(request, unit_id, query)
    services.summary_submit(
        actor=user, summary=services.work_summary_for(unit=unit, campaign=campaign)
    )
    return _summary_out(user, unit, campaign)


@router.get(
    "/units/{unit_id}/work-summary.docx",
    response={200: None, **error_responses(404)},
    url_name="work_summary_docx",
    summary="下载推进工作总结（Word）",
    openapi_extra=binary_response(
        documents.DOCX_MIME, "附件7 推进工作总结，文件名为“推荐单位名称+班组总结”"
    ),
)
def summary_docx(
    request: HttpRequest, unit_id: UnitId, query: Query[ReportYearQuery]
) -> HttpResponseBase:
    unit = _unit(current_user(request), unit_id)
    campaign = _campaign(query)
    summary = selectors.work_summary(unit=unit, campaign=campaign) or WorkSummary(
        unit=unit, campaign=campaign
    )
    events = selectors.summary_events(summary)
    return uploads.attachment_response(
        io.BytesIO(documents.summary_docx(summary, events)),
        download_name=documents.form7_download_name(
            unit.name, draft=documents.summary_is_draft(summary, events)
        ),
        content_type=documents.DOCX_MIME,
    )
