"""历年数据导入 (JSON)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["历年数据导入"])
