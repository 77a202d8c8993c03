"""What a token may do: its scopes, and the scope each API operation needs.

A token acts as its owner, with exactly the owner's rights; its scopes only take rights
away. Each operation declares the scope it needs where it is defined, in its router
decorator (``auth=scoped("staff:write")``, ``xinban.api.auth``); a read without a
declaration needs ``read``, a write without one needs a scope no token has.
``tests/api/test_tokens.py`` checks that every write declares one and that no operation
that checks a staff right is reachable with a narrower scope (docs/api.md, "Scopes").
"""

from __future__ import annotations

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

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def scope_granted(needed: str, granted: list[str]) -> bool:
    """Whether a token with the ``granted`` scopes may make a request needing ``needed``
    (one scope, or either of ``a|b``)."""
    return any(scope in granted for scope in needed.split(EITHER))


def scope_label(scope: str) -> str:
    if EITHER in scope:
        return str(_("或")).join(scope_label(part) for part in scope.split(EITHER))
    return f"{SCOPES[scope]}（{scope}）" if scope in SCOPES else scope
