"""在线学习 (JSON)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["在线学习"])
