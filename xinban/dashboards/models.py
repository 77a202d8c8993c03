"""The dashboards' summary rows (docs/benchmarks.md, "Dashboards: summary rows")."""

from __future__ import annotations

from django.db import models


class Tally(models.Model):
    """How many applications of one (campaign, recommending unit) are in ``state`` and
    ``listed`` (on a recommendation list that is not voided: the one definition in
    ``xinban.recommendation.counts``), overall (``dimension`` "") or per value of one
    dimension (``team_type``, ``domain``, ``nature``, ``industry``: the ids; ``None`` when
    the application's registration names none). Only applications that count as
    submitted (neither draft nor withdrawn) are tallied. Unit 0 holds the roll-up over
    every unit (what the association's dashboard reads).

    Maintained in the same transaction as the change by :mod:`xinban.dashboards.tallies`
    (signals on the rows the counts depend on); rebuilt from scratch by
    ``manage.py dashboard_tallies``. Plain integers, no foreign keys: a row outlives
    nothing it refers to in any way that matters (a deleted campaign's rows are never
    read) and deleting a campaign or unit never trips over them."""

    campaign_id = models.IntegerField()
    unit_id = models.IntegerField()
    dimension = models.CharField(max_length=12, blank=True)
    value = models.IntegerField(null=True)
    state = models.CharField(max_length=20)
    listed = models.BooleanField()
    n = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["campaign_id", "unit_id", "dimension"]),
            models.Index(fields=["unit_id", "dimension", "campaign_id"]),
            # A year's overall row of every unit (the chart by unit, the units' progress).
            models.Index(fields=["campaign_id", "dimension", "unit_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.unit_id} {self.dimension}={self.value} {self.state}"


class JudgeTally(models.Model):
    """How many score sheets one judge holds in one campaign, per stage and — for the
    recommending units' own review — per unit (the application's recommending unit;
    ``None`` for the association's experts): ``total``, ``done`` (submitted) and
    ``drafts``. The dashboards' judges' progress reads these few rows instead of
    grouping every sheet of the year.

    Kept in step in the same transaction by :mod:`xinban.dashboards.judge_tallies`
    (signals on sheets and applications); rebuilt or checked by ``manage.py
    dashboard_tallies``."""

    campaign_id = models.IntegerField()
    judge = models.ForeignKey("scoring.Judge", on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=10)
    unit_id = models.IntegerField(null=True)
    total = models.IntegerField()
    done = models.IntegerField()
    drafts = models.IntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["campaign_id", "stage", "unit_id"]),
            models.Index(fields=["judge", "campaign_id"]),
        ]

    def __str__(self) -> str:
        where = f"{self.campaign_id}/{self.judge_id} {self.stage} {self.unit_id}"
        return f"{where}: {self.done}/{self.total}"
