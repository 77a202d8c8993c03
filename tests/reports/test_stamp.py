"""附件6 carries the signed code (issue 15 §2; docs/rules.md, "The stamp check") in its
Excel and Word forms, read back from the files."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.reports.conftest import complete_statistics
from xinban.core.stamp import parse, read_payloads
from xinban.reports import documents, services

pytestmark = pytest.mark.django_db


def download(user: Any, unit: Any, fmt: str) -> bytes:
    client = Client()
    client.force_login(user)
    response = client.get(
        reverse("reports:statistics_download", kwargs={"unit_pk": unit.pk, "fmt": fmt})
    )
    assert response.status_code == 200
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def embedded_code(content: bytes, media: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        (name,) = [n for n in archive.namelist() if n.startswith(media)]
        return archive.read(name)


def test_form6_carries_the_code_of_what_it_prints(
    unit_x: Any, campaign: Any, unit_x_admin: Any
) -> None:
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)
    services.statistics_save(actor=unit_x_admin, report=report, data=complete_statistics())
    report = services.statistics_report_for(unit=unit_x, campaign=campaign)  # as stored
    expected = documents.form6_stamp(report)
    assert expected.kind == "A6" and expected.version == report.version

    xlsx = download(unit_x_admin, unit_x, "xlsx")
    assert [parse(p) for p in read_payloads(embedded_code(xlsx, "xl/media/"))] == [expected]
    assert load_workbook(io.BytesIO(xlsx))["成果统计表"].oddFooter.right.text == expected.footer

    word = download(unit_x_admin, unit_x, "docx")
    assert [parse(p) for p in read_payloads(embedded_code(word, "word/media/"))] == [expected]
    footers = "\n".join(
        p.text for p in docx.Document(io.BytesIO(word)).sections[0].footer.paragraphs
    )
    assert expected.footer in footers

    # What it prints changes the code.
    services.statistics_save(
        actor=unit_x_admin, report=report, data=complete_statistics(participants=900)
    )
    changed = services.statistics_report_for(unit=unit_x, campaign=campaign)
    assert documents.form6_stamp(changed).mac != expected.mac
