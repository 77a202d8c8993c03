"""The registry of audit actions (docs/architecture.md, "The audit log").

Every area declares the actions it writes in ``xinban/<area>/audit_actions.py`` as
``ACTIONS = {"<name>": _("<sentence>")}``; the sentence reads between the actor and the
object ("张三 提交了申报 2026-0001 …"). ``audit_record`` refuses a name that no area
declared, so the audit page can say every entry in words and filter by action.
"""

from __future__ import annotations

from functools import cache

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from xinban.core.areas import area_modules


class UnknownAuditAction(LookupError):
    pass


@cache
def registered_actions() -> dict[str, str | Promise]:
    """Every declared action with its sentence, in INSTALLED_APPS order and then by name."""
    found: dict[str, str | Promise] = {}
    for module in area_modules("audit_actions"):
        for name, sentence in module.ACTIONS.items():
            if name in found:
                raise ValueError(f"audit action {name!r} is declared twice ({module.__name__})")
            found[name] = sentence
    return found


def require_registered(action: str) -> None:
    if action not in registered_actions():
        raise UnknownAuditAction(
            f"audit action {action!r} is not declared in any xinban/<area>/audit_actions.py"
        )


def action_sentence(action: str) -> str:
    """The action in words; an action of an older release that is no longer declared
    reads as its name."""
    sentence = registered_actions().get(action)
    return str(sentence) if sentence is not None else action


CHANNEL_PAGE = "page"
CHANNEL_API = "api"
CHANNEL_COMMAND = "command"


def channel_label(channel: str) -> str:
    """How an entry's channel reads on the audit page."""
    if channel == CHANNEL_PAGE:
        return _("网页")
    if channel == CHANNEL_API:
        return _("API（浏览器会话）")
    if channel.startswith("api-token:"):
        return _("API 令牌 #%(id)s") % {"id": channel.removeprefix("api-token:")}
    if channel.startswith("task:"):
        return _("后台任务 %(task)s") % {"task": channel.removeprefix("task:")}
    if channel == CHANNEL_COMMAND:
        return _("命令或系统")
    return channel
