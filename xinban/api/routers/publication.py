"""结果发布与证书 (JSON)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["结果发布与证书"])
