"""The JSON API: the applicant's journey, the recommending units' work and the judges'
scoring, over the same services and forms as the pages.

OpenAPI at /api/openapi.json, interactive documentation at /api/docs (Swagger UI served
from ninja's bundled static files: no CDN).
"""

from __future__ import annotations

from ninja import NinjaAPI

from xinban.api.auth import API_AUTH
from xinban.api.errors import install_error_handlers
from xinban.api.routers import (
    account,
    application,
    campaign,
    dashboards,
    evaluation,
    events,
    exports,
    imports,
    judge,
    learning,
    notifications,
    organisation,
    publication,
    reports,
    tasks,
    unit,
)

API_VERSION = "1.0.0"

api = NinjaAPI(
    title="质量信得过班组平台 API",
    version=API_VERSION,
    description=(
        "上海市质量协会质量信得过班组建设活动平台的 JSON 接口，与网页使用相同的业务规则。\n\n"
        "认证：登录后的浏览器会话（Cookie），修改类请求须带 `X-CSRFToken` 请求头。"
        "未登录返回 401；无权查看的对象返回 404；可查看但无权修改返回 403；"
        "字段校验失败返回 422 `{detail, errors: {字段: [提示]}}`；"
        "业务规则拒绝返回 400/403/409 `{detail, code, field}`。"
    ),
    openapi_url="/openapi.json",
    docs_url="/docs",
    auth=API_AUTH,
    urls_namespace="api",
)
install_error_handlers(api)

api.add_router("", account.router)
api.add_router("", campaign.router)
api.add_router("", organisation.router)
api.add_router("", application.router)
api.add_router("", unit.router)
api.add_router("", judge.router)
api.add_router("", evaluation.router)
api.add_router("", notifications.router)
api.add_router("", publication.router)
api.add_router("", events.router)
api.add_router("", learning.router)
api.add_router("", reports.router)
api.add_router("", imports.router)
api.add_router("", dashboards.router)
api.add_router("", exports.router)
api.add_router("", tasks.router)
