"""Reads over score sheets shared by the units' and the experts' rankings."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import BigIntegerField, Count, F, Max, Min, QuerySet, Sum, Value
from django.db.models.functions import Cast, Round

from xinban.scoring.aggregation import TotalsSummary
from xinban.scoring.models import ScoreSheet

#: Sheet totals are stored in thousandths (ScoreSheet.total, 3 decimal places).
TOTAL_SCALE = 3


def total_summaries(sheets: QuerySet[ScoreSheet]) -> dict[int, TotalsSummary]:
    """Per application, the count, sum, lowest, highest and sum of squares of the sheets'
    totals as integer thousandths — one GROUP BY in the database, one row per application
    instead of one per sheet (docs/benchmarks.md). Exact on every database: each total is
    turned into an integer before anything is added. Sheets without a total are left out."""
    thousandths = Cast(
        Round(F("total") * Value(Decimal(10**TOTAL_SCALE))), output_field=BigIntegerField()
    )
    rows = (
        sheets.filter(total__isnull=False)
        .order_by()
        .values("application_id")
        .annotate(
            # (names of their own: "total" would shadow the field F("total") reads)
            sheets_n=Count("pk"),
            sheets_sum=Sum(thousandths),
            sheets_low=Min(thousandths),
            sheets_high=Max(thousandths),
            sheets_squares=Sum(thousandths * thousandths, output_field=BigIntegerField()),
        )
        .values_list(
            "application_id",
            "sheets_n",
            "sheets_sum",
            "sheets_low",
            "sheets_high",
            "sheets_squares",
        )
    )
    return {
        application_id: TotalsSummary(
            n=int(n), total=int(total), low=int(low), high=int(high), squares=int(squares)
        )
        for application_id, n, total, low, high, squares in rows
    }
