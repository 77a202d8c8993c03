"""统计表与工作总结 (JSON)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["统计表与工作总结"])
