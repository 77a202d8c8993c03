"""The expert panel (专家评委库) over JSON: members, candidates, a member's load,
expertise and employers (the page's forms do the parsing and the service call)."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Schema, Status
from pydantic import ConfigDict, WithJsonSchema

from xinban.api.auth import scoped
from xinban.api.common import error_responses, require_campaign
from xinban.api.errors import ensure_valid, fields_named
from xinban.api.labels import form_field
from xinban.api.payloads import form_data
from xinban.api.presenters import term_out
from xinban.api.routers.evaluation.common import router, staff_user
from xinban.api.schemas import JsonBool, JsonId, JsonIdList, JsonText, TermOut, _required_from
from xinban.evaluation import selectors
from xinban.evaluation.forms import EmploymentForm, PanelAddForm, PanelMemberForm
from xinban.evaluation.models import ExpertPanelMember
from xinban.evaluation.services import panel as panel_services
from xinban.scoring.models import Judge, JudgeEmployment

MemberId = Annotated[int, Path(title="专家评委库成员 id")]
EmploymentId = Annotated[int, Path(title="工作经历 id")]


JsonCapacity = Annotated[
    Any,
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1, "maximum": 1000}, {"type": "null"}]}
    ),
]
JsonYear = Annotated[Any, WithJsonSchema({"type": "integer", "minimum": 1950, "maximum": 2100})]
JsonYearOrNull = Annotated[
    Any,
    WithJsonSchema(
        {"anyOf": [{"type": "integer", "minimum": 1950, "maximum": 2100}, {"type": "null"}]}
    ),
]


class EmploymentOut(Schema):
    id: int = Field(title="工作经历 id")
    organisation_name: str = Field(title="单位名称")
    start_year: int = Field(title="起始年份")
    end_year: int | None = Field(title="结束年份", description="空：至今")


class ExpertConflictOut(Schema):
    organisation: str = Field(title="单位")
    reason: str = Field(title="回避原因")


class PanelMemberOut(Schema):
    id: int = Field(title="专家评委库成员 id")
    judge_id: int = Field(title="专家 id")
    name: str = Field(title="姓名")
    employer: str = Field(title="工作单位")
    tgq_number: str = Field(title="TGQ评委证书号")
    capacity: int | None = Field(title="评审容量", description="每轮最多评审的申报数；空：不限")
    is_chair: bool = Field(title="评审组长")
    domains: list[TermOut] = Field(title="擅长领域")
    industries: list[TermOut] = Field(title="熟悉行业")
    assigned: int = Field(title="已分配评审数")
    submitted: int = Field(title="已提交评审数")


class PanelMemberDetailOut(PanelMemberOut):
    employments: list[EmploymentOut] = Field(title="工作经历")
    conflicts: list[ExpertConflictOut] = Field(title="回避声明")


class PanelCandidateOut(Schema):
    id: int = Field(title="专家 id")
    name: str = Field(title="姓名")
    employer: str = Field(title="工作单位")
    tgq_number: str = Field(title="TGQ评委证书号")


class PanelAddIn(Schema):
    model_config = ConfigDict(
        json_schema_extra=_required_from(PanelAddForm, names={"judge": "judge_id"})
    )

    judge_id: JsonId = form_field(
        PanelAddForm,
        "judge",
        None,
        description="尚不在本年度专家评委库中的评委 id（见 /evaluation/panel/candidates）",
    )
    capacity: JsonCapacity = form_field(PanelAddForm, "capacity", None)
    is_chair: JsonBool = form_field(PanelAddForm, "is_chair", None)


class PanelMemberIn(Schema):
    """The whole member (a full replacement, as the page's form): absent values are
    empty — no limit, not chair, no domain, no industry."""

    capacity: JsonCapacity = form_field(PanelMemberForm, "capacity", None)
    is_chair: JsonBool = form_field(PanelMemberForm, "is_chair", None)
    domains: JsonIdList = form_field(
        PanelMemberForm, "domains", None, description="领域 id 列表（见 /taxonomies）"
    )
    industries: JsonIdList = form_field(
        PanelMemberForm, "industries", None, description="行业 id 列表（见 /taxonomies）"
    )


class EmploymentIn(Schema):
    model_config = ConfigDict(json_schema_extra=_required_from(EmploymentForm))

    organisation_name: JsonText = form_field(
        EmploymentForm, "organisation_name", None, description="与申报单位全称一致时即回避"
    )
    start_year: JsonYear = form_field(EmploymentForm, "start_year", None)
    end_year: JsonYearOrNull = form_field(EmploymentForm, "end_year", None)


def _terms(items: Any) -> list[TermOut]:
    return [term_out(t) for t in items]


def _member_fields(member: ExpertPanelMember, assigned: int, submitted: int) -> dict[str, Any]:
    judge = member.judge
    return {
        "id": member.pk,
        "judge_id": judge.pk,
        "name": judge.name,
        "employer": judge.employer,
        "tgq_number": judge.tgq_number,
        "capacity": member.capacity,
        "is_chair": member.is_chair,
        "domains": _terms(judge.domains.all()),
        "industries": _terms(judge.industries.all()),
        "assigned": assigned,
        "submitted": submitted,
    }


def _member(member_id: int) -> ExpertPanelMember:
    return get_object_or_404(
        ExpertPanelMember.objects.select_related("judge"),
        pk=member_id,
        campaign=require_campaign(),
    )


def _member_detail(member: ExpertPanelMember) -> PanelMemberDetailOut:
    row = next(
        (r for r in selectors.expert_panel(campaign=member.campaign) if r.member.pk == member.pk),
        None,
    )
    judge = member.judge
    return PanelMemberDetailOut(
        **_member_fields(member, row.assigned if row else 0, row.submitted if row else 0),
        employments=[
            EmploymentOut(
                id=e.pk,
                organisation_name=e.organisation_name,
                start_year=e.start_year,
                end_year=e.end_year,
            )
            for e in judge.employments.order_by("start_year", "pk")
        ],
        conflicts=[
            ExpertConflictOut(organisation=c.organisation.name, reason=c.reason)
            for c in judge.conflicts.select_related("organisation").order_by("pk")
        ],
    )


@router.get(
    "/evaluation/panel",
    response={200: list[PanelMemberOut], **error_responses(403)},
    summary="本年度专家评委库（含各专家的评审量）",
)
def panel_list(request: HttpRequest) -> list[PanelMemberOut]:
    staff_user(request)
    return [
        PanelMemberOut(**_member_fields(row.member, row.assigned, row.submitted))
        for row in selectors.expert_panel(campaign=require_campaign())
    ]


@router.get(
    "/evaluation/panel/candidates",
    response={200: list[PanelCandidateOut], **error_responses(403)},
    summary="可加入专家评委库的评委（尚不在本年度评委库中）",
)
def panel_candidates(request: HttpRequest) -> list[PanelCandidateOut]:
    staff_user(request)
    on_panel = ExpertPanelMember.objects.filter(campaign=require_campaign()).values("judge_id")
    return [
        PanelCandidateOut(id=j.pk, name=j.name, employer=j.employer, tgq_number=j.tgq_number)
        for j in Judge.objects.exclude(pk__in=on_panel).order_by("name", "pk")
    ]


@router.post(
    "/evaluation/panel",
    response={201: PanelMemberDetailOut, **error_responses(400, 403, 409, 422)},
    summary="将评委加入本年度专家评委库",
    auth=scoped("staff:write"),
)
def panel_add(request: HttpRequest, payload: PanelAddIn) -> Status[PanelMemberDetailOut]:
    user = staff_user(request)
    campaign = require_campaign()
    on_panel = ExpertPanelMember.objects.filter(campaign=campaign).values("judge_id")
    names = {"judge_id": "judge"}
    data, type_errors = form_data(payload, PanelAddForm, names=names)
    form = PanelAddForm(data, judges=Judge.objects.exclude(pk__in=on_panel))
    ensure_valid(form, type_errors, names={"judge": "judge_id"})
    with fields_named({"judge": "judge_id"}):
        member = form.save(actor=user, campaign=campaign)
    return Status(201, _member_detail(_member(member.pk)))


@router.get(
    "/evaluation/panel/{member_id}",
    response={200: PanelMemberDetailOut, **error_responses(403, 404)},
    summary="专家评委库成员（擅长领域、熟悉行业、工作经历、回避声明）",
)
def panel_member(request: HttpRequest, member_id: MemberId) -> PanelMemberDetailOut:
    staff_user(request)
    return _member_detail(_member(member_id))


@router.put(
    "/evaluation/panel/{member_id}",
    response={200: PanelMemberDetailOut, **error_responses(400, 403, 404, 409, 422)},
    summary="修改专家的评审容量、评审组长、擅长领域和熟悉行业",
    description="整体替换（与页面表单相同）：未给出的值为空。领域与行业属于专家本人，各年度通用。",
    auth=scoped("staff:write"),
)
def panel_member_update(
    request: HttpRequest, member_id: MemberId, payload: PanelMemberIn
) -> PanelMemberDetailOut:
    user = staff_user(request)
    member = _member(member_id)
    data, type_errors = form_data(payload, PanelMemberForm)
    form = PanelMemberForm(data)
    ensure_valid(form, type_errors)
    form.save(actor=user, member=member)
    return _member_detail(_member(member_id))


@router.delete(
    "/evaluation/panel/{member_id}",
    response={204: None, **error_responses(400, 403, 404, 409)},
    summary="移出专家评委库",
    description="专家还有未提交的评审时不能移出（code: judge_has_sheets），请先撤回分配。",
    auth=scoped("staff:write"),
)
def panel_remove(request: HttpRequest, member_id: MemberId) -> Status[None]:
    user = staff_user(request)
    panel_services.expert_panel_remove(actor=user, member=_member(member_id))
    return Status(204, None)


@router.post(
    "/evaluation/panel/{member_id}/employments",
    response={201: PanelMemberDetailOut, **error_responses(400, 403, 404, 422)},
    summary="添加专家的工作经历（曾任职单位的申报将回避）",
    auth=scoped("staff:write"),
)
def employment_add(
    request: HttpRequest, member_id: MemberId, payload: EmploymentIn
) -> Status[PanelMemberDetailOut]:
    user = staff_user(request)
    member = _member(member_id)
    data, type_errors = form_data(payload, EmploymentForm)
    form = EmploymentForm(data)
    ensure_valid(form, type_errors)
    form.save(actor=user, judge=member.judge)
    return Status(201, _member_detail(member))


@router.delete(
    "/evaluation/panel/{member_id}/employments/{employment_id}",
    response={204: None, **error_responses(403, 404)},
    summary="删除专家的工作经历",
    auth=scoped("staff:write"),
)
def employment_remove(
    request: HttpRequest, member_id: MemberId, employment_id: EmploymentId
) -> Status[None]:
    user = staff_user(request)
    member = _member(member_id)
    employment = get_object_or_404(JudgeEmployment, pk=employment_id, judge=member.judge)
    panel_services.employment_remove(actor=user, employment=employment)
    return Status(204, None)
