"""活动与会议 (JSON)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["活动与会议"])
