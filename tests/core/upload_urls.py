"""Test-only URLconf: a tiny form view that uploads go through, so the tests see what a
real view sees (request.POST/FILES after the upload handlers, form errors, temp files)."""

from __future__ import annotations

import os
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, JsonResponse
from django.urls import path

from xinban.core.uploads import add_upload_refusal_errors, upload_refused_fields

SEEN_ATTR = "test_bytes_seen"


class RecordingHandler(FileUploadHandler):
    """Placed right after LimitedUploadHandler: counts the bytes that got past it, i.e.
    the bytes the storing handlers would have written."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        assert self.request is not None
        seen: dict[str, int] = getattr(self.request, SEEN_ATTR, {})
        seen[self.field_name] = seen.get(self.field_name, 0) + len(raw_data)
        setattr(self.request, SEEN_ATTR, seen)
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile[Any] | None:
        return None


RECORDING_HANDLERS = [
    "xinban.core.uploads.LimitedUploadHandler",
    "tests.core.upload_urls.RecordingHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]


class UploadForm(forms.Form):
    note = forms.CharField(required=False)
    attachment = forms.FileField()
    extra = forms.FileField(required=False)


def upload_view(request: HttpRequest) -> JsonResponse:
    form = UploadForm(request.POST, request.FILES)
    form.is_valid()
    refused = add_upload_refusal_errors(form, request)
    temp_dir = settings.FILE_UPLOAD_TEMP_DIR
    errors = form.errors.get_json_data()
    contents = {}
    for name, uploads in request.FILES.lists():
        upload = uploads[-1]
        upload.seek(0)  # fails if the file was closed or deleted under us
        contents[name] = upload.read().decode()
    return JsonResponse(
        {
            "valid": form.is_valid(),
            "errors": {field: [e["message"] for e in errs] for field, errs in errors.items()},
            "codes": {field: [e["code"] for e in errs] for field, errs in errors.items()},
            "html": form.as_div(),
            "note": request.POST.get("note"),
            "contents": contents,
            "refused": sorted(upload_refused_fields(request)),
            "refused_by_form": sorted(refused),
            "seen": getattr(request, SEEN_ATTR, {}),
            # Listed while the request is alive: a stored temp file would still be there.
            "temp_files": sorted(os.listdir(temp_dir)) if temp_dir else [],
        }
    )


urlpatterns = [path("upload/", upload_view, name="test-upload")]
