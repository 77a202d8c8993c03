"""The notification centre's lists as Excel (``/exports/<kind>.xlsx``, see xinban.exports;
registered with the exports app when Django starts), with the pages' own selectors and
rights:

- ``notifications`` (通知, notifications:inbox): the user's own notifications, latest
  first, every page of them; nobody else's;
- ``email_templates`` (邮件模板, notifications:templates): staff (others 403), every
  event's template with its default subject and whether it was edited;
- ``outbox`` (发件箱, notifications:outbox): staff (others 403), the outbox with its state
  and recipient filters."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xinban.accounts.models import User
from xinban.exports.registry import ExportSpec, Table, local_time, register, require_staff
from xinban.notifications import selectors
from xinban.notifications.models import EmailTemplate, OutboxState
from xinban.notifications.rendering import default_text, event_keys, split


def _inbox(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the inbox: the user's own notifications (no filters; the page's pages)."""
    del params
    return selectors.notifications_of(user)


def _templates(user: User, params: Mapping[str, str]) -> Table:
    """As 邮件模板: staff (others 403), every event in the page's order."""
    del params
    require_staff(user)
    keys = event_keys()
    edited = dict(EmailTemplate.objects.values_list("key", "updated_at"))

    def rows() -> Iterator[list[Any]]:
        for key in keys:
            subject, _body = split(default_text(key))
            yield [
                key,
                strip_tags(subject),
                key in edited,
                local_time(edited.get(key)),
            ]

    return Table(count=len(keys), rows=rows)


register(
    ExportSpec(
        name="notifications",
        title=gettext_lazy("通知"),
        headers=lambda: [_("时间"), _("标题"), _("内容"), _("已读时间")],
        queryset=_inbox,
        fields=("created_at", "title", "body", "read_at"),
        transforms={0: local_time, 3: local_time},
    )
)
register(
    ExportSpec(
        name="email_templates",
        title=gettext_lazy("邮件模板"),
        headers=lambda: [_("事件"), _("默认主题"), _("已修改"), _("修改时间")],
        table=_templates,
    )
)


def _outbox(user: User, params: Mapping[str, str]) -> QuerySet[Any]:
    """As the outbox page (notifications:outbox), with its state and recipient filters."""
    require_staff(user)
    state = params.get("state", "")
    known = {*OutboxState.values, selectors.UNKNOWN}
    return selectors.outbox(
        state=state if state in known else "", q=params.get("q", "").strip()[:100]
    )


def _outbox_state_label(value: str) -> str:
    return str(dict(OutboxState.choices).get(value, value))


register(
    ExportSpec(
        name="outbox",
        title=gettext_lazy("发件箱"),
        headers=lambda: [
            _("收件人"),
            _("事件"),
            _("主题"),
            _("状态"),
            _("尝试次数"),
            _("创建时间"),
            _("发送时间"),
            _("最近错误"),
        ],
        queryset=_outbox,
        fields=(
            "recipient",
            "template",
            "subject",
            "state",
            "attempts",
            "created_at",
            "sent_at",
            "last_error",
        ),
        transforms={3: _outbox_state_label, 5: local_time, 6: local_time},
    )
)
