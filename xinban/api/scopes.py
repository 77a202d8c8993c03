"""What a token may do: its scopes, and the scope each API operation needs.

A token acts as its owner, with exactly the owner's rights; its scopes only take rights
away. Reads (GET, HEAD) need ``read``; every write needs the scope of its area, found by
the operation's path below. A write whose path matches no rule needs a scope no token
has (``tests/api/test_tokens.py`` checks that every write operation of the OpenAPI
document is mapped).
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

READ = "read"

# scope → what it allows (shown on the token page and in the OpenAPI document).
SCOPES: dict[str, Any] = {
    READ: _("读取：查看本人有权查看的一切（GET 请求）"),
    "applications:write": _("申报：登记单位、报名表（附件2）、申报表（附件3）、附件、提交与撤回"),
    "units:write": _("推荐单位：退回、现场评审、评委与分配、推荐名单、推荐表（附件5）、邀请"),
    "judge:write": _("评审：评委与专家的评分、回避声明"),
    "guide:write": _("指导单位：审核典型经验候选"),
    "staff:write": _("质协工作人员：活动年度、名额、形式审查、专家分配、评价结果、发布、发件箱"),
    "me:write": _("个人事务：接受邀请、通知已读、活动报名、在线学习"),
}

UNMAPPED = "unmapped"
# A rule may accept either of two scopes ("a|b"): an event's organiser is association
# staff (staff:write) or, for its own 发表会, a recommending unit's admin (units:write).
EITHER = "|"
ORGANISER = f"staff:write{EITHER}units:write"
# Writes no token may make, whatever its scopes: creating and revoking API tokens (a token
# must not mint or widen tokens). Only a logged-in browser session may; a bearer request
# answers 403 ``session_required``.
SESSION_ONLY = "session"

# (path pattern after /api, scope) for writes, first match wins.
WRITE_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), scope)
    for pattern, scope in (
        (r"^/tokens(/|$)", SESSION_ONLY),
        (r"^/units/[^/]+/(report/void|quota)$", "staff:write"),
        (r"^/events/[^/]+/signup(/cancel)?$", "me:write"),
        (r"^/events(/|$)", ORGANISER),
        (r"^/learning/courses/[^/]+/(enrol|lessons/[^/]+/done)$", "me:write"),
        (r"^/learning(/|$)", "staff:write"),
        (r"^/tasks/[^/]+/retry$", "staff:write"),
        (r"^/notifications/templates(/|$)", "staff:write"),
        (r"^/me/tokens(/|$)", "me:write"),
        (r"^/units/", "units:write"),
        (r"^/reports/", "units:write"),
        (r"^/invitations/", "me:write"),
        (r"^/(organisations|organisation|registration)(/|$)", "applications:write"),
        (r"^/(applications|my)(/|$)", "applications:write"),
        (r"^/(judge|expert)/", "judge:write"),
        (r"^/guiding/", "guide:write"),
        (r"^/notifications/outbox(/|$)", "staff:write"),
        (r"^/notifications(/|$)", "me:write"),
        (r"^/(exports|dashboards|tasks)(/|$)", READ),
        (r"^/(evaluation|publication|imports|campaigns|staff)(/|$)", "staff:write"),
    )
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def scope_for(method: str, api_path: str) -> str:
    """The scope a request needs. ``api_path`` is the path after the API's prefix
    (``/applications/3/submit``)."""
    if method.upper() in SAFE_METHODS:
        return READ
    for pattern, scope in WRITE_RULES:
        if pattern.search(api_path):
            return scope
    return UNMAPPED


def scope_granted(needed: str, granted: list[str]) -> bool:
    """Whether a token with the ``granted`` scopes may make a request needing ``needed``
    (one scope, or either of ``a|b``)."""
    return any(scope in granted for scope in needed.split(EITHER))


def scope_label(scope: str) -> str:
    if EITHER in scope:
        return str(_("或")).join(scope_label(part) for part in scope.split(EITHER))
    return f"{SCOPES[scope]}（{scope}）" if scope in SCOPES else scope
