"""Staff pages of the historical import: the template, upload and dry run with the
row-by-row report, then the all-or-nothing import. Everyone else: 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from xinban.core import uploads
from xinban.core.errors import ServiceError
from xinban.core.http import AuthenticatedHttpRequest
from xinban.core.roles import roles_of
from xinban.imports import selectors, services
from xinban.imports.forms import ImportUploadForm
from xinban.imports.models import BatchState

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require_staff(request: AuthenticatedHttpRequest) -> None:
    if not roles_of(request.user).is_staff:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_staff(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        refused = uploads.add_upload_refusal_errors(form, request)
        if not refused and form.is_valid():
            try:
                batch = services.import_check(actor=request.user, file=form.cleaned_data["file"])
            except ValidationError as exc:
                form.add_error("file", exc)
            except ServiceError as exc:
                form.add_error("file", exc.message)
            else:
                if batch.error_count:
                    messages.error(
                        request,
                        _("预检发现 %(n)s 处错误，请按错误报告修改后重新上传。")
                        % {"n": batch.error_count},
                    )
                else:
                    messages.success(request, _("预检通过，请核对后确认导入。"))
                return redirect("imports:batch", pk=batch.pk)
    return render(
        request,
        "imports/home.html",
        {"form": form, "batches": list(selectors.batches_recent()), "columns": services.COLUMNS},
    )


@login_required
def template(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    _require_staff(request)
    return uploads.attachment_response(
        ContentFile(services.import_template_xlsx()),
        download_name="历年成果导入模板.xlsx",
        content_type=XLSX_MIME,
    )


@login_required
def batch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    current = selectors.batch_get(pk)
    return render(
        request,
        "imports/batch.html",
        {
            "batch": current,
            "action_labels": services.ACTION_LABELS,
            "can_commit": current.state == BatchState.CHECKED and not current.error_count,
        },
    )


@login_required
@require_POST
def commit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    current = selectors.batch_get(pk)
    try:
        done = services.import_commit(actor=request.user, batch=current)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("已导入：新增 %(created)s 条，更新 %(updated)s 条，无变化 %(unchanged)s 条。")
            % {
                "created": done.created_count,
                "updated": done.updated_count,
                "unchanged": done.unchanged_count,
            },
        )
    return redirect("imports:batch", pk=pk)
