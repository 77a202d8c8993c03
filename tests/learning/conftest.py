from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.conftest import pdf_bytes
from xinban.learning import services
from xinban.learning.models import Course


def pdf_upload(name: str = "准则.pdf", text: str = "准则") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(text), content_type="application/pdf")


def client_for(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def course(staff: Any) -> Course:
    """A published course: a PDF document and a link."""
    item = services.course_create(
        actor=staff, data={"title": "质量信得过班组建设准则解读", "description": "逐条解读"}
    )
    services.lesson_add(
        actor=staff,
        course=item,
        data={"title": "准则全文", "kind": "document"},
        file=pdf_upload(),
    )
    services.lesson_add(
        actor=staff,
        course=item,
        data={"title": "案例视频", "kind": "link", "url": "https://example.com/v"},
    )
    return services.course_publish(actor=staff, course=item)
