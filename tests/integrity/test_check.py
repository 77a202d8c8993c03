"""The check as a service and a task: run at submission, a planted copy found with its
passages and areas, the form's prompts discounted, attachments' text read (and scans
reported), staff's re-run audited."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import pdf_bytes
from tests.integrity.conftest import PROMPT, random_text
from tests.recommendation.factories import make_application
from xinban.applications.models import Application, Attachment, MaterialArea
from xinban.core.errors import NotAllowed
from xinban.core.models import AuditEntry
from xinban.integrity import services
from xinban.integrity.extract import attachment_text
from xinban.integrity.models import CheckStatus, SimilarityCheck
from xinban.tasks.models import Task
from xinban.tasks.testing import drain

pytestmark = pytest.mark.django_db


def own_materials(seed: int, **texts: str) -> dict[str, str]:
    """Six areas of text of its own (the shared defaults of application_data would match)."""
    fields = [
        "material_composition",
        "material_basic_management",
        "material_skills",
        "material_improvement",
        "material_results",
        "material_honours",
    ]
    materials = {f: random_text(60, seed * 10 + n) for n, f in enumerate(fields)}
    materials.update(texts)
    return materials


_SEEDS = iter(range(1000, 2000))


def _source(
    org: Any, unit: Any, campaign: Any, text: str, team: str = "质检一班", **extra: Any
) -> Application:
    return make_application(
        organisation=org,
        unit=unit,
        campaign=campaign,
        team_name=team,
        **own_materials(next(_SEEDS), material_improvement=text),
        **extra,
    )


def test_submission_queues_the_check_and_the_task_finds_the_copy(
    campaign: Any, org_a: Any, org_b: Any, unit_x: Any, unit_y: Any, draft_a: Any, applicant_a: Any
) -> None:
    from xinban.applications.services import application_stamped_form_upload, application_submit

    source_text = random_text(2000, 1)
    source = _source(org_b, unit_y, campaign, source_text, team="维修二班")
    copied = source_text[500:1100]
    materials = own_materials(3, material_improvement=random_text(800, 2) + copied)
    Application.objects.filter(pk=draft_a.pk).update(**materials)
    draft_a.refresh_from_db()
    application_stamped_form_upload(
        actor=applicant_a,
        application=draft_a,
        file=SimpleUploadedFile("盖章.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    application_submit(actor=applicant_a, application=draft_a)
    task = Task.objects.get(name="integrity.check")
    assert task.kwargs == {"application_id": draft_a.pk, "user_id": applicant_a.pk}
    assert task.created_by == applicant_a
    assert drain() >= 1
    check = SimilarityCheck.objects.get(application=draft_a)
    assert check.status == CheckStatus.DONE
    assert [m["application_id"] for m in check.matches] == [source.pk]
    match = check.matches[0]
    assert match["team"] == "维修二班"
    assert match["year"] == campaign.year
    assert match["area"] == str(MaterialArea.IMPROVEMENT.label)
    assert 0.3 < match["share"] < 0.45
    assert check.overall == pytest.approx(match["share"], abs=0.01)
    joined = "".join(p["text"] for p in match["passages"])
    assert len(joined) >= 550
    for p in match["passages"]:
        assert p["source_text"] in source_text, (p, len(match["passages"]))
    entry = AuditEntry.objects.get(action="similarity.check")
    assert entry.object_id == str(draft_a.pk)
    assert entry.channel.startswith("task:integrity.check")


def test_form_prompts_shared_by_many_do_not_match(campaign: Any, unit_x: Any, org_a: Any) -> None:
    from tests.recommendation.factories import make_organisation

    apps = []
    for n in range(8):
        org = make_organisation(f"提示语单位{n}")
        apps.append(_source(org, unit_x, campaign, PROMPT + random_text(600, 100 + n) + PROMPT * 2))
    for app in apps[:-1]:
        services.document_refresh(app)
    check = services.similarity_check_run(application_id=apps[-1].pk)
    assert check.matches == []
    assert check.overall == 0


def test_past_years_and_imported_history_are_sources(
    campaign: Any, org_a: Any, unit_x: Any
) -> None:
    from xinban.campaigns.models import Campaign
    from xinban.imports.models import ImportedRecord

    past = Campaign.objects.create(year=campaign.year - 3, title="往年")
    old_text = random_text(1500, 5)
    old = _source(org_a, unit_x, past, old_text, team="老班组")
    ImportedRecord.objects.create(application=old)
    new = make_application(
        organisation=org_a,
        unit=unit_x,
        campaign=campaign,
        team_type="管理型",
        **own_materials(4, material_results=old_text[:900].replace("，", ",")),
    )
    check = services.similarity_check_run(application_id=new.pk)
    assert [(m["application_id"], m["year"]) for m in check.matches] == [
        (old.pk, campaign.year - 3)
    ]
    assert 0.6 < check.matches[0]["share"] < 0.8


def _docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    for line in text.split("。"):
        document.add_paragraph(line + "。")
    buffer = BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_attachment_text_from_word_and_pdf_and_scans_reported(
    campaign: Any, org_a: Any, org_b: Any, unit_x: Any
) -> None:
    assert attachment_text("a.docx", _docx("班组管理制度。标准化作业")) is not None
    assert "stamped attachment text" in (
        attachment_text("b.pdf", pdf_bytes("stamped attachment text")) or ""
    )
    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.rect(72, 72, 300, 300, fill=1)  # a page with no text layer, as a scan
    pdf.showPage()
    pdf.save()
    assert attachment_text("scan.pdf", buffer.getvalue()) is None
    assert attachment_text("photo.jpg", b"\xff\xd8\xff") is None
    assert attachment_text("broken.pdf", b"%PDF-1.4 broken") is None

    source_text = random_text(1500, 7)
    source = _source(org_b, unit_x, campaign, random_text(400, 8), team="来源班组")
    word = _docx(source_text)
    Attachment.objects.create(
        application=source,
        area=MaterialArea.SKILLS,
        file=SimpleUploadedFile("培训记录.docx", word),
        original_name="培训记录.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=len(word),
        sha256="0" * 64,
    )
    services.document_refresh(source)
    mine = _source(org_a, unit_x, campaign, random_text(300, 9) + source_text[:700])
    Attachment.objects.create(
        application=mine,
        area=MaterialArea.HONOURS,
        file=SimpleUploadedFile("荣誉证书.pdf", buffer.getvalue()),
        original_name="荣誉证书.pdf",
        content_type="application/pdf",
        size=len(buffer.getvalue()),
        sha256="0" * 64,
    )
    check = services.similarity_check_run(application_id=mine.pk)
    assert check.unreadable == ["荣誉证书.pdf"]
    assert [m["application_id"] for m in check.matches] == [source.pk]
    assert check.matches[0]["passages"][0]["source_area"] == "附件：培训记录.docx"


def test_staff_rerun_is_audited_and_others_are_refused(
    campaign: Any, org_a: Any, unit_x: Any, staff: Any, applicant_a: Any
) -> None:
    app = _source(org_a, unit_x, campaign, random_text(500, 10))
    with pytest.raises(NotAllowed):
        services.similarity_check_request(actor=applicant_a, application=app)
    services.similarity_check_request(actor=staff, application=app)
    assert SimilarityCheck.objects.get(application=app).status == CheckStatus.PENDING
    assert AuditEntry.objects.filter(action="similarity.request", actor=staff).count() == 1
    drain()
    assert SimilarityCheck.objects.get(application=app).status == CheckStatus.DONE


def test_index_survives_a_lost_file_and_is_rebuilt_from_rows(
    campaign: Any, org_a: Any, org_b: Any, unit_x: Any
) -> None:
    text = random_text(1500, 12)
    source = _source(org_b, unit_x, campaign, text)
    services.similarity_check_run(application_id=source.pk)
    services.index_path().unlink()
    services._CACHE.clear()
    copy = _source(org_a, unit_x, campaign, text[:800])
    check = services.similarity_check_run(application_id=copy.pk)
    assert [m["application_id"] for m in check.matches] == [source.pk]
    assert services.index_path().exists()


def test_a_file_of_another_index_layout_is_rebuilt_from_rows(
    campaign: Any, org_a: Any, org_b: Any, unit_x: Any
) -> None:
    """A pickle written by an earlier version (same key, no or another format) is not
    used: the index is rebuilt from the rows and the copy still found."""
    import pickle

    text = random_text(1500, 14)
    source = _source(org_b, unit_x, campaign, text)
    services.similarity_check_run(application_id=source.pk)
    path = services.index_path()
    with path.open("rb") as handle:
        stored = pickle.load(handle)  # noqa: S301 (the test's own file)
    with path.open("wb") as handle:
        pickle.dump({"key": stored["key"], "index": object()}, handle)
    services._CACHE.clear()
    copy = _source(org_a, unit_x, campaign, text[:800])
    check = services.similarity_check_run(application_id=copy.pk)
    assert [m["application_id"] for m in check.matches] == [source.pk]


def test_a_failing_check_is_shown_as_failed(
    campaign: Any, org_a: Any, unit_x: Any, staff: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xinban.integrity import tasks

    app = _source(org_a, unit_x, campaign, random_text(500, 13))
    services.similarity_check_request(actor=staff, application=app)

    def broken(**_: Any) -> None:
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(tasks, "similarity_check_run", broken)
    drain()
    assert SimilarityCheck.objects.get(application=app).status == CheckStatus.FAILED
    assert Task.objects.get(name="integrity.check").state != "done"
