"""Notices as pages (formatted body, attachments, drafts for staff only) and the year's
blank forms 附件1–7, read back from the real Word and Excel files."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from xinban.publication.models import Notice, NoticeAttachment

pytestmark = pytest.mark.django_db

BODY = """## 一、活动安排

请各单位于 **5月31日** 前完成报名。详见[平台说明](https://example.org/guide)。

- 报名：附件2
- 申报：附件3

| 阶段 | 时间 |
| --- | --- |
| 报名 | 5月 |

<script>alert("x")</script>
"""


@pytest.fixture
def notice(campaign: Any) -> Notice:
    campaign.contact_name = "王老师"
    campaign.contact_phone = "021-6888 1234"
    campaign.save()
    notice = Notice.objects.create(
        title=f"关于开展{campaign.year}年质量信得过班组建设活动的通知", body=BODY, campaign=campaign
    )
    item = NoticeAttachment(notice=notice, title="活动说明.pdf")
    item.file.save("guide.pdf", ContentFile(b"%PDF-1.4 notice attachment"), save=True)
    return notice


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_notice_page_renders_formatted_body_and_attachments(notice: Notice) -> None:
    response = Client().get(reverse("publication:notice_detail", args=[notice.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h2>一、活动安排</h2>" in html
    assert "<strong>5月31日</strong>" in html
    assert '<a href="https://example.org/guide">平台说明</a>' in html
    assert "<li>报名：附件2</li>" in html and "<td>5月</td>" in html
    # Raw HTML in the body is shown as text, never run.
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    attachment = notice.attachments.get()
    url = reverse("publication:notice_attachment", args=[notice.pk, attachment.pk])
    assert url in html and "活动说明.pdf" in html
    download = Client().get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF-1.4 notice attachment"  # type: ignore[attr-defined]
    assert "attachment" in download["Content-Disposition"]
    # The contact staff set on the year.
    assert "王老师" in html and "021-6888 1234" in html
    # The list and the home page link to it.
    assert (
        reverse("publication:notice_detail", args=[notice.pk])
        in Client().get(reverse("publication:notices")).content.decode()
    )
    home = Client().get(reverse("core:home")).content.decode()
    assert reverse("publication:notice_detail", args=[notice.pk]) in home


def test_a_draft_notice_is_for_staff_only(
    notice: Notice, campaign: Any, staff: Any, applicant_a: Any
) -> None:
    notice.is_published = False
    notice.save()
    url = reverse("publication:notice_detail", args=[notice.pk])
    attachment_url = reverse(
        "publication:notice_attachment", args=[notice.pk, notice.attachments.get().pk]
    )
    assert Client().get(url).status_code == 404
    assert client_for(applicant_a).get(url).status_code == 404
    assert client_for(applicant_a).get(attachment_url).status_code == 404
    assert notice.title not in Client().get(reverse("publication:notices")).content.decode()
    assert client_for(staff).get(url).status_code == 200
    # Nor are the year's blank forms public before its notice is.
    form = reverse(
        "publication:blank_form", kwargs={"year": campaign.year, "number": 3, "fmt": "docx"}
    )
    assert Client().get(form).status_code == 404
    assert client_for(staff).get(form).status_code == 200


def _download(url: str) -> bytes:
    response = Client().get(url)
    assert response.status_code == 200, url
    assert "attachment" in response["Content-Disposition"]
    return b"".join(response.streaming_content)  # type: ignore[attr-defined]


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def test_blank_forms_download_and_read_back(notice: Notice, campaign: Any, org_a: Any) -> None:
    """Every form the page offers downloads and reads back with its title and headers,
    and none carries an applicant's data (org_a registered this year)."""
    year = campaign.year
    html = Client().get(reverse("publication:notice_detail", args=[notice.pk])).content.decode()
    expected = {
        (1, "docx"): ["附件1", f"{year}年上海市“质量信得过班组”建设活动安排", "责任单位"],
        (2, "docx"): ["附件2", f"{year}年上海市“质量信得过班组”建设活动报名表", "活动推进者姓名"],
        (3, "docx"): ["附件3", f"{year}年上海市“质量信得过班组”建设活动申报表", "组织承诺"],
        (4, "docx"): ["附件4", "形式审查要求", "六方面创建材料完整"],
        (5, "docx"): ["附件5", f"{year}年上海市“质量信得过班组”建设经验推荐表", "TGQ 评委证书号"],
        (6, "docx"): ["附件6", f"{year}年上海市“质量信得过班组”建设活动成果统计表", "统计项目"],
        (7, "docx"): ["附件7", f"{year}年开展“质量信得过班组”建设活动推进工作总结", "参与人数"],
    }
    for (number, fmt), words in expected.items():
        url = reverse("publication:blank_form", kwargs={"year": year, "number": number, "fmt": fmt})
        assert url in html
        text = _docx_text(_download(url))
        for word in words:
            assert word in text, (number, word)
        assert org_a.name not in text and "☑" not in text, number
        assert "草稿" not in text
    # 附件6 also as Excel.
    url = reverse("publication:blank_form", kwargs={"year": year, "number": 6, "fmt": "xlsx"})
    assert url in html
    sheet = load_workbook(io.BytesIO(_download(url))).active
    assert sheet is not None
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "附件6" in cells and "统计项目" in cells
    assert any(f"{year}年上海市“质量信得过班组”建设活动成果统计表" in c for c in cells)
    # 附件3's options are printed, none ticked.
    form3 = _docx_text(
        _download(
            reverse("publication:blank_form", kwargs={"year": year, "number": 3, "fmt": "docx"})
        )
    )
    assert "☐是" in form3 and "☐国有" in form3 and "☐制造" in form3


def test_blank_form_unknown_number_format_or_year_is_404(notice: Notice, campaign: Any) -> None:
    year = campaign.year
    for kwargs in (
        {"year": year, "number": 8, "fmt": "docx"},
        {"year": year, "number": 3, "fmt": "xlsx"},
        {"year": year, "number": 3, "fmt": "pdf"},
        {"year": year + 5, "number": 3, "fmt": "docx"},
        {"year": 10**12, "number": 3, "fmt": "docx"},
    ):
        assert Client().get(reverse("publication:blank_form", kwargs=kwargs)).status_code == 404


def test_the_api_lists_notices_with_their_files(notice: Notice, campaign: Any) -> None:
    Notice.objects.create(title="草拟中", body="未发布", is_published=False)
    [item] = Client().get("/api/public/notices").json()
    assert item["title"] == notice.title and item["year"] == campaign.year
    assert item["page_url"] == reverse("publication:notice_detail", args=[notice.pk])
    assert [a["title"] for a in item["attachments"]] == ["活动说明.pdf"]
    urls = [f["url"] for f in item["blank_forms"]]
    assert len(urls) == 8  # 附件1–7, 附件6 twice
    assert Client().get(item["attachments"][0]["url"]).status_code == 200
    assert Client().get(urls[0]).status_code == 200
