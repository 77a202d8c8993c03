"""The JSON API: the applicant's journey, the recommending units' work and the judges'
scoring, over the same services and forms as the pages.

OpenAPI at /api/openapi.json, interactive documentation at /api/docs (Swagger UI served
from ninja's bundled static files: no CDN).
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any

from ninja import NinjaAPI
from ninja.constants import NOT_SET
from ninja.operation import Operation

from xinban.api import routers
from xinban.api.auth import API_AUTH, TokenAuth
from xinban.api.errors import install_error_handlers
from xinban.api.scopes import EITHER, READ, SCOPES, SESSION_ONLY, UNMAPPED
from xinban.api.text import TextParser
from xinban.api.throttling import API_THROTTLES

API_VERSION = "1.0.0"

DESCRIPTION = (
    "上海市质量协会质量信得过班组建设活动平台的 JSON 接口，与网页使用相同的业务规则。\n\n"
    "**认证**：(1) API 令牌：请求头 `Authorization: Bearer <令牌>`，令牌在 `/api/tokens/` 页面"
    "创建（只显示一次），以令牌所属用户的身份和权限访问，并受令牌的权限范围限制；"
    "无需 CSRF。(2) 登录后的浏览器会话（Cookie），修改类请求须带 `X-CSRFToken` 请求头。\n\n"
    "**权限范围**：读取类请求需要 `read`；修改类请求需要各操作说明中列出的范围"
    "（如 `applications:write`、`units:write`、`judge:write`、`staff:write`），"
    "不具备时返回 403（code: insufficient_scope）。令牌无效、已撤销或已过期返回 401。\n\n"
    "**频率限制**：每个令牌或用户每个时间窗口（默认 60 秒）最多 600 次请求，匿名访问按 IP 120 次；"
    "超出返回 429（code: rate_limited）及 `Retry-After` 响应头（秒）。\n\n"
    "**错误**：未登录返回 401；无权查看的对象返回 404；可查看但无权修改返回 403；"
    "字段校验失败返回 422 `{detail, errors: {字段: [提示]}}`；"
    "业务规则拒绝返回 400/403/409 `{detail, code, field}`。"
)


def _error(description: str, component: str = "ErrorOut") -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def _document_generic_refusals(operation: dict[str, Any]) -> None:
    """Answers any operation may give, whatever its own code: 429 (rate limit); 401 and
    403 when it needs authentication (no or a bad token, a missing scope); 422 when
    a query parameter or the body does not fit the declared types; 404 when a path
    parameter does not (an id that is not a number names nothing); 400 for a body that is
    not JSON."""
    responses = operation["responses"]
    parameters = operation.get("parameters", [])
    responses.setdefault(429, _error("请求过于频繁（Retry-After 响应头给出秒数）"))
    if operation.get("security"):
        responses.setdefault(401, _error("未登录，或 API 令牌无效、已撤销、已过期"))
        responses.setdefault(403, _error("无权进行此操作，或令牌没有所需的权限范围"))
    if "requestBody" in operation or any(p.get("in") == "query" for p in parameters):
        responses.setdefault(422, _error("请求参数或内容格式不正确", "ValidationErrorOut"))
    if any(p.get("in") == "path" for p in parameters):
        responses.setdefault(404, _error("未找到，或您无权查看"))
    if "requestBody" in operation:
        responses.setdefault(400, _error("请求内容不是有效的 JSON"))


def _path_key(path: str) -> str:
    """``/units/{int:unit_id}/quota`` and ``/units/{unit_id}/quota`` alike."""
    return re.sub(r"\{(?:[^}:]+:)?([^}]+)\}", r"{\1}", path)


class XinbanAPI(NinjaAPI):
    """The OpenAPI document also says which token scope each operation needs."""

    def get_openapi_operation_id(self, operation: Operation) -> str:
        """Named after the router, not the file inside a router package
        (``xinban.api.routers.unit.report`` → ``xinban_api_routers_unit``): splitting a router
        into use cases keeps the operation ids, which are part of the contract."""
        module = operation.view_func.__module__
        router_module = re.sub(r"^(xinban\.api\.routers\.[^.]+)\..*$", r"\1", module)
        return f"{router_module}_{operation.view_func.__name__}".replace(".", "_")

    def token_scopes(self) -> dict[tuple[str, str], str]:
        """(METHOD, path inside the API) → the scope a token needs, as each operation
        declares it (``auth=scoped(...)``); reads without a declaration need ``read``."""
        found: dict[tuple[str, str], str] = {}
        for prefix, router in self._routers:
            for path, path_view in router.path_operations.items():
                for operation in path_view.operations:
                    callbacks = operation.auth_param
                    if callbacks is NOT_SET:
                        callbacks = self.auth
                    if not isinstance(callbacks, list | tuple):
                        callbacks = [callbacks]
                    tokens = [c for c in callbacks if isinstance(c, TokenAuth)]
                    for method in operation.methods:
                        if tokens:
                            key = (method.upper(), _path_key(prefix + path))
                            found[key] = tokens[0].needed_scope(method)
        return found

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        root = "/api"
        scopes = self.token_scopes()
        for path, operations in schema.get("paths", {}).items():
            inner = path[len(root) :] if path.startswith(root) else path
            for method, operation in operations.items():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                _document_generic_refusals(operation)
                if not operation.get("security"):
                    continue  # public: no token needed
                scope = scopes.get((method.upper(), _path_key(inner)), UNMAPPED)
                operation["x-token-scope"] = scope
                note = (
                    "仅限登录后的浏览器会话（须带 `X-CSRFToken`）：以 API 令牌请求一律返回 403"
                    "（code: session_required），令牌不能创建或撤销令牌。"
                    if scope == SESSION_ONLY
                    else "令牌权限范围："
                    + " 或 ".join(
                        f"`{part}`（{SCOPES.get(part, READ)}）" for part in scope.split(EITHER)
                    )
                )
                description = operation.get("description")
                operation["description"] = f"{description}\n\n{note}" if description else note
        return schema


api = XinbanAPI(
    title="质量信得过班组平台 API",
    version=API_VERSION,
    description=DESCRIPTION,
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=API_AUTH,
    throttle=API_THROTTLES,
    urls_namespace="api",
    parser=TextParser(),
)
install_error_handlers(api)


def router_modules() -> list[Any]:
    """Every module (or package) in ``xinban/api/routers/`` with a ``router``, by name: an
    area's operations are added by adding its router module, no list to edit
    (docs/architecture.md, "Extension points"). No two routers declare the same path
    (tests/api/test_routers.py), so the order only sets the document's order."""
    found = []
    for info in sorted(pkgutil.iter_modules(routers.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{routers.__name__}.{info.name}")
        if hasattr(module, "router"):
            found.append(module)
    return found


for _module in router_modules():
    api.add_router("", _module.router)
