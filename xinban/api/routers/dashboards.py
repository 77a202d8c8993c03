"""统计看板 (JSON)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["统计看板"])
