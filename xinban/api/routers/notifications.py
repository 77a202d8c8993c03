"""通知中心 (JSON)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["通知中心"])
