"""附件6 发表会时间 and 附件7 events' 时间 become date columns (rule 11, docs/rules.md).

Existing text is converted by the same reading as the forms (``core.validators.
date_of_text``: "2025年6月18日", "2025-06-18", "2025/6/18", "2025.6.18"); text that is not
one date ("2025年5月", "春季") leaves the date empty and is kept as it was in
``session_time_legacy`` / ``held_on_legacy``, which the documents and the API print in
its place until the unit enters a date. Reversible: going back writes the date as
"2025年6月18日", or the kept text."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.db import migrations, models

# A copy of core.validators.DATE_TEXT_RE: a migration does not follow later code changes.
DATE_TEXT_RE = re.compile(
    r"^\s*(\d{4})\s*(?:年|-|/|\.)\s*(\d{1,2})\s*(?:月|-|/|\.)\s*(\d{1,2})\s*日?\s*$"
)


def _date(text: str) -> date | None:
    match = DATE_TEXT_RE.fullmatch(text or "")
    if match is None:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _text(when: date | None, legacy: str) -> str:
    return legacy if when is None else f"{when.year}年{when.month}月{when.day}日"


def forwards(apps: Any, schema_editor: Any) -> None:
    StatisticsReport = apps.get_model("reports", "StatisticsReport")
    SummaryEvent = apps.get_model("reports", "SummaryEvent")
    for report in StatisticsReport.objects.exclude(session_time="").only("pk", "session_time"):
        when = _date(report.session_time)
        StatisticsReport.objects.filter(pk=report.pk).update(
            session_time_date=when,
            session_time_legacy="" if when is not None else report.session_time.strip()[:60],
        )
    for event in SummaryEvent.objects.only("pk", "held_on"):
        when = _date(event.held_on)
        SummaryEvent.objects.filter(pk=event.pk).update(
            held_on_date=when,
            held_on_legacy="" if when is not None else event.held_on.strip()[:40],
        )


def backwards(apps: Any, schema_editor: Any) -> None:
    StatisticsReport = apps.get_model("reports", "StatisticsReport")
    SummaryEvent = apps.get_model("reports", "SummaryEvent")
    for report in StatisticsReport.objects.only("pk", "session_time_date", "session_time_legacy"):
        StatisticsReport.objects.filter(pk=report.pk).update(
            session_time=_text(report.session_time_date, report.session_time_legacy)
        )
    for event in SummaryEvent.objects.only("pk", "held_on_date", "held_on_legacy"):
        SummaryEvent.objects.filter(pk=event.pk).update(
            held_on=_text(event.held_on_date, event.held_on_legacy)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_statistics_stamped_scan"),
    ]

    operations = [
        migrations.AddField(
            model_name="statisticsreport",
            name="session_time_date",
            field=models.DateField(blank=True, null=True, verbose_name="发表会时间"),
        ),
        migrations.AddField(
            model_name="statisticsreport",
            name="session_time_legacy",
            field=models.CharField(blank=True, editable=False, max_length=60),
        ),
        migrations.AddField(
            model_name="summaryevent",
            name="held_on_date",
            field=models.DateField(null=True, verbose_name="时间"),
        ),
        migrations.AddField(
            model_name="summaryevent",
            name="held_on_legacy",
            field=models.CharField(blank=True, editable=False, max_length=40),
        ),
        migrations.RunPython(forwards, backwards),
        # The text columns get a default first, so that going back re-adds them on rows.
        migrations.AlterField(
            model_name="statisticsreport",
            name="session_time",
            field=models.CharField(blank=True, default="", max_length=60),
        ),
        migrations.AlterField(
            model_name="summaryevent",
            name="held_on",
            field=models.CharField(default="", max_length=40),
        ),
        migrations.RemoveField(model_name="statisticsreport", name="session_time"),
        migrations.RenameField(
            model_name="statisticsreport", old_name="session_time_date", new_name="session_time"
        ),
        migrations.RemoveField(model_name="summaryevent", name="held_on"),
        migrations.RenameField(
            model_name="summaryevent", old_name="held_on_date", new_name="held_on"
        ),
    ]
