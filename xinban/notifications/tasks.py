"""The worker's periodic sending of the e-mail outbox (see xinban.core.notify)."""

from __future__ import annotations

from xinban.core.notify import send_outbox
from xinban.tasks.worker import periodic

periodic("notifications.send_outbox")(send_outbox)
