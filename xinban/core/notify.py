"""E-mail notifications, sent only after the surrounding transaction commits.

Templates live in templates/notifications/<name>.txt; the first line is the subject.
(The notification centre with an outbox and retries replaces the transport later; the
call sites stay the same.)"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger("xinban.notify")


def notify_after_commit(*, to: Iterable[str], template: str, context: dict[str, Any]) -> None:
    recipients = sorted({address for address in to if address})
    if not recipients:
        return

    def send() -> None:
        with translation.override("zh-hans"):
            text = render_to_string(f"notifications/{template}.txt", context)
        subject, _sep, body = text.strip().partition("\n")
        try:
            send_mail(subject.strip(), body.strip() + "\n", None, recipients)
        except Exception:  # noqa: BLE001 - a mail server hiccup must not break the request
            logger.exception("sending %s to %s failed", template, recipients)

    transaction.on_commit(send)


def organisation_emails(organisation_id: int) -> list[str]:
    from xinban.organisations.models import OrganisationMembership

    return list(
        OrganisationMembership.objects.filter(organisation_id=organisation_id).values_list(
            "user__email", flat=True
        )
    )
