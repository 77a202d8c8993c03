"""Excel 导出 (JSON)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["Excel 导出"])
