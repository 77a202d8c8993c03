"""Exports of a user's own lists and of the staff's account-side lists: 通知
(notifications:inbox), 邮件模板 (notifications:templates), API 令牌 (api:tokens), 历年数据
导入 (imports:home). The same selectors and rights as the pages; every file read back."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from tests.exports.kit import client_for, download
from tests.imports.conftest import good_rows, upload, xlsx
from xinban.api import services as api_services
from xinban.imports import services as import_services
from xinban.notifications.models import EmailTemplate, Notification
from xinban.tasks.models import Task
from xinban.tasks.testing import drain

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _chinese() -> Any:
    with translation.override("zh-hans"):
        yield


def workbook_rows(content: bytes) -> list[tuple[Any, ...]]:
    """The rows, each as wide as the header (a row's empty cells at its end are not
    written)."""
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    width = len(rows[0])
    return [tuple(row) + (None,) * (width - len(row)) for row in rows]


def rows_of(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200, response.content[:300]
    return workbook_rows(b"".join(response.streaming_content))


# ----------------------------------------------------------------------- notifications


def test_each_user_exports_their_own_notifications(
    applicant_a: Any, applicant_b: Any, staff: Any
) -> None:
    old = Notification.objects.create(user=applicant_a, title="申报已提交", body="已提交")
    Notification.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=1), read_at=timezone.now()
    )
    Notification.objects.create(user=applicant_a, title="=1+1", body="@SUM(1)")
    Notification.objects.create(user=applicant_b, title="乙的通知", body="乙")
    client = client_for(applicant_a)
    page = client.get(reverse("notifications:inbox"))
    assert download("notifications") in page.content.decode()
    rows = rows_of(client.get(download("notifications")))
    assert rows[0] == ("时间", "标题", "内容", "已读时间")
    assert [r[1].lstrip("'") for r in rows[1:]] == [n.title for n in page.context["page"]]
    assert [(r[1], r[2]) for r in rows[1:]] == [("'=1+1", "'@SUM(1)"), ("申报已提交", "已提交")]
    assert rows[1][3] is None and rows[2][3] is not None  # unread, then read
    assert "乙的通知" not in {r[1] for r in rows}
    # B's own only; someone without notifications: an empty file.
    assert [r[1] for r in rows_of(client_for(applicant_b).get(download("notifications")))[1:]] == [
        "乙的通知"
    ]
    assert rows_of(client_for(staff).get(download("notifications")))[1:] == []
    assert Client().get(download("notifications")).status_code == 302
    api = rows_of(client_for(applicant_b).get("/api/exports/notifications.xlsx"))
    assert [r[1] for r in api[1:]] == ["乙的通知"]


def test_a_large_inbox_is_exported_in_the_background(
    settings: Any, applicant_a: Any, applicant_b: Any
) -> None:
    settings.XINBAN_EXPORT_BACKGROUND_ROWS = 2
    Notification.objects.bulk_create(
        [Notification(user=applicant_a, title=f"通知{n}") for n in range(3)]
        + [Notification(user=applicant_b, title="乙的通知")]
    )
    client = client_for(applicant_a)
    response = client.get(download("notifications"))
    assert response.status_code == 302
    task = Task.objects.get(name="exports.xlsx")
    drain()
    task.refresh_from_db()
    assert task.state == "done" and task.progress_total == 3
    rows = rows_of(client.get(reverse("tasks:download", args=[task.pk])))
    assert sorted(r[1] for r in rows[1:]) == ["通知0", "通知1", "通知2"]
    # The task is A's: B cannot fetch it.
    assert client_for(applicant_b).get(reverse("tasks:download", args=[task.pk])).status_code == 404


def test_only_staff_export_the_email_templates(
    staff: Any, applicant_a: Any, unit_x_admin: Any, guide: Any
) -> None:
    EmailTemplate.objects.create(
        key="application_returned", subject_zh="=1+1", body_zh="正文", updated_by=staff
    )
    client = client_for(staff)
    page = client.get(reverse("notifications:templates"))
    assert download("email_templates") in page.content.decode()
    rows = rows_of(client.get(download("email_templates")))
    assert rows[0] == ("事件", "默认主题", "已修改", "修改时间")
    assert [r[0] for r in rows[1:]] == [row["key"] for row in page.context["rows"]]
    edited = {r[0]: r for r in rows[1:] if r[2] == "是"}
    assert set(edited) == {"application_returned"}
    assert edited["application_returned"][3] is not None
    assert all(r[3] is None for r in rows[1:] if r[2] is None)
    assert all(r[1] and "<" not in r[1] for r in rows[1:])  # the default subjects, as shown
    for user in (applicant_a, unit_x_admin, guide):
        assert client_for(user).get(download("email_templates")).status_code == 403
        assert client_for(user).get("/api/exports/email_templates.xlsx").status_code == 403
    assert Client().get(download("email_templates")).status_code == 302


# -------------------------------------------------------------------------- API tokens


def test_each_user_exports_their_own_tokens_never_a_secret(
    applicant_a: Any, applicant_b: Any, staff: Any
) -> None:
    later = timezone.now() + timedelta(days=30)
    kept, kept_secret = api_services.token_create(
        actor=applicant_a, name="=1+1", scopes=["read"], expires_at=later
    )
    revoked, revoked_secret = api_services.token_create(
        actor=applicant_a, name="旧系统", scopes=["read", "me:write"]
    )
    api_services.token_revoke(actor=applicant_a, token=revoked)
    expired, expired_secret = api_services.token_create(
        actor=applicant_a, name="过期的", scopes=["read"], expires_at=later
    )
    type(expired).objects.filter(pk=expired.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    _b_token, b_secret = api_services.token_create(
        actor=applicant_b, name="乙的令牌", scopes=["read"]
    )
    client = client_for(applicant_a)
    page = client.get(reverse("api:tokens"))
    assert download("api_tokens") in page.content.decode()
    rows = rows_of(client.get(download("api_tokens")))
    assert rows[0] == (
        "名称",
        "令牌前缀",
        "权限范围",
        "创建时间",
        "最近使用",
        "有效期至",
        "撤销时间",
        "状态",
    )
    assert [r[0].lstrip("'") for r in rows[1:]] == [
        row["token"].name for row in page.context["rows"]
    ]
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"'=1+1", "旧系统", "过期的"}  # neutralised; B's absent
    assert by_name["'=1+1"][1] == kept.prefix and by_name["'=1+1"][2] == "read"
    assert by_name["'=1+1"][7] == "有效" and by_name["'=1+1"][4] is None
    assert by_name["旧系统"][2] == "me:write、read"
    assert by_name["旧系统"][5] == "永不过期" and by_name["旧系统"][6] is not None
    assert by_name["旧系统"][7] == "已撤销"
    assert by_name["过期的"][7] == "已过期"
    # Never a secret nor its digest, whatever part of the file is looked at.
    cells = {str(cell) for row in rows for cell in row}
    for token, secret in (
        (kept, kept_secret),
        (revoked, revoked_secret),
        (expired, expired_secret),
    ):
        assert secret not in cells and token.token_hash not in cells
        assert not any(secret in cell or token.token_hash in cell for cell in cells)
    assert not any(b_secret in cell for cell in cells)
    # B's own; staff has none; anonymous to the login page.
    assert [r[0] for r in rows_of(client_for(applicant_b).get(download("api_tokens")))[1:]] == [
        "乙的令牌"
    ]
    assert rows_of(client_for(staff).get(download("api_tokens")))[1:] == []
    assert Client().get(download("api_tokens")).status_code == 302
    # Through the API with B's own token: B's list.
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {b_secret}")
    assert [r[0] for r in rows_of(bearer.get("/api/exports/api_tokens.xlsx"))[1:]] == ["乙的令牌"]


# ----------------------------------------------------------------------------- imports


def test_only_staff_export_the_import_history(
    campaign: Any,
    unit_x: Any,
    unit_y: Any,
    staff: Any,
    applicant_a: Any,
    unit_x_admin: Any,
    guide: Any,
) -> None:
    year = campaign.year - 1
    first = import_services.import_check(actor=staff, file=upload(xlsx(good_rows(year))))
    second = import_services.import_check(
        actor=staff, file=upload(xlsx([["不是年份"]]), name="=1+1.xlsx")
    )
    client = client_for(staff)
    page = client.get(reverse("imports:home"))
    assert download("import_batches") in page.content.decode()
    rows = rows_of(client.get(download("import_batches")))
    assert rows[0] == (
        "文件",
        "上传时间",
        "数据行数",
        "错误数",
        "状态",
        "新增",
        "更新",
        "无变化",
        "上传人",
        "导入时间",
    )
    assert [r[0].lstrip("'") for r in rows[1:]] == [
        b.original_name for b in page.context["batches"]
    ]
    assert [r[0].lstrip("'") for r in rows[1:]] == [second.original_name, first.original_name]
    newest, oldest = rows[1], rows[2]
    assert newest[0].startswith("'=")  # neutralised
    assert newest[3] == second.error_count > 0 and newest[4] == "已预检"
    assert oldest[2] == first.total_rows and oldest[3] == 0
    assert oldest[8] == staff.email and oldest[9] is None
    for user in (applicant_a, unit_x_admin, guide):
        assert client_for(user).get(download("import_batches")).status_code == 403
        assert client_for(user).get("/api/exports/import_batches.xlsx").status_code == 403
    assert Client().get(download("import_batches")).status_code == 302


def test_a_batchs_error_report_and_preview_export_as_the_page_shows_them(
    campaign: Any, unit_x: Any, unit_y: Any, staff: Any, applicant_a: Any, guide: Any
) -> None:
    year = campaign.year - 1
    rows = good_rows(year)
    bad = [*rows, [year, "浦东新区", "=HYPERLINK(1)", "", "", "", "十二", "", "", "", "优秀", ""]]
    failed = import_services.import_check(actor=staff, file=upload(xlsx(bad)))
    checked = import_services.import_check(actor=staff, file=upload(xlsx(rows)))
    client = client_for(staff)

    page = client.get(reverse("imports:batch", args=[failed.pk]))
    errors_url = f"{download('import_errors')}?batch={failed.pk}"
    assert errors_url in page.content.decode()
    errors = rows_of(client.get(errors_url))
    assert errors[0] == ("行号", "列", "错误说明")
    assert [(r[0], r[1], r[2]) for r in errors[1:]] == [
        (e["row"], e["column"], e["message"]) for e in page.context["batch"].errors
    ]
    assert len(errors) - 1 == failed.error_count > 0
    assert {r[0] for r in errors[1:]} == {len(rows) + 2}  # the bad line, under the header

    preview_url = f"{download('import_preview')}?batch={checked.pk}"
    assert preview_url in client.get(reverse("imports:batch", args=[checked.pk])).content.decode()
    preview = rows_of(client.get(preview_url))
    assert preview[0] == ("行号", "年度", "推荐单位", "单位名称", "班组名称", "评价结果", "处理")
    assert [(r[0], r[4]) for r in preview[1:]] == [(r["row"], r["team"]) for r in checked.preview]
    assert {r[6] for r in preview[1:]} == {"新增"}
    # A batch without errors exports an empty report; unknown or malformed ids are 404.
    assert rows_of(client.get(f"{download('import_errors')}?batch={checked.pk}"))[1:] == []
    for bad_id in ("999999", "x", "", "1" * 30):
        assert client.get(f"{download('import_errors')}?batch={bad_id}").status_code == 404
    assert client.get(f"/api/exports/import_preview.xlsx?batch={checked.pk}").status_code == 200
    for user in (applicant_a, guide):
        assert client_for(user).get(errors_url).status_code == 403
        assert client_for(user).get(preview_url).status_code == 403
