"""The judge's role: where the judge serves (a recommending unit's panel or unit-stage
sheets; the association's expert panel or expert sheets). Registered by module name with
``xinban.core.roles`` (docs/architecture.md, "Extension points")."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from xinban.scoring.models import Judge, Stage


def judge_roles(user: Any) -> dict[str, Any]:
    judge = (
        Judge.objects.filter(user=user)
        .annotate(
            unit_panels_n=Count("unit_panels", distinct=True),
            expert_panels_n=Count("expert_panels", distinct=True),
            unit_sheets_n=Count("sheets", filter=Q(sheets__stage=Stage.UNIT), distinct=True),
            expert_sheets_n=Count("sheets", filter=Q(sheets__stage=Stage.EXPERT), distinct=True),
        )
        .values("id", "unit_panels_n", "expert_panels_n", "unit_sheets_n", "expert_sheets_n")
        .first()
    )
    return {
        "judge_id": judge["id"] if judge else None,
        "unit_judge": bool(judge and (judge["unit_panels_n"] or judge["unit_sheets_n"])),
        "expert": bool(judge and (judge["expert_panels_n"] or judge["expert_sheets_n"])),
    }


ROLES = judge_roles
