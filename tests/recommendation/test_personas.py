"""Who sees what: unit X never sees unit Y's applications (404 everywhere), a judge sees
only what is assigned to them, an applicant never sees the judges' scores or names, and a
unit's non-admin member may look but not act (403)."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.recommendation.conftest import make_judge
from tests.recommendation.factories import complete_report, points_for, reviewed, scan
from xinban.applications.models import Application, ApplicationState
from xinban.core.errors import NotAllowed
from xinban.recommendation import services
from xinban.recommendation.models import Recommendation, ReportStatus, UnitNote
from xinban.scoring.models import Judge, ScoreSheet, SheetStatus
from xinban.scoring.services import sheet_save

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_detail(application: Application) -> str:
    return f"/api/applications/{application.pk}"


def application_urls(application: Application) -> list[str]:
    """Every page or file of one application outside the unit's own pages."""
    attachment = application.attachments.get()
    return [
        reverse("applications:detail", args=[application.pk]),
        reverse("applications:attachment_download", args=[application.pk, attachment.pk]),
        reverse("applications:stamped_download", args=[application.pk]),
        reverse("applications:generated_form", args=[application.pk, "docx"]),
        reverse("applications:revision", args=[application.pk, 1]),
        api_detail(application),
    ]


def statuses(client: Client, requests: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    result = {}
    for method, url in requests:
        response = client.post(url, {}) if method == "POST" else client.get(url)
        result[(method, url)] = response.status_code
    return result


@pytest.fixture
def judge_y(unit_y: Any) -> Judge:
    return make_judge("judgey@example.com", "黄浦评委", unit_y, tgq_number="TGQ-2024-077")


@pytest.fixture
def unit_y_world(submitted_y: Application, unit_y_admin: Any, judge_y: Judge) -> dict[str, Any]:
    """Unit Y's application with a judge assigned and a recommendation."""
    sheet = services.assignment_add(actor=unit_y_admin, application=submitted_y, judge=judge_y)
    rec = services.recommend(
        actor=unit_y_admin, application=reviewed(submitted_y), opinion="同意推荐"
    )
    services.report_upload_scan(
        actor=unit_y_admin, report=rec.report, file=scan("黄浦盖章推荐表.pdf")
    )
    return {"app": submitted_y, "sheet": sheet, "rec": rec, "judge": judge_y}


# --- unit X never sees unit Y's applications -----------------------------------------------


def test_unit_x_gets_404_on_every_page_of_unit_ys_application(
    unit_y_world: dict[str, Any], unit_x: Any, unit_y: Any, unit_x_admin: Any
) -> None:
    app, sheet, rec, judge = (unit_y_world[k] for k in ("app", "sheet", "rec", "judge"))
    x, y = unit_x.pk, unit_y.pk
    gets = [
        reverse("recommendation:inbox", args=[y]),
        reverse("recommendation:application", args=[y, app.pk]),
        reverse("recommendation:application", args=[x, app.pk]),
        reverse("recommendation:ranking", args=[y]),
        reverse("recommendation:report", args=[y]),
        reverse("recommendation:judges", args=[y]),
        reverse("recommendation:report_download", args=[y, "xlsx"]),
        reverse("recommendation:report_download", args=[y, "docx"]),
        reverse("recommendation:report_scan_download", args=[y]),
        *application_urls(app),
    ]
    posts = [
        reverse(f"recommendation:{name}", args=[unit, app.pk])
        for name in ("return", "on_site", "assign", "recommend")
        for unit in (x, y)
    ] + [
        reverse("recommendation:unassign", args=[x, sheet.pk]),
        reverse("recommendation:unassign", args=[y, sheet.pk]),
        reverse("recommendation:unrecommend", args=[x, rec.pk]),
        reverse("recommendation:unrecommend", args=[y, rec.pk]),
        reverse("recommendation:move", args=[x, rec.pk, "up"]),
        reverse("recommendation:judge_remove", args=[x, judge.pk]),
        reverse("recommendation:judge_remove", args=[y, judge.pk]),
        reverse("recommendation:spread", args=[y]),
        reverse("recommendation:judges", args=[y]),
        reverse("recommendation:invite", args=[y]),
        reverse("recommendation:report", args=[y]),
        reverse("recommendation:report_scan", args=[y]),
        reverse("recommendation:report_submit", args=[y]),
        reverse("recommendation:report_void", args=[y]),
        reverse("recommendation:quota", args=[y]),
    ]
    requests = [("GET", url) for url in gets] + [("POST", url) for url in posts]
    seen = statuses(client_for(unit_x_admin), requests)
    assert {r: s for r, s in seen.items() if s != 404} == {}

    # Nothing happened to unit Y's data.
    app.refresh_from_db()
    assert app.state == ApplicationState.SUBMITTED and app.return_reason == ""
    assert ScoreSheet.objects.filter(pk=sheet.pk).exists()
    assert Recommendation.objects.filter(pk=rec.pk).exists()
    assert not UnitNote.objects.exists()


def test_unit_x_lists_never_show_unit_ys_applications(
    unit_y_world: dict[str, Any], submitted_x: Application, unit_x: Any, unit_x_admin: Any
) -> None:
    foreign = unit_y_world["app"]
    client = client_for(unit_x_admin)
    for name in ("inbox", "ranking", "report"):
        html = client.get(reverse(f"recommendation:{name}", args=[unit_x.pk])).content.decode()
        assert foreign.number not in html and foreign.organisation.name not in html, name
    inbox = client.get(reverse("recommendation:inbox", args=[unit_x.pk]), {"q": foreign.number})
    assert list(inbox.context["applications"]) == []
    ranking = client.get(reverse("recommendation:ranking", args=[unit_x.pk]))
    assert [row.pk for row in ranking.context["rows"]] == [submitted_x.pk]


# --- a judge sees only what is assigned to them ------------------------------------------


@pytest.fixture
def assigned(submitted_x: Application, unit_x_admin: Any, judge_1: Judge) -> ScoreSheet:
    return services.assignment_add(actor=unit_x_admin, application=submitted_x, judge=judge_1)


def test_the_assigned_judge_sees_the_sheet_the_application_and_its_files(
    assigned: ScoreSheet, submitted_x: Application, judge_1: Judge
) -> None:
    client = client_for(judge_1.user)
    urls = [
        reverse("recommendation:judge_sheet", args=[assigned.pk]),
        *application_urls(submitted_x),
    ]
    assert {url: client.get(url).status_code for url in urls} == {url: 200 for url in urls}
    home = client.get(reverse("recommendation:judge_home")).content.decode()
    assert submitted_x.number in home


def test_a_judge_gets_404_on_what_is_not_assigned_to_them(
    assigned: ScoreSheet,
    submitted_x: Application,
    unit_y_world: dict[str, Any],
    unit_x: Any,
    judge_1: Judge,
    judge_2: Judge,
) -> None:
    foreign_sheet, foreign_app = unit_y_world["sheet"], unit_y_world["app"]
    # judge_2 sits on the same panel but was not given this application.
    for judge, sheet, app in (
        (judge_2, assigned, submitted_x),
        (judge_1, foreign_sheet, foreign_app),
    ):
        client = client_for(judge.user)
        requests = [
            ("GET", reverse("recommendation:judge_sheet", args=[sheet.pk])),
            ("POST", reverse("recommendation:judge_sheet", args=[sheet.pk])),
            ("POST", reverse("recommendation:judge_conflict", args=[sheet.pk])),
            *[("GET", url) for url in application_urls(app)],
        ]
        seen = statuses(client, requests)
        assert {r: s for r, s in seen.items() if s != 404} == {}, judge.name
        home = client.get(reverse("recommendation:judge_home")).content.decode()
        assert app.number not in home
    # A judge is not a member of the unit: the unit's pages are closed to them.
    client = client_for(judge_1.user)
    for name in ("inbox", "ranking", "report", "judges"):
        assert client.get(reverse(f"recommendation:{name}", args=[unit_x.pk])).status_code == 404


def test_a_judge_does_not_see_the_other_judges_sheets(
    assigned: ScoreSheet, submitted_x: Application, unit_x_admin: Any, judge_2: Judge
) -> None:
    other = services.assignment_add(actor=unit_x_admin, application=submitted_x, judge=judge_2)
    sheet_save(
        actor=judge_2.user,
        sheet=other,
        points=points_for(other),
        conformity="评委二的独到评语",
        features="评委二看到的特色",
        shortcomings="评委二指出的不足",
        submit=True,
    )
    client = client_for(assigned.judge.user)
    for url in (
        reverse("recommendation:judge_sheet", args=[assigned.pk]),
        reverse("applications:detail", args=[submitted_x.pk]),
    ):
        html = client.get(url).content.decode()
        assert "评委二" not in html, url


def test_unassigning_closes_the_application_to_the_judge(
    assigned: ScoreSheet, submitted_x: Application, unit_x_admin: Any, judge_1: Judge
) -> None:
    services.assignment_remove(actor=unit_x_admin, sheet=assigned)
    client = client_for(judge_1.user)
    for url in application_urls(submitted_x):
        assert client.get(url).status_code == 404, url


# --- an applicant never sees the judges' scores or names ----------------------------------


JUDGE_TEXTS = {
    "conformity": "评委专用：符合程度较高",
    "features": "评委专用：特色突出",
    "shortcomings": "评委专用：数据分析薄弱",
}


def test_the_applicant_never_sees_judges_scores_or_names(
    submitted_x: Application,
    unit_x: Any,
    campaign: Any,
    unit_x_admin: Any,
    judge_1: Judge,
    judge_2: Judge,
    applicant_a: Any,
) -> None:
    for judge, share in ((judge_1, Decimal("0.73")), (judge_2, Decimal("0.91"))):
        sheet = services.assignment_add(actor=unit_x_admin, application=submitted_x, judge=judge)
        sheet_save(
            actor=judge.user,
            sheet=sheet,
            points=points_for(sheet, share),
            submit=True,
            **JUDGE_TEXTS,
        )
    services.unit_note_save(
        actor=unit_x_admin,
        application=submitted_x,
        on_site_review=True,
        on_site_date=timezone.localdate(),
        notes="现场评审内部记录",
    )
    services.recommend(actor=unit_x_admin, application=reviewed(submitted_x), opinion="同意推荐")
    report = complete_report(unit_x_admin, unit_x, campaign)
    services.report_submit(actor=unit_x_admin, report=report)
    totals = [str(s.total) for s in ScoreSheet.objects.all()]
    assert all(s.status == SheetStatus.SUBMITTED for s in ScoreSheet.objects.all())

    secrets = [
        judge_1.name,
        judge_2.name,
        judge_1.email,
        judge_2.email,
        judge_1.tgq_number,
        judge_2.tgq_number,
        *JUDGE_TEXTS.values(),
        *totals,
    ]
    client = client_for(applicant_a)
    detail = client.get(reverse("applications:detail", args=[submitted_x.pk]))
    assert detail.status_code == 200
    html = detail.content.decode()
    assert "已推荐" in html  # the applicant does see the outcome
    api = client.get(api_detail(submitted_x))
    assert api.status_code == 200
    body = api.content.decode()
    payload = json.loads(body)
    assert payload["state"] == ApplicationState.RECOMMENDED
    for page in (
        html,
        body,
        json.dumps(payload, ensure_ascii=False),
        client.get(reverse("applications:dashboard")).content.decode(),
        client.get(reverse("applications:revision", args=[submitted_x.pk, 1])).content.decode(),
    ):
        leaked = [s for s in secrets if s in page]
        assert leaked == []
    assert not {"score", "scores", "total", "judges", "sheets", "score_sheets"} & set(payload)

    # And the unit's and judges' pages stay closed to the applicant.
    sheet = ScoreSheet.objects.first()
    for url in (
        reverse("recommendation:judge_sheet", args=[sheet.pk]),
        reverse("recommendation:ranking", args=[unit_x.pk]),
        reverse("recommendation:application", args=[unit_x.pk, submitted_x.pk]),
        reverse("recommendation:report_download", args=[unit_x.pk, "xlsx"]),
    ):
        assert client.get(url).status_code == 404, url


# --- the unit's non-admin member may look but not act --------------------------------------


@pytest.fixture
def member_world(
    submitted_x: Application, unit_x: Any, campaign: Any, unit_x_admin: Any, judge_1: Judge
) -> dict[str, Any]:
    sheet = services.assignment_add(actor=unit_x_admin, application=submitted_x, judge=judge_1)
    rec = services.recommend(
        actor=unit_x_admin, application=reviewed(submitted_x), opinion="同意推荐"
    )
    report = complete_report(unit_x_admin, unit_x, campaign)
    return {"app": submitted_x, "sheet": sheet, "rec": rec, "report": report, "judge": judge_1}


def test_a_member_can_view_the_units_pages(
    member_world: dict[str, Any], unit_x: Any, unit_x_member: Any
) -> None:
    app = member_world["app"]
    u = unit_x.pk
    urls = [
        reverse("recommendation:home"),
        reverse("recommendation:inbox", args=[u]),
        reverse("recommendation:application", args=[u, app.pk]),
        reverse("recommendation:ranking", args=[u]),
        reverse("recommendation:report", args=[u]),
        reverse("recommendation:judges", args=[u]),
        reverse("recommendation:report_download", args=[u, "xlsx"]),
        reverse("recommendation:report_download", args=[u, "docx"]),
        reverse("recommendation:report_scan_download", args=[u]),
        *application_urls(app),
    ]
    client = client_for(unit_x_member)
    seen = {url: client.get(url, follow=True).status_code for url in urls}
    assert {url: s for url, s in seen.items() if s != 200} == {}


def test_a_member_gets_403_on_every_action(
    member_world: dict[str, Any], unit_x: Any, unit_x_member: Any, campaign: Any
) -> None:
    app, sheet, rec, judge = (member_world[k] for k in ("app", "sheet", "rec", "judge"))
    u = unit_x.pk
    actions: list[tuple[str, dict[str, Any]]] = [
        (reverse("recommendation:return", args=[u, app.pk]), {"reason": "退回"}),
        (reverse("recommendation:on_site", args=[u, app.pk]), {"on_site_review": "on"}),
        (reverse("recommendation:assign", args=[u, app.pk]), {"judge": str(judge.pk)}),
        (reverse("recommendation:recommend", args=[u, app.pk]), {"opinion": "同意"}),
        (reverse("recommendation:unassign", args=[u, sheet.pk]), {}),
        (reverse("recommendation:spread", args=[u]), {"per_application": "1"}),
        (
            reverse("recommendation:judges", args=[u]),
            {
                "name": "新评委",
                "employer": "某单位",
                "email": "new.judge@example.com",
                "mobile": "13912349999",
            },
        ),
        (reverse("recommendation:judge_remove", args=[u, judge.pk]), {}),
        (reverse("recommendation:invite", args=[u]), {"email": "n@example.com", "role": "admin"}),
        (reverse("recommendation:report", args=[u]), {"filler_name": "冒名"}),
        (reverse("recommendation:report_scan", args=[u]), {"file": scan()}),
        (reverse("recommendation:report_submit", args=[u]), {}),
        (reverse("recommendation:report_void", args=[u]), {"reason": "x"}),
        (
            reverse("recommendation:quota", args=[u]),
            {"per_organisation": "9", "reason": "x"},
        ),
        (reverse("recommendation:unrecommend", args=[u, rec.pk]), {}),
        (reverse("recommendation:move", args=[u, rec.pk, "down"]), {}),
    ]
    client = client_for(unit_x_member)
    seen = {url: client.post(url, data).status_code for url, data in actions}
    assert {url: s for url, s in seen.items() if s != 403} == {}

    app.refresh_from_db()
    assert app.state == ApplicationState.SUBMITTED
    report = member_world["report"]
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT and report.filler_name == "张三"
    assert ScoreSheet.objects.filter(pk=sheet.pk).exists()
    assert Recommendation.objects.filter(pk=rec.pk).exists()
    assert not UnitNote.objects.exists()
    assert not Judge.objects.filter(email="new.judge@example.com").exists()


@pytest.mark.parametrize(
    "call",
    [
        lambda m, w: services.recommend(actor=m, application=w["app"], opinion="x"),
        lambda m, w: services.assignment_add(actor=m, application=w["app"], judge=w["judge"]),
        lambda m, w: services.report_submit(actor=m, report=w["report"]),
        lambda m, w: services.unrecommend(actor=m, recommendation=w["rec"]),
    ],
)
def test_a_members_service_calls_are_refused_too(
    member_world: dict[str, Any], unit_x_member: Any, call: Callable[[Any, Any], Any]
) -> None:
    with pytest.raises(NotAllowed) as exc:
        call(unit_x_member, member_world)
    assert exc.value.code == "not_unit_admin"
