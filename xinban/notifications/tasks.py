"""The worker's periodic sending of the e-mail outbox (see xinban.notifications.delivery)."""

from __future__ import annotations

from xinban.notifications.delivery import send_outbox
from xinban.tasks.worker import periodic

periodic("notifications.send_outbox")(send_outbox)
