"""Historical import: the template, the dry run with a row-by-row report, the
all-or-nothing commit, no duplicates on a second import, and the imported rows counting
in 历年累计 and the case library."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.conftest import pdf_bytes
from tests.imports.conftest import HEADER, good_rows, upload, xlsx
from tests.recommendation.factories import make_application
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns.models import Campaign
from xinban.core.errors import NotAllowed, WrongState
from xinban.core.models import AuditEntry
from xinban.evaluation.models import Decision
from xinban.imports import services
from xinban.imports.models import BatchState, ImportedRecord
from xinban.organisations.models import Organisation
from xinban.publication.models import CaseEntry
from xinban.reports import selectors as report_selectors

pytestmark = pytest.mark.django_db


def world() -> dict[str, Any]:
    return {
        "applications": Application.objects.count(),
        "organisations": Organisation.objects.count(),
        "campaigns": sorted(Campaign.objects.values_list("year", flat=True)),
        "decisions": Decision.objects.count(),
        "cases": CaseEntry.objects.count(),
    }


def test_template_has_every_column_and_the_rules(staff: Any) -> None:
    wb = load_workbook(io.BytesIO(services.import_template_xlsx()))
    assert [c.value for c in wb["历年成果"][1]] == list(HEADER)
    notes = [row[0] for row in wb["填写说明"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert "评价结果" in notes and any("不会重复添加" in str(n) for n in notes)


def test_a_file_with_errors_changes_nothing_and_reports_every_bad_row(
    campaign: Any, unit_x: Any, unit_y: Any, staff: Any
) -> None:
    year = campaign.year - 2
    rows = good_rows(campaign.year - 1)
    rows += [
        [year, "不存在的区", "上海甲公司", "", "一班", "", 5, "", "", "", "建设经验", ""],  # 5
        ["去年", "浦东新区", "上海乙公司", "", "二班", "", 5, "", "", "", "建设经验", ""],  # 6
        [year, "浦东新区", "上海丙公司", "", "", "", 0, "", "", "", "优秀", ""],  # 7
        [
            year,
            "浦东新区",
            "上海丁公司",
            "",
            "三班",
            "无此类型",
            5,
            "火星",
            "",
            "外星产业",
            "建设经验",
            "",
        ],  # 8
        rows[0][:],  # 9: the same key as row 2
        [
            campaign.year,
            "浦东新区",
            "上海戊公司",
            "",
            "四班",
            "",
            5,
            "",
            "",
            "",
            "建设经验",
            "",
        ],  # 10
    ]
    before = world()
    batch = services.import_check(actor=staff, file=upload(xlsx(rows)))
    found = {(e["row"], e["column"]) for e in batch.errors}
    assert (5, "推荐单位") in found
    assert (6, "年度") in found
    assert {(7, "班组名称"), (7, "班组人数"), (7, "评价结果")} <= found
    assert {(8, "班组类型"), (8, "重点领域"), (8, "重点产业")} <= found
    assert (9, "班组名称") in found
    assert (10, "年度") in found
    assert all(e["row"] not in (2, 3, 4) for e in batch.errors)
    assert all(e["message"] for e in batch.errors)
    messages = " ".join(e["message"] for e in batch.errors)
    assert "浦东新区" not in messages and "不存在的区" in messages and "与第 2 行重复" in messages
    with pytest.raises(services.ImportHasErrors):
        services.import_commit(actor=staff, batch=batch)
    assert world() == before
    batch.refresh_from_db()
    assert batch.state == BatchState.CHECKED and batch.error_count == len(batch.errors)


def test_a_good_file_imports_every_row_once(
    campaign: Any, unit_x: Any, unit_y: Any, staff: Any
) -> None:
    Campaign.objects.create(year=campaign.year - 2, title="前年", results_published=True)
    batch = services.import_check(actor=staff, file=upload(xlsx(good_rows(campaign.year - 1))))
    assert batch.errors == [] and batch.created_count == 3
    assert [r["action"] for r in batch.preview] == ["create"] * 3
    assert Application.objects.count() == 0  # a dry run writes nothing
    services.import_commit(actor=staff, batch=batch)
    last = Campaign.objects.get(year=campaign.year - 1)
    assert last.results_published  # created for the import, closed and published
    apps = {a.team_name: a for a in Application.objects.select_related("evaluation_decision")}
    assert set(apps) == {"数控一班", "检测二组", "前厅服务班"}
    assert apps["数控一班"].state == ApplicationState.SELECTED
    assert apps["检测二组"].state == ApplicationState.TYPICAL
    assert not apps["检测二组"].evaluation_decision.national
    assert apps["前厅服务班"].state == ApplicationState.TYPICAL
    assert apps["前厅服务班"].evaluation_decision.national
    assert apps["数控一班"].team_type_id != apps["检测二组"].team_type_id  # picked distinct
    assert apps["前厅服务班"].campaign.year == campaign.year - 2
    assert Organisation.objects.filter(name="上海历史精工有限公司").count() == 1
    assert Organisation.objects.get(name="上海历史精工有限公司").short_name == "历史精工"
    # In the case library and the published results, with the summary when there is one.
    cases = {c.team_name: c for c in CaseEntry.objects.all()}
    assert cases["前厅服务班"].level == "national" and cases["检测二组"].level == "typical"
    assert "99.6%" in cases["数控一班"].summary and cases["数控一班"].domain == "制造"
    # And in 历年累计 of the units' 附件6.
    figures = report_selectors.platform_figures(unit=unit_x, campaign=campaign)
    assert figures.cumulative_teams == 2 and figures.teams == 2 and figures.recommended == 2
    assert AuditEntry.objects.filter(action="imports.commit").count() == 1
    assert AuditEntry.objects.filter(action="imports.campaign_create").count() == 1
    with pytest.raises(WrongState):
        services.import_commit(actor=staff, batch=batch)


def test_importing_the_same_file_twice_does_not_duplicate(
    campaign: Any, unit_x: Any, unit_y: Any, staff: Any
) -> None:
    content = xlsx(good_rows(campaign.year - 1))
    services.import_commit(
        actor=staff, batch=services.import_check(actor=staff, file=upload(content))
    )
    before = world()
    again = services.import_check(actor=staff, file=upload(content))
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 3)
    services.import_commit(actor=staff, batch=again)
    assert world() == before
    # A corrected result updates the row imported before.
    rows = good_rows(campaign.year - 1)
    rows[0][10] = "典型经验"
    third = services.import_check(actor=staff, file=upload(xlsx(rows)))
    assert (third.created_count, third.updated_count, third.unchanged_count) == (0, 1, 2)
    services.import_commit(actor=staff, batch=third)
    assert world()["applications"] == before["applications"]
    app = Application.objects.get(team_name="数控一班")
    assert app.state == ApplicationState.TYPICAL
    assert ImportedRecord.objects.get(application=app).batch == third
    assert CaseEntry.objects.get(application=app).level == "typical"


def test_a_row_of_a_platform_application_is_refused(
    campaign: Any, org_a: Any, unit_x: Any, staff: Any
) -> None:
    last = Campaign.objects.create(year=campaign.year - 1, title="去年", results_published=True)
    own = make_application(
        organisation=org_a, unit=unit_x, campaign=last, state=ApplicationState.SELECTED
    )
    row = [last.year, "浦东新区", org_a.name, "", own.team_name, "", 9, "", "", "", "典型经验", ""]
    batch = services.import_check(actor=staff, file=upload(xlsx([row])))
    assert batch.errors[0]["row"] == 2 and own.number in batch.errors[0]["message"]
    own.refresh_from_db()
    assert own.state == ApplicationState.SELECTED


def test_a_year_still_running_is_refused(campaign: Any, unit_x: Any, staff: Any) -> None:
    Campaign.objects.create(year=campaign.year - 1, title="去年")  # not published
    row = [
        campaign.year - 1,
        "浦东新区",
        "上海甲公司",
        "",
        "一班",
        "",
        5,
        "",
        "",
        "",
        "建设经验",
        "",
    ]
    batch = services.import_check(actor=staff, file=upload(xlsx([row])))
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "年度")]


def test_missing_columns_and_wrong_files(campaign: Any, staff: Any, unit_x_admin: Any) -> None:
    batch = services.import_check(actor=staff, file=upload(xlsx([[2020]], header=("年度",))))
    assert batch.errors[0]["row"] == 1 and "班组名称" in batch.errors[0]["message"]
    with pytest.raises(ValidationError):
        services.import_check(actor=staff, file=upload(pdf_bytes(), name="历年.pdf"))
    with pytest.raises(ValidationError):
        services.import_check(actor=staff, file=upload(b"not a workbook", name="x.xlsx"))
    with pytest.raises(NotAllowed):
        services.import_check(actor=unit_x_admin, file=upload(xlsx([])))


def test_pages_staff_upload_check_and_commit(
    campaign: Any, unit_x: Any, unit_y: Any, staff: Any, unit_x_admin: Any
) -> None:
    client = Client()
    client.force_login(staff)
    assert client.get(reverse("imports:home")).status_code == 200
    template = client.get(reverse("imports:template"))
    assert template["Content-Disposition"].startswith("attachment")
    bad = good_rows(campaign.year - 1)
    bad[1][6] = "十二"
    response = client.post(reverse("imports:home"), {"file": upload(xlsx(bad))})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-errors"' in page and "应为 1 到 10000 之间的整数" in page
    assert "确认导入" not in page
    response = client.post(
        reverse("imports:home"), {"file": upload(xlsx(good_rows(campaign.year - 1)))}
    )
    batch_url = response["Location"]
    assert "确认导入" in client.get(batch_url).content.decode()
    pk = int(batch_url.rstrip("/").rsplit("/", 1)[-1])
    assert client.post(reverse("imports:commit", args=[pk])).status_code == 302
    assert Application.objects.count() == 3
    response = client.post(reverse("imports:home"), {"file": upload(b"junk", name="x.xlsx")})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    other = Client()
    other.force_login(unit_x_admin)
    for url in (reverse("imports:home"), reverse("imports:template"), batch_url):
        assert other.get(url).status_code == 403


def test_api_check_and_commit(campaign: Any, unit_x: Any, unit_y: Any, staff: Any) -> None:
    client = Client()
    client.force_login(staff)
    bad = good_rows(campaign.year - 1)
    bad[0][1] = "无此单位"
    response = client.post("/api/imports", {"file": upload(xlsx(bad))})
    assert response.status_code == 201
    body = response.json()
    assert body["error_count"] == 1 and body["errors"][0]["row"] == 2
    response = client.post(f"/api/imports/{body['id']}/commit")
    assert response.status_code == 400 and response.json()["code"] == "import_errors"
    response = client.post("/api/imports", {"file": upload(xlsx(good_rows(campaign.year - 1)))})
    batch_id = response.json()["id"]
    response = client.post(f"/api/imports/{batch_id}/commit")
    assert response.status_code == 200 and response.json()["created_count"] == 3
    assert client.get(f"/api/imports/{batch_id}").json()["state"] == "committed"


def test_a_team_not_selected_counts_in_the_history_but_not_in_the_cases(
    campaign: Any, unit_x: Any, unit_y: Any, staff: Any
) -> None:
    rows = good_rows(campaign.year - 1)
    rows[0][10] = "未入选"
    batch = services.import_check(actor=staff, file=upload(xlsx(rows)))
    assert batch.errors == [] and batch.preview[0]["result"] == "未入选"
    services.import_commit(actor=staff, batch=batch)
    app = Application.objects.get(team_name="数控一班")
    assert app.state == ApplicationState.NOT_SELECTED
    assert not Decision.objects.filter(application=app).exists()
    assert not CaseEntry.objects.filter(application=app).exists()
    figures = report_selectors.platform_figures(unit=unit_x, campaign=campaign)
    assert figures.cumulative_teams == 2  # both of 浦东新区's teams took part
    # Selected after all (a corrected file): the decision and the case appear.
    rows[0][10] = "建设经验"
    services.import_commit(
        actor=staff, batch=services.import_check(actor=staff, file=upload(xlsx(rows)))
    )
    app.refresh_from_db()
    assert app.state == ApplicationState.SELECTED
    assert Decision.objects.get(application=app).level == "selected"
    assert CaseEntry.objects.filter(application=app).exists()
    # And back to not selected: the case and the decision go again.
    rows[0][10] = "未入选"
    services.import_commit(
        actor=staff, batch=services.import_check(actor=staff, file=upload(xlsx(rows)))
    )
    assert not CaseEntry.objects.filter(application=app).exists()
    assert not Decision.objects.filter(application=app).exists()


def test_a_zip_bomb_workbook_is_refused_and_nothing_is_written(campaign: Any, staff: Any) -> None:
    import zipfile

    from tests.core.test_uploads import MIB
    from xinban.imports.models import ImportBatch

    buf = io.BytesIO(xlsx(good_rows(campaign.year - 1)))
    with (
        zipfile.ZipFile(buf, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/media/image1.png", "w") as entry,
    ):
        for _ in range(12):
            entry.write(bytes(MIB))
    before = world()
    with pytest.raises(ValidationError) as excinfo:
        services.import_check(actor=staff, file=upload(buf.getvalue()))
    assert excinfo.value.code == "archive_ratio"
    assert world() == before and not ImportBatch.objects.exists()
