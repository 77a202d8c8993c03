"""The association's evaluation (JSON): formal review, expert assignment and scoring,
decisions, presentation videos, guiding-unit review."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["成果评价"])
