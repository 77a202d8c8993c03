"""历年数据导入 (JSON, association staff): the template, the dry run of an uploaded Excel
file (a row-by-row report: row number, column, message) and the all-or-nothing import.
Everyone else gets 403."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import Field, Path, Router, Schema, Status

from xinban.accounts.models import User
from xinban.api.auth import current_user, scoped
from xinban.api.common import binary_response, error_responses, multipart_body, validated_upload
from xinban.api.errors import InvalidInput, validation_error_messages
from xinban.core import uploads
from xinban.core.errors import ServiceError
from xinban.core.roles import roles_of
from xinban.imports import selectors, services
from xinban.imports.forms import ImportUploadForm
from xinban.imports.models import BatchState, ImportBatch

router = Router(tags=["历年数据导入"])

BatchId = Annotated[int, Path(title="导入批次 id")]
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportRowErrorOut(Schema):
    row: int = Field(title="行号")
    column: str = Field(title="列")
    message: str = Field(title="错误说明")


class ImportPreviewRowOut(Schema):
    row: int = Field(title="行号")
    year: int = Field(title="年度")
    unit: str = Field(title="推荐单位")
    organisation: str = Field(title="单位名称")
    team: str = Field(title="班组名称")
    result: str = Field(title="评价结果")
    action: str = Field(
        title="处理", json_schema_extra={"enum": ["create", "update", "unchanged", "error"]}
    )


class ImportBatchOut(Schema):
    id: int = Field(title="导入批次 id")
    original_name: str = Field(title="原文件名")
    state: str = Field(title="状态", json_schema_extra={"enum": list(BatchState.values)})
    total_rows: int = Field(title="数据行数")
    created_count: int = Field(title="新增")
    updated_count: int = Field(title="更新")
    unchanged_count: int = Field(title="无变化")
    error_count: int = Field(title="错误数")
    errors: list[ImportRowErrorOut] = Field(title="错误报告")
    preview: list[ImportPreviewRowOut] = Field(title="逐行预检结果（最多 1000 行）")
    created_at: datetime = Field(title="上传时间")
    committed_at: datetime | None = Field(title="导入时间")


def _staff(request: HttpRequest) -> User:
    user = current_user(request)
    if not roles_of(user).is_staff:
        raise PermissionDenied
    return user


def _out(batch: ImportBatch) -> ImportBatchOut:
    return ImportBatchOut(
        id=batch.pk,
        original_name=batch.original_name,
        state=batch.state,
        total_rows=batch.total_rows,
        created_count=batch.created_count,
        updated_count=batch.updated_count,
        unchanged_count=batch.unchanged_count,
        error_count=batch.error_count,
        errors=[ImportRowErrorOut(**e) for e in batch.errors],
        preview=[ImportPreviewRowOut(**r) for r in batch.preview],
        created_at=batch.created_at,
        committed_at=batch.committed_at,
    )


@router.get(
    "/imports/template.xlsx",
    response={200: None, **error_responses(403)},
    url_name="imports_template",
    summary="下载历年成果导入模板（Excel）",
    openapi_extra=binary_response(XLSX_MIME, "历年成果导入模板"),
)
def template(request: HttpRequest) -> HttpResponseBase:
    _staff(request)
    return uploads.attachment_response(
        io.BytesIO(services.import_template_xlsx()),
        download_name="历年成果导入模板.xlsx",
        content_type=XLSX_MIME,
    )


@router.post(
    "/imports",
    response={201: ImportBatchOut, **error_responses(403, 422)},
    summary="上传并预检（不写入数据）",
    description="multipart/form-data：file（.xlsx）。返回逐行预检结果与错误报告（行号、列、说明）。",
    openapi_extra=multipart_body(
        {"file": {"type": "string", "format": "binary", "title": "Excel 文件（.xlsx）"}}, ["file"]
    ),
    auth=scoped("staff:write"),
)
def check(request: HttpRequest) -> Status[ImportBatchOut]:
    user = _staff(request)
    form = validated_upload(request, ImportUploadForm)
    try:
        batch = services.import_check(actor=user, file=form.cleaned_data["file"])
    except DjangoValidationError as exc:
        raise InvalidInput(validation_error_messages(exc, field="file")) from exc
    except ServiceError as exc:
        raise InvalidInput({"file": [exc.message]}) from exc
    return Status(201, _out(batch))


@router.get(
    "/imports/{batch_id}",
    response={200: ImportBatchOut, **error_responses(403, 404)},
    summary="导入批次的预检结果",
)
def batch_get(request: HttpRequest, batch_id: BatchId) -> ImportBatchOut:
    _staff(request)
    return _out(selectors.batch_get(batch_id))


@router.post(
    "/imports/{batch_id}/commit",
    response={200: ImportBatchOut, **error_responses(400, 403, 404, 409)},
    summary="确认导入（全部写入或全部不写入）",
    description="再次预检后写入；有任何错误返回 400（code: import_errors），不写入任何数据。",
    auth=scoped("staff:write"),
)
def commit(request: HttpRequest, batch_id: BatchId) -> ImportBatchOut:
    user = _staff(request)
    return _out(services.import_commit(actor=user, batch=selectors.batch_get(batch_id)))
