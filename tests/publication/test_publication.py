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


def test_one_and_two_character_queries(published: list[Any]) -> None:
    """Shorter than a trigram: found through the index's trigrams on SQLite (a scan on
    PostgreSQL), wherever they sit: the middle, the start, the very end of the text."""

    def teams(q: str) -> list[str]:
        found = selectors.case_search(selectors.CaseFilters(q=q))
        return sorted(e["team_name"] for e in found)

    entry = CaseEntry.objects.get(team_name="客服二组")
    assert entry.search_text.endswith("\n")
    last_two = entry.search_text.rstrip("\n")[-2:]
    assert "客服二组" in teams(last_two)
    assert teams("滩") == ["客服二组"]
    assert teams("二组") == ["客服二组"]
    assert teams("检一") == ["质检一班"]
    assert teams("服二") == ["客服二组"]
    assert teams("龙虾") == [] and teams("龙") == []
    # The public page takes the same path (no other filter: read from the index).
    html = Client().get(reverse("publication:cases"), {"q": "服二"}).content.decode()
    # The searched characters are marked in the name.
    assert "客<mark>服二</mark>组" in html and "质检一班" not in html and 'data-count="1"' in html
    html = Client().get(reverse("publication:cases"), {"q": "龙虾"}).content.decode()
    assert 'data-count="0"' in html


def test_a_very_common_short_query_scans(
    published: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "MAX_SHORT_TERMS", 1)
    assert selectors.fts_expression("上") is None  # too common: scan (PostgreSQL: always)
    found = selectors.case_search(selectors.CaseFilters(q="上"))
    assert len(list(found)) == 2


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


def test_public_pages_without_login(published: list[Any], applicant_a: Any) -> None:
    anonymous = Client()
    results = anonymous.get(reverse("publication:results"), {"year": published[0].campaign.year})
    html = results.content.decode()
    assert results.status_code == 200 and "质检一班" in html and "客服二组" in html
    assert 'data-count="2"' in html
    # The per-year summary: 2 experiences, 1 typical, 1 recommended nationally.
    assert "各年度发布情况" in html
    marker = f'<td><a href="?year={published[0].campaign.year}">'
    row = html.split(marker, 1)[1].split("</tr>", 1)[0]
    assert [cell.split(">")[-1] for cell in row.split("</td>")[1:4]] == ["2", "1", "1"]
    cases = anonymous.get(reverse("publication:cases"), {"q": "客服"}).content.decode()
    assert "<mark>客服</mark>二组" in cases and "质检一班" not in cases
    home = anonymous.get(reverse("core:home")).content.decode()
    assert reverse("publication:cases") in home
    # The page carries the visitor's CSRF token and cookie (the language switch): kept a
    # minute by the visitor's browser, never by a shared cache.
    assert "csrftoken" in results.cookies
    assert "private" in results["Cache-Control"] and "public" not in results["Cache-Control"]
    assert "max-age=60" in results["Cache-Control"]
    entry = CaseEntry.objects.get(team_name="质检一班")
    logged_in = client_for(applicant_a).get(reverse("publication:case_detail", args=[entry.pk]))
    assert "private" in logged_in["Cache-Control"] and "public" not in logged_in["Cache-Control"]


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


def test_the_printed_qr_code_carries_the_verification_url(tmp_path: Path) -> None:
    """Rendered to PNG, the QR code's modules read back (sampled at their centres) are
    exactly those of the verification URL's code."""
    import qrcode

    from xinban.publication.certificates import verify_url

    code = "2026-ABCDEFGHJKLM"
    content = certificate_pdf(
        code=code, year=2026, level="selected", organisation_name="上海某公司", team_name="一班"
    )
    pdf = tmp_path / "c.pdf"
    pdf.write_bytes(content)
    dpi = 200
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(tmp_path / "p")], check=True)
    (png,) = tmp_path.glob("p*.png")
    image = Image.open(png).convert("L")
    expected = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    expected.add_data(verify_url(code))
    expected.make(fit=True)
    matrix = expected.get_matrix()

    def px(mm: float) -> float:
        return mm / 25.4 * dpi

    # The QR box: 32 mm square, left 25 mm, bottom 22 mm (A4 landscape, 210 mm high),
    # 2 modules of quiet zone.
    module = 32 / (len(matrix) + 4)
    left, top = 25 + 2 * module, 210 - 22 - 32 + 2 * module
    read = [
        [
            image.getpixel((px(left + (c + 0.5) * module), px(top + (r + 0.5) * module))) < 128
            for c in range(len(matrix))
        ]
        for r in range(len(matrix))
    ]
    assert read == matrix


def test_verification_confirms_a_real_code_and_rejects_a_forged_one(published: list[Any]) -> None:
    certificate = services.certificate_for(published[0])
    year, random_part = certificate.code.split("-")
    assert year == str(published[0].campaign.year) and len(random_part) == 12
    assert set(random_part) <= set(services.CODE_ALPHABET)
    assert AuditEntry.objects.filter(action="publication.certificate_issue").count() == 1
    assert services.certificate_for(published[0]) == certificate  # issued once
    anonymous = Client()
    good = anonymous.get(reverse("publication:verify_code", args=[certificate.code]))
    assert good.status_code == 200
    html = good.content.decode()
    assert 'data-verified="yes"' in html and "质检一班" in html
    forged = anonymous.get(reverse("publication:verify_code", args=["2026-FORGED0000"]))
    assert forged.status_code == 404 and 'data-verified="no"' in forged.content.decode()
    form = anonymous.get(reverse("publication:verify"), {"code": certificate.code.lower()})
    assert form.status_code == 302 and certificate.code in form["Location"]
    # A result withdrawn after publication (its case entry gone) no longer verifies.
    published[0].state = ApplicationState.NOT_SELECTED
    published[0].save(update_fields=["state"])
    services.case_entries_rebuild(campaign=published[0].campaign, only=[published[0].pk])
    withdrawn = anonymous.get(reverse("publication:verify_code", args=[certificate.code]))
    assert withdrawn.status_code == 404 and 'data-verified="no"' in withdrawn.content.decode()


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


def test_staff_preview_and_pages_are_staff_only(
    staff: Any, applicant_a: Any, published: list[Any], campaign: Any
) -> None:
    preview = client_for(staff).get(reverse("publication:preview"))
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    # With a year: that year's longest organisation name, a sample code, nothing issued.
    year_preview = client_for(staff).get(reverse("publication:preview"), {"year": campaign.year})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(year_preview.content)).pages)
    assert "上海外滩智能服务有限公司" in text.replace("\n", "") and "SAMPLE" in text
    assert not Certificate.objects.exists()
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


def test_a_public_response_without_a_token_may_be_kept_by_shared_caches() -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.http import HttpResponse
    from django.middleware.csrf import get_token
    from django.test import RequestFactory

    from xinban.publication.views import _public_cache

    def plain(request: Any) -> HttpResponse:
        return HttpResponse("ok")

    def with_token(request: Any) -> HttpResponse:
        return HttpResponse(get_token(request))

    for view, expected in ((plain, "public"), (with_token, "private")):
        request = RequestFactory().get("/")
        request.user = AnonymousUser()
        response = _public_cache(view)(request)
        assert expected in response["Cache-Control"], view.__name__
        assert "max-age=60" in response["Cache-Control"]
