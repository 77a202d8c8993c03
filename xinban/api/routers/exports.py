"""Excel 导出 (JSON): every list a user can see, as .xlsx, holding exactly the rows the
page shows that user (the same selectors and rights: 403/404 as the list).

- ``GET /api/exports/{kind}.xlsx`` streams the file when it has at most
  ``XINBAN_EXPORT_BACKGROUND_ROWS`` rows (default 5,000); a larger list answers 409
  ``export_too_large``: ask for it with
- ``POST /api/exports/{kind}``, which starts a background task (any size) and answers
  with it; follow it with ``GET /api/tasks/{task_id}`` and download the file from there.

Lists (``kind``): ``applications`` (staff: all applications, the staff list's filters),
``my_applications`` (我的申报: the applications of the user's organisations),
``unit_inbox`` (a unit's submitted applications: ``unit_pk`` required), ``unit_ranking``
(a unit's ranking, ``unit_pk`` required, ``normalise`` 1/0: rank, number, organisation,
team, score, number of judges, disagreement; judges are never named), ``unit_judges`` (a
unit's judge panel, ``unit_pk`` required), ``judge_sheets`` (a judge's own score sheets),
``audit`` (staff: the audit log and its filters); the association's evaluation (staff, the
current year): ``evaluation_formal`` (the formal-review list, ``state``),
``evaluation_panel`` (the expert panel and each expert's load), ``evaluation_ranking``
(the per-domain ranking: ``domain`` name, ``round``, ``normalise``), and
``evaluation_candidates`` (typical-experience candidates); ``public_results`` (结果公布:
published experiences only, with the page's filters ``year``, ``domain``, ``industry``,
``level``, ``unit`` name and ``q``), also without login at
``GET /api/exports/public/results.xlsx`` (always streamed; 案例库 likewise at
``GET /api/exports/public/cases.xlsx``). More evaluation lists
(xinban/evaluation/exports.py): ``evaluation_assignments`` (staff: the experts of each
application in ``round``, none: the latest), ``evaluation_rounds`` (staff),
``expert_sheets`` (an expert's own), ``guiding_candidates`` (a guiding unit's),
``my_outcomes`` (评价结果: the user's organisations'); and publication's
(xinban/publication/exports.py): ``publication_years`` (staff) and ``public_cases`` (案例库,
the filters of ``public_results``).

Events, online learning and one's own lists (each area's ``exports.py``): ``events`` (the
published events, anyone), ``events_organised`` (the events one organises, drafts
included), ``courses`` (the catalogue), ``my_courses`` (one's own courses and progress),
``courses_manage`` (staff), ``notifications`` (one's own), ``email_templates`` (staff),
``api_tokens`` (one's own tokens, never a secret), ``import_batches`` (staff: the
import history) and one batch's ``import_errors`` and ``import_preview`` (``batch``).
"""

from __future__ import annotations

from typing import Annotated, cast

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import WithJsonSchema

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import binary_response, error_responses
from xinban.core.errors import ServiceError
from xinban.exports.registry import SPECS, ExportSpec, export_params
from xinban.exports.tasks import xlsx
from xinban.exports.writer import XLSX, spooled_xlsx, xlsx_download
from xinban.tasks.api import task_id

router = Router(tags=["Excel 导出"])

Kind = Annotated[
    str,
    Path(title="清单", description=" / ".join(sorted(SPECS))),
    WithJsonSchema({"type": "string", "enum": sorted(SPECS)}),
]


class TooLarge(ServiceError):
    status = 409


class ExportQuery(Schema):
    """The list's own filters (those of its page); the ones a list does not use are
    ignored."""

    q: str = Field("", title="搜索", max_length=100)
    state: str = Field("", title="状态", max_length=20)
    unit: str = Field(
        "",
        title="推荐单位",
        max_length=100,
        description="全部申报：推荐单位 id；结果公布：推荐单位名称",
    )
    unit_pk: str = Field("", title="推荐单位 id（推荐单位申报清单，必填）", max_length=10)
    batch: str = Field("", title="导入批次 id（导入错误报告、预检结果，必填）", max_length=18)
    year: str = Field("", title="年度", max_length=10)
    unit_kind: str = Field("", title="推荐单位类别", max_length=20)
    domain: str = Field(
        "",
        title="重点领域",
        max_length=50,
        description="全部申报、推荐单位申报清单：领域 id；分领域排序：领域名称（不填为全部领域）",
    )
    nature: str = Field("", title="单位性质 id", max_length=10)
    industry: str = Field(
        "",
        title="重点产业",
        max_length=50,
        description="全部申报、推荐单位申报清单：产业 id；结果公布：行业名称",
    )
    level: str = Field("", title="评价结果（结果公布）", max_length=10)
    team_type: str = Field("", title="班组类型 id", max_length=10)
    stage: str = Field("", title="环节", max_length=20, description="applied / recommended / …")
    normalise: str = Field("", title="按评委标准化（评分排序）", max_length=1, description="1 / 0")
    round: str = Field(
        "",
        title="轮次（分领域排序，不填为各专家最新一轮）",
        max_length=5,
        description="专家分配：不填为最新一轮",
    )
    action: str = Field("", title="操作（审计日志）", max_length=80)
    object_type: str = Field("", title="对象类型（审计日志）", max_length=80)
    object_id: str = Field("", title="对象编号（审计日志）", max_length=64)
    actor: str = Field("", title="操作人（审计日志）", max_length=100)
    since: str = Field("", title="起始日期（审计日志）", max_length=10)
    until: str = Field("", title="截止日期（审计日志）", max_length=10)


class ExportTaskOut(Schema):
    task_id: int = Field(title="任务 id")
    status_url: str = Field(title="任务进度（JSON）")
    page_url: str = Field(title="任务进度（页面）")
    rows: int = Field(title="行数")


def _spec(kind: str) -> ExportSpec:
    spec = SPECS.get(kind)
    if spec is None:
        raise Http404
    return spec


def _params(query: ExportQuery) -> dict[str, str]:
    return export_params({k: v for k, v in query.dict().items() if v})


@router.get(
    "/exports/{kind}.xlsx",
    response={200: None, **error_responses(403, 404, 409, 422)},
    url_name="api_export_xlsx",
    summary="导出清单（Excel，不超过后台导出阈值）",
    openapi_extra=binary_response(XLSX, "清单的 Excel 文件（文本单元格已防公式注入）"),
)
def export_xlsx(request: HttpRequest, kind: Kind, query: Query[ExportQuery]) -> HttpResponseBase:
    spec, user, params = _spec(kind), current_user(request), _params(query)
    count = spec.count(user, params)  # the list's own permission check
    if count > settings.XINBAN_EXPORT_BACKGROUND_ROWS:
        raise TooLarge(
            _("共 %(count)s 行，超过 %(limit)s 行，请改用后台导出（POST）。")
            % {"count": count, "limit": settings.XINBAN_EXPORT_BACKGROUND_ROWS},
            code="export_too_large",
        )
    spool = spooled_xlsx(
        title=str(spec.title), headers=spec.headers(), rows=spec.rows(user, params)
    )
    return xlsx_download(spool, spec.filename())


class PublicResultsQuery(Schema):
    """The filters of 结果公布 (the page's own)."""

    q: str = Field("", title="搜索", max_length=100)
    year: str = Field("", title="年度", max_length=4)
    domain: str = Field("", title="领域", max_length=50)
    industry: str = Field("", title="行业", max_length=50)
    level: str = Field("", title="评价结果", max_length=10, description="selected / typical / …")
    unit: str = Field("", title="推荐单位", max_length=100)


@router.get(
    "/exports/public/results.xlsx",
    response={200: None, **error_responses(422)},
    auth=None,
    url_name="api_export_public_results",
    summary="导出结果公布（Excel，无需登录）",
    openapi_extra=binary_response(XLSX, "已公布成果的 Excel 文件（文本单元格已防公式注入）"),
)
def export_public_results(
    request: HttpRequest, query: Query[PublicResultsQuery]
) -> HttpResponseBase:
    return _public_download("public_results", request, query)


@router.get(
    "/exports/public/cases.xlsx",
    response={200: None, **error_responses(422)},
    auth=None,
    url_name="api_export_public_cases",
    summary="导出案例库（Excel，无需登录）",
    openapi_extra=binary_response(XLSX, "案例库的 Excel 文件（文本单元格已防公式注入）"),
)
def export_public_cases(request: HttpRequest, query: Query[PublicResultsQuery]) -> HttpResponseBase:
    return _public_download("public_cases", request, query)


def _public_download(
    kind: str, request: HttpRequest, query: PublicResultsQuery
) -> HttpResponseBase:
    """A public list (published data only, whoever asks), always streamed."""
    spec = SPECS[kind]
    user = cast(User, request.user)  # not looked at: published data only
    params = export_params({k: v for k, v in query.dict().items() if v})
    spool = spooled_xlsx(
        title=str(spec.title), headers=spec.headers(), rows=spec.rows(user, params)
    )
    return xlsx_download(spool, spec.filename())


@router.post(
    "/exports/{kind}",
    response={202: ExportTaskOut, **error_responses(403, 404, 422)},
    summary="后台导出清单（Excel，任意行数）",
    auth=scoped("read"),
)
def export_task(
    request: HttpRequest, kind: Kind, query: Query[ExportQuery]
) -> Status[ExportTaskOut]:
    spec, user, params = _spec(kind), current_user(request), _params(query)
    count = spec.count(user, params)  # refused here, not later in the task
    queued = task_id(xlsx.enqueue(kind=kind, params=params, user_id=user.pk))
    return Status(
        202,
        ExportTaskOut(
            task_id=queued,
            status_url=reverse("api:task_status", kwargs={"task_id": queued}),
            page_url=reverse("exports:task", args=[queued]),
            rows=count,
        ),
    )
