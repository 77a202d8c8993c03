"""Over-long file names are refused with 400/422 on every upload path, DEBUG or not (a
3,000-character name used to be a server error through the API under DEBUG)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from tests.api.conftest import Api, pdf_upload
from xinban.core.uploads import MAX_FILE_NAME_CHARS


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("长" * 3000 + ".pdf", 400),  # beyond the multipart parser's header limit
        ("a" * 3000 + ".pdf", 400),
        ("a" * (MAX_FILE_NAME_CHARS + 1) + ".pdf", 422),  # parsed, then refused by name
    ],
    ids=["3000-cjk", "3000-ascii", "256"],
)
def test_the_api_refuses_long_names(
    api_a: Api, new_application: Any, debug: bool, name: str, status: int
) -> None:
    pk = new_application()["id"]
    with override_settings(DEBUG=debug):
        for url, extra in (
            (f"/applications/{pk}/attachments", {"area": 1}),
            (f"/applications/{pk}/stamped-form", {}),
        ):
            response = api_a.upload(url, file=pdf_upload(name), **extra)
            assert response.status_code == status, (url, response.content[:200])
            body = response.json()
            assert "文件名过长" in (str(body.get("errors", "")) + body["detail"])
    assert api_a.get(f"/applications/{pk}").json()["attachments"] == []
    assert api_a.get(f"/applications/{pk}").json()["stamped_form"] is None


def test_a_name_at_the_limit_is_kept(api_a: Api, new_application: Any) -> None:
    pk = new_application()["id"]
    name = "a" * (MAX_FILE_NAME_CHARS - 4) + ".pdf"
    added = api_a.upload(f"/applications/{pk}/attachments", area=1, file=pdf_upload(name))
    assert added.status_code == 201, added.content[:300]


@pytest.mark.parametrize("debug", [True, False])
def test_a_page_refuses_a_long_name(api_a: Api, new_application: Any, debug: bool) -> None:
    from django.urls import reverse

    pk = new_application()["id"]
    url = reverse("applications:attachment_add", args=[pk])
    with override_settings(DEBUG=debug):
        short = pdf_upload("b" * (MAX_FILE_NAME_CHARS + 1) + ".pdf")
        refused = api_a.client.post(url, {"area": 1, "file": short})
        assert refused.status_code in (200, 400, 422)
        assert "文件名过长" in refused.content.decode()
        huge = api_a.client.post(url, {"area": 1, "file": pdf_upload("长" * 3000 + ".pdf")})
        assert huge.status_code == 400
