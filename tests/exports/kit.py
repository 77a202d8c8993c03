"""What the export tests share: a logged-in client, the URL of a list's download, and the
rows of a downloaded workbook read back with openpyxl."""

from __future__ import annotations

import io
from typing import Any

from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(kind: str) -> str:
    return reverse("exports:download", args=[kind])


def workbook_rows(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    return list(sheet.iter_rows(values_only=True))


def rows_of(response: Any) -> list[tuple[Any, ...]]:
    """The rows of a download that must have succeeded, sent as an attachment."""
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Disposition"].startswith("attachment")
    return workbook_rows(b"".join(response.streaming_content))
