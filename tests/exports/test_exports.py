"""Excel exports: exactly the rows the user may see, formulas neutralised, large lists as
a background task."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.recommendation.factories import make_application, make_organisation
from xinban.tasks.models import Task
from xinban.tasks.testing import drain

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def rows_of(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


@pytest.fixture
def world(campaign: Any, unit_x: Any, unit_y: Any) -> dict[str, Any]:
    evil = make_organisation('=HYPERLINK("http://evil","点我")')
    x = [
        make_application(
            organisation=make_organisation(f"上海X{n}有限公司"),
            unit=unit_x,
            campaign=campaign,
            state="submitted",
            team_name=f"X{n}班",
        )
        for n in range(3)
    ]
    x.append(
        make_application(
            organisation=evil,
            unit=unit_x,
            campaign=campaign,
            state="submitted",
            team_name="@SUM(1)班",
        )
    )
    y = [
        make_application(
            organisation=make_organisation(f"上海Y{n}有限公司"),
            unit=unit_y,
            campaign=campaign,
            state="submitted",
            team_name=f"Y{n}班",
        )
        for n in range(2)
    ]
    return {"x": x, "y": y}


def test_each_user_gets_exactly_what_they_may_see(
    world: dict[str, Any], unit_x: Any, unit_x_admin: Any, unit_y_admin: Any, staff: Any
) -> None:
    url = reverse("exports:download", args=["unit_inbox"])
    response = client_for(unit_x_admin).get(url, {"unit_pk": unit_x.pk})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    numbers = {row[0] for row in rows_of(b"".join(response.streaming_content))[1:]}
    assert numbers == {a.number for a in world["x"]}
    # Unit Y's admin asking for unit X's list: 404, as for the page.
    assert client_for(unit_y_admin).get(url, {"unit_pk": unit_x.pk}).status_code == 404
    staff_rows = rows_of(
        b"".join(
            client_for(staff)
            .get(reverse("exports:download", args=["applications"]))
            .streaming_content
        )
    )
    assert {row[0] for row in staff_rows[1:]} == {a.number for a in world["x"] + world["y"]}
    assert (
        client_for(unit_x_admin).get(reverse("exports:download", args=["applications"])).status_code
        == 403
    )


def test_formula_like_cells_are_neutralised(world: dict[str, Any], staff: Any) -> None:
    response = client_for(staff).get(reverse("exports:download", args=["applications"]))
    rows = rows_of(b"".join(response.streaming_content))
    assert rows[0][:3] == ("编号", "申报单位", "班组名称")
    cells = {value for row in rows for value in row if isinstance(value, str)}
    assert '\'=HYPERLINK("http://evil","点我")' in cells and "'@SUM(1)班" in cells
    assert not any(value.startswith(("=", "@")) for value in cells)


def test_filters_are_those_of_the_list(world: dict[str, Any], staff: Any) -> None:
    response = client_for(staff).get(
        reverse("exports:download", args=["applications"]), {"q": "Y1"}
    )
    rows = rows_of(b"".join(response.streaming_content))
    assert [row[2] for row in rows[1:]] == ["Y1班"]


def test_large_exports_run_in_the_background(
    settings: Any, world: dict[str, Any], staff: Any
) -> None:
    settings.XINBAN_EXPORT_BACKGROUND_ROWS = 2
    client = client_for(staff)
    response = client.get(reverse("exports:download", args=["audit"]))
    response = client.get(reverse("exports:download", args=["applications"]))
    assert response.status_code == 302
    task = Task.objects.get(name="exports.xlsx")
    page = client.get(response["Location"]).content.decode()
    assert "<progress" in page
    drain()
    task.refresh_from_db()
    assert task.state == "done" and task.progress_total == 6
    download = client.get(reverse("tasks:download", args=[task.pk]))
    assert len(rows_of(b"".join(download.streaming_content))) == 7
    assert client.get(reverse("exports:download", args=["nothing"])).status_code == 404
