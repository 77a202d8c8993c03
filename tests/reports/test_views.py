"""The pages of 附件6/附件7 and the staff overview, per persona: a unit never sees another
unit's reports (404), its plain members only look (403 on writes), staff look and remind."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.conftest import pdf_bytes
from tests.reports.conftest import EVENT, complete_statistics, stamped_submit, summary_data
from xinban.core.models import AuditEntry
from xinban.reports import services
from xinban.reports.models import FilingStatus, StatisticsReport, WorkSummary

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def urls(unit: Any) -> list[str]:
    return [
        reverse("reports:unit", args=[unit.pk]),
        reverse("reports:statistics", args=[unit.pk]),
        reverse("reports:statistics_download", args=[unit.pk, "xlsx"]),
        reverse("reports:statistics_download", args=[unit.pk, "docx"]),
        reverse("reports:summary", args=[unit.pk]),
        reverse("reports:summary_download", args=[unit.pk]),
    ]


def test_another_unit_gets_404_everywhere(
    campaign: Any, unit_x: Any, unit_x_admin: Any, unit_y_admin: Any, applicant_a: Any
) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    services.statistics_save(actor=unit_x_admin, report=report, data={"teams": 3})
    for user in (unit_y_admin, applicant_a):
        client = client_for(user)
        for url in urls(unit_x):
            assert client.get(url).status_code == 404, url
        assert client.post(urls(unit_x)[1], {"teams": "1"}).status_code == 404
    report.refresh_from_db()
    assert report.teams == 3


def test_member_looks_but_cannot_write_and_staff_too(
    campaign: Any, unit_x: Any, unit_x_member: Any, staff: Any
) -> None:
    for user in (unit_x_member, staff):
        client = client_for(user)
        for url in urls(unit_x):
            response = client.get(url)
            assert response.status_code == 200, url
        assert client.post(urls(unit_x)[1], {"teams": "1"}).status_code == 403
        assert client.post(urls(unit_x)[4], {"overview": "x"}).status_code == 403
    assert not StatisticsReport.objects.exists() and not WorkSummary.objects.exists()


def test_statistics_page_shows_platform_figures_and_highlights_differences(
    campaign: Any, unit_x: Any, unit_x_admin: Any, history: dict[str, Any]
) -> None:
    client = client_for(unit_x_admin)
    url = reverse("reports:statistics", args=[unit_x.pk])
    page = client.get(url).content.decode()
    assert 'data-platform="3"' in page and 'data-platform="4"' in page
    response = client.post(url, {"action": "save", "teams": "7", "enterprises": "2"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert 'id="item-teams" class="table-warning"' in page
    assert 'id="item-enterprises" class=""' in page
    assert "data-differences" in page


def test_statistics_submit_through_the_page_keeps_input_on_refusal(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    client = client_for(unit_x_admin)
    url = reverse("reports:statistics", args=[unit_x.pk])
    response = client.post(url, {"action": "submit", "teams": "3", "contact_mobile": "123"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "contact_mobile" in page and 'value="123"' in page  # kept, with its error
    assert not StatisticsReport.objects.filter(status=FilingStatus.SUBMITTED).exists()
    data = {
        k: ("1" if v is True else "0" if v is False else v)
        for k, v in complete_statistics().items()
    }
    data["fill_date"] = "2026-06-01"
    data["action"] = "submit"
    response = client.post(url, data)  # rule 11: not without the stamped scan
    assert response.status_code == 200
    assert "请上传加盖公章的成果统计表扫描件" in response.content.decode()
    assert StatisticsReport.objects.get().status == FilingStatus.DRAFT
    scan = SimpleUploadedFile("盖章统计表.pdf", pdf_bytes(), content_type="application/pdf")
    uploaded = client.post(reverse("reports:statistics_scan", args=[unit_x.pk]), {"file": scan})
    assert uploaded.status_code == 302
    page = client.get(url).content.decode()
    assert "盖章统计表.pdf" in page
    download = client.get(reverse("reports:statistics_scan_download", args=[unit_x.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]
    response = client.post(url, data)
    assert response.status_code == 302
    assert StatisticsReport.objects.get().status == FilingStatus.SUBMITTED


def test_summary_page_refuses_short_text_with_the_count_and_saves_the_draft(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    client = client_for(unit_x_admin)
    url = reverse("reports:summary", args=[unit_x.pk])
    assert client.get(url).status_code == 200
    data: dict[str, Any] = {
        "events-TOTAL_FORMS": "2",
        "events-INITIAL_FORMS": "0",
        "events-MIN_NUM_FORMS": "0",
        "events-MAX_NUM_FORMS": "200",
        "action": "submit",
        **summary_data(per_section=100),
    }
    for key, value in EVENT.items():
        data[f"events-0-{key}"] = value
    data["events-1-name"] = "只填了名称"  # a half-filled row: its fields are flagged
    response = client.post(url, data)
    assert response.status_code == 200
    assert "请填写此项" in response.content.decode()
    data["events-1-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    summary = WorkSummary.objects.get()
    assert summary.status == FilingStatus.DRAFT and summary.events.count() == 1
    assert "工作总结目前" in page and "要求 3,000 字以上" in page
    data.update(summary_data(per_section=520))
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert WorkSummary.objects.get().status == FilingStatus.SUBMITTED


def test_downloads_are_attachments_named_as_the_notice_says(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    client = client_for(unit_x_admin)
    for url, name in zip(
        urls(unit_x)[2:4] + urls(unit_x)[5:],
        # Nothing written yet: the summary is a draft, and its file says so.
        ("信班活动统计表.xlsx", "信班活动统计表.docx", "班组总结-草稿.docx"),
        strict=True,
    ):
        response = client.get(url)
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment")
        from urllib.parse import unquote

        assert unquote(disposition).endswith(f"浦东新区{name}"), disposition
        assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        client.get(reverse("reports:statistics_download", args=[unit_x.pk, "pdf"])).status_code
        == 404
    )


def test_staff_overview_and_one_click_reminder(
    campaign: Any,
    unit_x: Any,
    unit_y: Any,
    unit_x_admin: Any,
    unit_y_admin: Any,
    staff: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    summary = services.work_summary_for(unit=unit_x, campaign=campaign)
    services.summary_save(
        actor=unit_x_admin, summary=summary, data=summary_data(520), events=[EVENT]
    )
    services.summary_submit(actor=unit_x_admin, summary=summary)
    client = client_for(staff)
    page = client.get(reverse("reports:staff")).content.decode()
    assert "浦东新区" in page and "黄浦区" in page
    for user in (unit_x_admin, unit_y_admin):
        assert client_for(user).get(reverse("reports:staff")).status_code == 403
        assert client_for(user).post(reverse("reports:remind")).status_code == 403
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:remind"))
    assert response.status_code == 302

    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {unit_x_admin.email, unit_y_admin.email}
    assert "附件5、附件6" in sent[unit_x_admin.email].body
    assert "附件7" not in sent[unit_x_admin.email].body.split("：", 2)[-1].split("。")[0]
    assert "附件5、附件6、附件7" in sent[unit_y_admin.email].body
    entry = AuditEntry.objects.get(action="reports.remind")
    assert entry.changes["count"] == 2


def test_rollup_page_and_export_are_staff_only(
    campaign: Any, unit_x: Any, unit_x_admin: Any, staff: Any
) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    services.statistics_save(actor=unit_x_admin, report=report, data=complete_statistics())
    stamped_submit(unit_x_admin, report)
    client = client_for(staff)
    page = client.get(reverse("reports:rollup")).content.decode()
    assert "data-totals" in page
    response = client.get(reverse("reports:rollup_download"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    assert client_for(unit_x_admin).get(reverse("reports:rollup")).status_code == 403


def test_filling_the_blanks_keeps_what_was_typed(
    campaign: Any, unit_x: Any, unit_x_admin: Any, history: dict[str, Any]
) -> None:
    client = client_for(unit_x_admin)
    url = reverse("reports:statistics", args=[unit_x.pk])
    # Invalid input: shown again with its error, nothing saved, nothing filled.
    refused = client.post(url, {"action": "fill", "teams": "7", "contact_mobile": "123"})
    assert refused.status_code == 200 and 'value="123"' in refused.content.decode()
    assert not StatisticsReport.objects.filter(teams__isnull=False).exists()
    typed = {"action": "fill", "teams": "7", "funding": "12.5", "features_and_problems": "特点"}
    response = client.post(url, typed)
    assert response.status_code == 302
    report = StatisticsReport.objects.get(unit=unit_x)
    assert report.teams == 7  # typed: kept, not replaced by the platform's figure
    assert report.funding == Decimal("12.5") and report.features_and_problems == "特点"
    assert (report.enterprises, report.recommended) == (2, 2)  # blank: the platform's
    assert AuditEntry.objects.filter(action="reports.statistics_save").count() == 1


def test_staff_overview_links_form5_only_for_the_current_year(
    campaign: Any, unit_x: Any, staff: Any, history: dict[str, Any]
) -> None:
    client = client_for(staff)
    form5 = reverse("recommendation:report", args=[unit_x.pk])
    assert form5 in client.get(reverse("reports:staff")).content.decode()
    past = client.get(reverse("reports:staff"), {"year": campaign.year - 1}).content.decode()
    assert form5 not in past  # 附件5's page shows the current year only
    assert f"?year={campaign.year - 1}" in past  # 附件6 and 附件7 of that year


def test_the_statistics_page_gives_units_of_measure_in_the_users_language(
    campaign: Any, unit_x: Any, unit_x_admin: Any
) -> None:
    url = reverse("reports:statistics", args=[unit_x.pk])
    client = client_for(unit_x_admin)
    chinese = {line.field: line.unit_label for line, _field in client.get(url).context["lines"]}
    assert chinese["participants"] == "人次" and chinese["funding"] == "万元"
    assert chinese["teams"] == "个" and chinese["certified_judges"] == "人"
    english = {
        line.field: line.unit_label
        for line, _field in client.get(url, HTTP_ACCEPT_LANGUAGE="en").context["lines"]
    }
    assert english["participants"] == "attendances"
    assert english["funding"] == "×10,000 CNY"
    assert english["teams"] == "count" and english["certified_judges"] == "persons"
