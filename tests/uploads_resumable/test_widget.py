"""The widget's markup: what chunked_upload.js needs, and nothing the CSP would block."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client, RequestFactory

from xinban.uploads_resumable.templatetags.chunked_upload import size_label

pytestmark = pytest.mark.django_db


def render(source: str, **context: Any) -> str:
    request = RequestFactory().get("/")
    return Template("{% load chunked_upload %}" + source).render(
        Context({"request": request, **context})
    )


def test_widget_markup() -> None:
    html = render('{% chunked_upload "presentation_video" target=t widget_id="v" %}', t="c:7")
    root = re.search(r"<div class=\"chunked-upload[^>]*>", html)
    assert root is not None
    assert 'data-endpoint="/uploads/"' in root[0]
    assert 'data-purpose="presentation_video"' in root[0] and 'data-target="c:7"' in root[0]
    csrf = re.search(r'data-csrf="([^"]+)"', root[0])
    assert csrf is not None and len(csrf[1]) >= 32
    assert f'data-max-bytes="{2 * 1024**3}"' in root[0]

    file_input = re.search(r"<input[^>]*type=\"file\"[^>]*>", html)
    assert file_input is not None
    assert " name=" not in file_input[0]  # the file never travels with the form
    assert 'accept=".mp4,.mov,.webm"' in file_input[0]
    assert re.search(r'<input type="hidden" name="upload_id" value=""', html)
    assert 'role="progressbar"' in html and 'aria-valuenow="0"' in html
    assert 'role="status"' in html
    assert "MP4、MOV、WebM · ≤ 2 GB" in html
    # CSP: scripts only from static files, no inline style attributes.
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="/static/xinban/chunked_upload.js" defer>'
    ]
    assert " style=" not in html
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers


def test_widget_field_name_and_label() -> None:
    html = render(
        '{% chunked_upload "presentation_video" field_name="video_upload" label="视频" %}'
    )
    assert 'name="video_upload"' in html and ">视频</label>" in html


def test_unknown_purpose_is_a_template_error() -> None:
    with pytest.raises(TemplateSyntaxError):
        render('{% chunked_upload "nonsense" %}')


def test_size_label() -> None:
    assert size_label(2 * 1024**3) == "2 GB"
    assert size_label(1536 * 1024**2) == "1.5 GB"
    assert size_label(20 * 1024**2) == "20 MB"


def test_script_is_served(client: Client) -> None:
    response = client.get("/static/xinban/chunked_upload.js")
    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert b"chunked-upload:complete" in body


def test_test_page_renders_the_widget(client: Client, settings: Any, uploader: Any) -> None:
    settings.ROOT_URLCONF = "tests.uploads_resumable.urls"
    client.force_login(uploader)
    response = client.get("/test-upload-widget/")
    assert response.status_code == 200
    assert b"data-chunked-upload" in response.content
