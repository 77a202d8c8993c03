"""Existing applications get their team: one per organisation and normalised team name
(docs/rules.md, "Each team's history"). The normalisation is frozen here as it was."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.db import migrations


def _key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", name).split()).casefold()


def forwards(apps: Any, schema_editor: Any) -> None:
    Application = apps.get_model("applications", "Application")
    Team = apps.get_model("applications", "Team")
    teams: dict[tuple[int, str], Any] = {}
    rows = Application.objects.filter(team__isnull=True).order_by(
        "organisation_id", "-campaign__year", "-id"
    )
    for app in rows.only("id", "organisation_id", "team_name").iterator():
        key = (app.organisation_id, _key(app.team_name))
        team = teams.get(key)
        if team is None:
            # The newest application's name is the team's name.
            team = Team.objects.create(organisation_id=app.organisation_id, name=app.team_name)
            teams[key] = team
        Application.objects.filter(pk=app.pk).update(team=team)


class Migration(migrations.Migration):
    dependencies = [("applications", "0004_team_across_years")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
