"""Publishing a year, the public results and case library (substring search on both
databases), consent, and certificates with their verification."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from PIL import Image, ImageStat
from pypdf import PdfReader

from tests.evaluation.conftest import make_org_app
from xinban.applications.models import ApplicationState
from xinban.core.errors import WrongState
from xinban.core.models import AuditEntry
from xinban.publication import selectors, services
from xinban.publication.certificates import certificate_pdf
from xinban.publication.models import CaseEntry, Certificate, ConsentScope
from xinban.tasks.models import Task
from xinban.tasks.testing import drain

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_publish_refused_while_evaluation_is_unfinished(
    staff: Any, campaign: Any, unit_x: Any, results: list[Any]
) -> None:
    make_org_app(campaign, unit_x, "上海仍在评审有限公司", state=ApplicationState.EXPERT_REVIEW)
    with pytest.raises(WrongState):
        services.results_publish(actor=staff, campaign=campaign)
    campaign.refresh_from_db()
    assert not campaign.results_published and not CaseEntry.objects.exists()


def test_publish_builds_the_library_and_notifies(
    staff: Any,
    campaign: Any,
    results: list[Any],
    applicant_a: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        count = services.results_publish(actor=staff, campaign=campaign)
    assert count == 2
    levels = dict(CaseEntry.objects.values_list("team_name", "level"))
    assert levels == {"质检一班": "selected", "客服二组": "national"}
    assert any("质检一班" in m.subject for m in mail.outbox if applicant_a.email in m.to)
    assert AuditEntry.objects.filter(action="publication.publish").count() == 1
    with pytest.raises(WrongState):
        services.results_publish(actor=staff, campaign=campaign)


@pytest.fixture
def published(staff: Any, campaign: Any, results: list[Any]) -> list[Any]:
    services.results_publish(actor=staff, campaign=campaign)
    return results


def test_search_finds_a_substring_from_the_middle_of_a_word(published: list[Any]) -> None:
    # "外滩智能" sits inside the organisation's name; "检一" inside the team's.
    for q, team in (("外滩智能", "客服二组"), ("检一", "质检一班"), ("滩智", "客服二组")):
        found = list(selectors.case_search(selectors.CaseFilters(q=q)))
        assert [e["team_name"] for e in found] == [team], q
    assert list(selectors.case_search(selectors.CaseFilters(q="不存在的文字"))) == []
    # Control characters (a NUL ends an FTS5 phrase early) are dropped, not an error.
    found = selectors.case_search(selectors.CaseFilters(q="外滩\x00智能"))
    assert [e["team_name"] for e in found] == []  # "外滩 智能": not one substring
    page = Client().get(reverse("publication:cases"), {"q": '"\x00质检一\x01"'})
    assert page.status_code == 200
    # Filters combine with the search.
    assert not list(selectors.case_search(selectors.CaseFilters(q="外滩智能", level="selected")))


def test_names_only_until_the_organisation_agrees(published: list[Any], applicant_a: Any) -> None:
    entry = CaseEntry.objects.get(team_name="质检一班")
    assert entry.summary == "" and entry.materials == {}
    # Texts are not searchable before consent either.
    assert not list(selectors.case_search(selectors.CaseFilters(q="缺陷率下降")))
    client = client_for(applicant_a)
    url = reverse("publication:consent", args=[published[0].pk])
    assert client.post(url, {"scope": ConsentScope.SUMMARY}).status_code == 302
    entry.refresh_from_db()
    assert "缺陷率下降" in entry.summary and entry.materials == {}
    found = selectors.case_search(selectors.CaseFilters(q="缺陷率下降"))
    assert [e["team_name"] for e in found] == ["质检一班"]
    page = Client().get(reverse("publication:case_detail", args=[entry.pk])).content.decode()
    assert "缺陷率下降" in page


def test_public_pages_without_login(published: list[Any]) -> None:
    anonymous = Client()
    results = anonymous.get(reverse("publication:results"), {"year": published[0].campaign.year})
    html = results.content.decode()
    assert results.status_code == 200 and "质检一班" in html and "客服二组" in html
    assert 'data-count="2"' in html
    cases = anonymous.get(reverse("publication:cases"), {"q": "客服"}).content.decode()
    assert "客服二组" in cases and "质检一班" not in cases
    home = anonymous.get(reverse("core:home")).content.decode()
    assert reverse("publication:cases") in home


def test_certificate_pdf_reads_back_and_is_not_blank(tmp_path: Path) -> None:
    content = certificate_pdf(
        code="2026-ABCDEFGHJK",
        year=2026,
        level="national",
        organisation_name="上海浦江智能装备股份有限公司",
        team_name="质检一班",
    )
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    for part in ("上海浦江智能装备股份有限公司", "质检一班", "2026-ABCDEFGHJK", "典型经验"):
        assert part in text.replace("\n", ""), part
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(content)
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(tmp_path / "p")], check=True)
    (png,) = tmp_path.glob("p*.png")
    stat = ImageStat.Stat(Image.open(png).convert("L"))
    assert stat.stddev[0] > 10  # not a blank page
    fonts = {
        str(font.get("/BaseFont"))
        for page in PdfReader(io.BytesIO(content)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("Xinban" in f or "Zen" in f or "Noto" in f for f in fonts), fonts


def test_verification_confirms_a_real_code_and_rejects_a_forged_one(published: list[Any]) -> None:
    certificate = services.certificate_for(published[0])
    anonymous = Client()
    good = anonymous.get(reverse("publication:verify_code", args=[certificate.code]))
    assert good.status_code == 200
    html = good.content.decode()
    assert 'data-verified="yes"' in html and "质检一班" in html
    forged = anonymous.get(reverse("publication:verify_code", args=["2026-FORGED0000"]))
    assert forged.status_code == 404 and 'data-verified="no"' in forged.content.decode()
    form = anonymous.get(reverse("publication:verify"), {"code": certificate.code.lower()})
    assert form.status_code == 302 and certificate.code in form["Location"]


def test_applicant_downloads_only_their_own_certificate(
    published: list[Any], applicant_a: Any, applicant_b: Any
) -> None:
    url = reverse("publication:certificate", args=[published[0].pk])
    response = client_for(applicant_a).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert client_for(applicant_b).get(url).status_code == 404
    assert Certificate.objects.count() == 1


def test_certificate_batch_with_progress_and_zip(
    published: list[Any], staff: Any, campaign: Any
) -> None:
    import zipfile

    client = client_for(staff)
    response = client.post(reverse("publication:certificates", args=[campaign.year]))
    assert response.status_code == 302
    task = Task.objects.get(name="publication.certificates")
    assert "<progress" in client.get(reverse("publication:staff")).content.decode()
    drain()
    task.refresh_from_db()
    assert task.state == "done" and task.progress_done == task.progress_total == 3
    download = client.get(reverse("tasks:download", args=[task.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = archive.namelist()
    assert len(names) == 2 and all(name.endswith(".pdf") for name in names)
    assert any("质检一班" in name for name in names)


def test_staff_preview_and_pages_are_staff_only(staff: Any, applicant_a: Any) -> None:
    preview = client_for(staff).get(reverse("publication:preview"))
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    assert client_for(applicant_a).get(reverse("publication:preview")).status_code == 403
    assert client_for(applicant_a).get(reverse("publication:staff")).status_code == 403


def test_demo_has_a_searchable_library_and_a_certificate(db: Any) -> None:
    from django.core.management import call_command

    call_command("seed_demo", organisations=30, stdout=io.StringIO())
    assert CaseEntry.objects.values("year").distinct().count() == 2
    entry = CaseEntry.objects.exclude(summary="").first()
    assert entry is not None
    fragment = entry.team_name[1:3]
    found = selectors.case_search(selectors.CaseFilters(q=fragment))
    assert entry.pk in {row["id"] for row in found}
    assert Certificate.objects.filter(application__organisation__name__contains="浦江").exists()
    home = Client().get(reverse("core:home")).content.decode()
    assert "质量信得过班组" in home and "通知" in home
