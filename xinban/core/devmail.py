"""The development mailbox (README, "Demo logins"): under DEBUG every e-mail the platform
sends is also kept as an .eml file in ``XINBAN_DEV_MAIL_DIR`` (``var/dev-mail``) and can be
read in the browser at ``/dev/mail/``, so a newcomer on ``make run`` can follow the sign-up
verification link without an SMTP server. The view answers 404 without DEBUG; the backend
is installed only with DEBUG (config/settings.py)."""

from __future__ import annotations

import email
import email.policy
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage as ParsedMessage
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage
from django.utils import timezone

# A name in the mailbox: a timestamp and a random id, nothing a visitor could steer.
_NAME_CHARS = set("0123456789abcdef-")


def mailbox_dir() -> Path:
    return Path(settings.XINBAN_DEV_MAIL_DIR)


class DevMailboxBackend(BaseEmailBackend):
    """Keeps a copy of every message, then hands it to the configured backend
    (``XINBAN_DEV_MAIL_INNER_BACKEND``, the console by default)."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.inner = get_connection(
            settings.XINBAN_DEV_MAIL_INNER_BACKEND, fail_silently=fail_silently, **kwargs
        )

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        folder = mailbox_dir()
        folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
            name = f"{stamp}-{uuid.uuid4().hex[:12]}"
            (folder / f"{name}.eml").write_bytes(message.message().as_bytes())
        return int(self.inner.send_messages(email_messages) or 0)


@dataclass(frozen=True)
class DevMail:
    name: str
    subject: str
    to: str
    sender: str
    sent_at: datetime
    body: str


def _read(path: Path) -> DevMail:
    parsed = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(parsed, ParsedMessage)
    part = parsed.get_body(preferencelist=("plain", "html"))
    body = part.get_content() if part is not None else ""
    stamp = path.stem.split("-", 1)[0]
    sent_at = datetime.strptime(stamp, "%Y%m%d%H%M%S%f").replace(tzinfo=UTC)
    return DevMail(
        name=path.stem,
        subject=str(parsed.get("Subject", "")),
        to=str(parsed.get("To", "")),
        sender=str(parsed.get("From", "")),
        sent_at=sent_at,
        body=str(body),
    )


def dev_mails(limit: int = 200) -> list[DevMail]:
    """The newest first."""
    folder = mailbox_dir()
    if not folder.is_dir():
        return []
    paths = sorted(folder.glob("*.eml"), reverse=True)[:limit]
    return [_read(path) for path in paths]


def dev_mail(name: str) -> DevMail | None:
    if not name or not set(name) <= _NAME_CHARS:
        return None
    path = mailbox_dir() / f"{name}.eml"
    return _read(path) if path.is_file() else None
