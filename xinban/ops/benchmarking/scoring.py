"""The scored sheets the ranking studies measure on (``recommendation.bench``'s unit ranking,
``evaluation.bench``'s expert ranking): a panel of judges, the stage's rubric, and sheets
with a score for every criterion, written with ``bulk_create``."""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from xinban.campaigns.models import Campaign
from xinban.scoring import aggregation
from xinban.scoring.models import Criterion, CriterionScore, Judge, ScoreSheet
from xinban.scoring.services import engine_criteria, rubric_for


def bench_judges(
    count: int, *, name: str, tgq: str, address: str, email: str, mobile: str
) -> list[Judge]:
    """``count`` judges ``{name}1``…, numbered into their TGQ number, e-mail and mobile."""
    return Judge.objects.bulk_create(
        [
            Judge(
                name=f"{name}{i}",
                employer="上海质量管理科学研究院",
                tgq_number=f"{tgq}{i:04d}",
                address=address,
                email=f"{email}{i}@bench.invalid",
                mobile=f"{mobile}{i:04d}",
            )
            for i in range(1, count + 1)
        ]
    )


class ScoredSheets:
    """Submitted sheets on the campaign's rubric of ``stage``: :meth:`add` draws a score
    for every criterion around an application's ``quality`` (totals as ``sheet_save``
    computes them), :meth:`save` writes the sheets and their scores."""

    def __init__(self, campaign: Campaign, stage: str, rng: random.Random) -> None:
        rubric = rubric_for(campaign=campaign, stage=stage)
        self.criteria: list[Criterion] = list(rubric.criteria.all())
        self.engine = engine_criteria(rubric)
        self.rng = rng
        self.sheets: list[ScoreSheet] = []
        self.points: list[dict[int, Decimal]] = []

    def add(self, quality: float, **fields: Any) -> None:
        rng = self.rng
        values = {
            c.pk: (
                c.max_points * Decimal(f"{min(1.0, max(0.3, quality + rng.gauss(0, 0.06))):.3f}")
            ).quantize(Decimal("0.1"))
            for c in self.criteria
        }
        self.sheets.append(
            ScoreSheet(
                total=aggregation.weighted_total(
                    {str(k): v for k, v in values.items()}, self.engine
                ),
                **fields,
            )
        )
        self.points.append(values)

    def save(self) -> None:
        ScoreSheet.objects.bulk_create(self.sheets, batch_size=1000)
        CriterionScore.objects.bulk_create(
            [
                CriterionScore(sheet=sheet, criterion_id=criterion_id, points=value)
                for sheet, values in zip(self.sheets, self.points, strict=True)
                for criterion_id, value in values.items()
            ],
            batch_size=5000,
        )
        self.sheets, self.points = [], []
