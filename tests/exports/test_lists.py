"""More exports: a judge's sheets, lists opened from the dashboard, the generic helper
and the API. Every file is read back with openpyxl."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils.translation import gettext_lazy

from tests.dashboards.conftest import World
from tests.exports.kit import client_for, rows_of
from tests.recommendation.conftest import make_judge
from xinban.applications.models import Application
from xinban.exports.writer import Column, xlsx_response
from xinban.scoring.models import ScoreSheet, Stage
from xinban.tasks.models import Task
from xinban.tasks.testing import drain

pytestmark = pytest.mark.django_db


def test_a_judge_exports_their_own_sheets_only(world: World, unit_x: Any) -> None:
    mine = ScoreSheet.objects.filter(judge__name="评委丁")
    other = make_judge("other-judge@example.com", "评委戊", unit_x)
    ScoreSheet.objects.create(application=world.x[3], judge=other, stage=Stage.UNIT)
    judge_user = mine.first().judge.user  # type: ignore[union-attr]
    rows = rows_of(client_for(judge_user).get(reverse("exports:download", args=["judge_sheets"])))
    assert rows[0][:3] == ("编号", "申报单位", "班组名称")
    assert sorted(r[0] for r in rows[1:]) == sorted(s.application.number for s in mine)
    assert {r[5] for r in rows[1:]} == {"已提交", "评分中", "待评分"}
    other_rows = rows_of(
        client_for(other.user).get(reverse("exports:download", args=["judge_sheets"]))
    )
    assert [r[0] for r in other_rows[1:]] == [world.x[3].number]


def test_a_list_opened_from_the_dashboard_exports_the_same_rows(
    world: World, staff: Any, unit_x: Any, unit_x_admin: Any, unit_y_admin: Any
) -> None:
    client = client_for(staff)
    params = {"year": world.campaign.year, "domain": world.ids["manufacturing"]}
    params["stage"] = "recommended"
    page = client.get(reverse("applications:staff_list"), params)
    listed = {row["number"] for row in page.context["page"].object_list}
    assert listed == {world.x[0].number, world.x[1].number, world.y[0].number}
    rows = rows_of(client.get(reverse("exports:download", args=["applications"]), params))
    assert {r[0] for r in rows[1:]} == listed
    # Last year's list, by year.
    rows = rows_of(
        client.get(reverse("exports:download", args=["applications"]), {"year": world.past.year})
    )
    assert {r[0] for r in rows[1:]} == {a.number for a in world.past_apps}
    # A unit's inbox export with the dashboard's filters: its own rows only.
    unit_params = {"unit_pk": unit_x.pk, "stage": "recommended"}
    rows = rows_of(
        client_for(unit_x_admin).get(reverse("exports:download", args=["unit_inbox"]), unit_params)
    )
    assert {r[0] for r in rows[1:]} == {a.number for a in world.x[:3]}
    assert (
        client_for(unit_y_admin)
        .get(reverse("exports:download", args=["unit_inbox"]), unit_params)
        .status_code
        == 404
    )


def test_the_generic_helper_streams_any_queryset(world: World) -> None:
    world.x[0].team_name = "=1+2班"
    world.x[0].save()
    response = xlsx_response(
        Application.objects.filter(pk__in=[a.pk for a in world.x]).order_by("number"),
        [
            Column(gettext_lazy("编号"), "number"),
            Column(gettext_lazy("班组名称"), "team_name"),
            Column(gettext_lazy("人数"), "team_size", lambda n: n * 2),
        ],
        filename="申报清单.xlsx",
    )
    assert "filename*=utf-8''%E7%94%B3%E6%8A%A5" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = rows_of(response)
    assert rows[0] == ("编号", "班组名称", "人数")
    assert rows[1] == (world.x[0].number, "'=1+2班", 24)
    assert len(rows) == 1 + len(world.x)


def test_api_exports(world: World, staff: Any, unit_x_admin: Any, settings: Any) -> None:
    client = client_for(staff)
    rows = rows_of(client.get("/api/exports/applications.xlsx", {"stage": "selected"}))
    assert {r[0] for r in rows[1:]} == {world.x[0].number, world.y[0].number}
    assert client_for(unit_x_admin).get("/api/exports/applications.xlsx").status_code == 403
    assert client.get("/api/exports/nothing.xlsx").status_code == 404
    settings.XINBAN_EXPORT_BACKGROUND_ROWS = 2
    refused = client.get("/api/exports/applications.xlsx")
    assert refused.status_code == 409 and refused.json()["code"] == "export_too_large"
    started = client.post("/api/exports/applications")
    assert started.status_code == 202
    body = started.json()
    assert body["rows"] == 7 and body["status_url"] == f"/api/tasks/{body['task_id']}"
    drain()
    status = client.get(body["status_url"]).json()
    assert status["state"] == "done" and status["download"]
    task = Task.objects.get(pk=body["task_id"])
    assert task.result_name.startswith("全部申报-")
    assert len(rows_of(client.get(status["download"]))) == 8  # staff also see drafts


def test_staff_export_the_outbox_and_the_task_list_with_their_filters(
    staff: Any, applicant_a: Any
) -> None:
    from xinban.notifications.models import OutboxEmail, OutboxState

    OutboxEmail.objects.create(
        recipient="a@example.com", template="t", subject="=HYPERLINK(1)", body="b"
    )
    OutboxEmail.objects.create(
        recipient="b@example.com",
        template="t",
        subject="已发送",
        body="b",
        state=OutboxState.SENT,
    )
    Task.objects.create(name="exports.xlsx", created_by=staff, last_error="@SUM(1)")
    client = client_for(staff)
    outbox = rows_of(client.get(reverse("exports:download", args=["outbox"])))
    assert len(outbox) == 3  # the header and both e-mails
    assert {row[0] for row in outbox[1:]} == {"a@example.com", "b@example.com"}
    assert "'=HYPERLINK(1)" in {row[2] for row in outbox[1:]}  # neutralised
    sent = rows_of(client.get(reverse("exports:download", args=["outbox"]), {"state": "sent"}))
    assert [row[0] for row in sent[1:]] == ["b@example.com"]
    tasks = rows_of(client.get(reverse("exports:download", args=["tasks"])))
    assert [row[0] for row in tasks[1:]] == ["exports.xlsx"] and tasks[1][8] == "'@SUM(1)"
    for kind in ("outbox", "tasks"):
        refused = client_for(applicant_a).get(reverse("exports:download", args=[kind]))
        assert refused.status_code == 403
