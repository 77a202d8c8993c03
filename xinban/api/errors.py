"""How refusals look in the API.

- invalid input (a Django form said no, or the body could not be read as the schema):
  422 ``{"detail": ..., "errors": {"field": ["message", ...]}}``;
- a service rule refused (`ServiceError` and subclasses): its ``.status`` (400/403/409)
  with ``{"detail", "code", "field"}``, plus ``errors`` for an incomplete submission;
- not logged in 401, not visible 404, visible but not changeable 403.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from xinban.api.auth import ApiAuthError, CsrfFailed
from xinban.core.errors import ServiceError

Errors = dict[str, list[str]]
E = TypeVar("E", bound=Exception)


class InvalidInput(Exception):
    """Field errors for a 422 answer."""

    def __init__(self, errors: Mapping[str, list[str]], detail: str | None = None) -> None:
        super().__init__(detail)
        self.errors: Errors = {field: list(messages) for field, messages in errors.items()}
        self.detail = detail


class NotFound(ServiceError):
    """Something the API needs does not exist for this user (no organisation, no campaign
    year, no registration yet)."""

    status = 404


def invalid_detail() -> str:
    return _("提交的内容有误，请按字段提示修改。")


def form_errors(form: forms.BaseForm) -> Errors:
    return {
        field: [str(item["message"]) for item in items]
        for field, items in form.errors.get_json_data().items()
    }


def ensure_valid(
    form: forms.BaseForm,
    type_errors: Errors | None = None,
    *,
    names: Mapping[str, str] | None = None,
) -> None:
    """Raise InvalidInput with the form's errors and the payload's type errors, if any.
    ``names`` maps a form field to the body field that filled it (``judge`` →
    ``judge_id``), so that errors name what the client sent."""
    valid = form.is_valid()
    if type_errors or not valid:
        renamed = {(names or {}).get(k, k): v for k, v in form_errors(form).items()}
        raise InvalidInput({**renamed, **(type_errors or {})})


@contextmanager
def fields_named(names: Mapping[str, str]) -> Iterator[None]:
    """Service errors name the page form's field; give the body's name for it instead."""
    try:
        yield
    except ServiceError as exc:
        if exc.field is not None and exc.field in names:
            exc.field = names[exc.field]
        raise


def validation_error_messages(exc: DjangoValidationError, *, field: str) -> Errors:
    if hasattr(exc, "error_dict"):
        return {
            name: [str(message) for error in errors for message in error.messages]
            for name, errors in exc.error_dict.items()
        }
    return {field: [str(message) for message in exc.messages]}


# --- handlers ------------------------------------------------------------------------------


def install_error_handlers(api: NinjaAPI) -> None:
    def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code, "field": exc.field}
        links = getattr(exc, "links", None)
        if links:  # where to fix it (e.g. the registration to update, docs/rules.md rule 5)
            body["links"] = links
        problems = getattr(exc, "problems", None)
        if problems:
            body["errors"] = {name: [str(message)] for name, message in problems.items()}
        return api.create_response(request, body, status=exc.status)

    def invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        return api.create_response(
            request, {"detail": exc.detail or invalid_detail(), "errors": exc.errors}, status=422
        )

    def django_validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        errors = validation_error_messages(exc, field="__all__")
        return api.create_response(
            request, {"detail": invalid_detail(), "errors": errors}, status=422
        )

    def schema_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        # Only the shape of the request can fail here (a body that is not a JSON object, a
        # path id that is not a number): field values are checked by the forms.
        if any(error.get("loc", ("",))[0] == "path" for error in exc.errors):
            return not_found(request, Http404())
        errors: Errors = {}
        for error in exc.errors:
            loc = [
                str(part)
                for part in error.get("loc", ())
                if part not in ("body", "payload", "query")
            ]
            name = loc[-1] if loc else "__all__"
            message = (
                _("含有无法保存的字符（控制字符或不成对的代理项），请删除后重试。")
                if error.get("type") == "invalid_text"
                else forms.Field.default_error_messages["required"]
                if error.get("type") == "missing"
                else _("请求内容应为 JSON 对象，字段见接口文档。")
                if not loc
                else _("格式不正确。")
            )
            errors.setdefault(name, []).append(str(message))
        return api.create_response(
            request, {"detail": invalid_detail(), "errors": errors}, status=422
        )

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(
            request, {"detail": _("未找到，或您无权查看。"), "code": "not_found"}, status=404
        )

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(
            request, {"detail": _("您无权进行此操作。"), "code": "forbidden"}, status=403
        )

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, NinjaValidationError):
            # ninja wraps what its parser raises; the text rule's refusal (xinban/api/text.py)
            # is a 422 naming the field, like any other.
            return schema_validation_error(request, exc.__cause__)
        if isinstance(exc, ApiAuthError):
            body = {"detail": exc.message, "code": exc.code}
            response = api.create_response(request, body, status=exc.status_code)
            if exc.status_code == 401:
                response["WWW-Authenticate"] = f'Bearer error="invalid_token", code="{exc.code}"'
            return response
        if isinstance(exc, Throttled):
            wait = max(1, int(exc.wait or 1))
            body = {
                "detail": _("请求过于频繁，请在 %(seconds)s 秒后重试。") % {"seconds": wait},
                "code": "rate_limited",
            }
        elif isinstance(exc, AuthenticationError):
            body = {"detail": _("请先登录。"), "code": "not_authenticated"}
        elif isinstance(exc, CsrfFailed):
            body = {"detail": _("CSRF 校验失败，请刷新页面后重试。"), "code": "csrf_failed"}
        elif exc.status_code == 400:
            body = {"detail": _("请求内容不是有效的 JSON。"), "code": "bad_request"}
        else:
            body = {"detail": str(exc), "code": "http_error"}
        return api.create_response(request, body, status=exc.status_code)

    def suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        # e.g. a body over DATA_UPLOAD_MAX_MEMORY_SIZE; Django would answer with an HTML 400.
        if isinstance(exc, RequestDataTooBig):
            body = {"detail": _("请求内容过大。"), "code": "request_too_large"}
            return api.create_response(request, body, status=413)
        return api.create_response(
            request, {"detail": _("请求无效。"), "code": "bad_request"}, status=400
        )

    def bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        # e.g. a part header over Django's limit: a file name of thousands of characters.
        body = {
            "detail": _("上传请求无法读取：文件名过长或格式不正确。请将文件名改短后重新上传。"),
            "code": "bad_multipart",
        }
        return api.create_response(request, body, status=400)

    def data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
        # The last line of defence: a value the schema let through but the database cannot
        # store (a character or a range PostgreSQL refuses). The transaction has rolled back.
        return api.create_response(
            request,
            {
                "detail": _("提交的内容含有无法保存的字符或超出范围的值，请检查后重试。"),
                "errors": {"__all__": [_("含有无法保存的字符或超出范围的值。")]},
            },
            status=422,
        )

    _on(api, ServiceError, service_error)
    _on(api, DataError, data_error)
    _on(api, InvalidInput, invalid_input)
    _on(api, DjangoValidationError, django_validation_error)
    _on(api, NinjaValidationError, schema_validation_error)
    _on(api, Http404, not_found)
    _on(api, PermissionDenied, forbidden)
    _on(api, HttpError, http_error)
    _on(api, SuspiciousOperation, suspicious)
    _on(api, MultiPartParserError, bad_multipart)


def _on(
    api: NinjaAPI, exc_class: type[E], handler: Callable[[HttpRequest, E], HttpResponse]
) -> None:
    # ninja types the handler's argument as "E | type[E]"; it always passes the instance.
    api.add_exception_handler(exc_class, handler)  # type: ignore[arg-type]
