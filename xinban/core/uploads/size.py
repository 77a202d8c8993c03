"""The size limit: the upload handler that stops reading a file past the limit, and the
form errors for the refused files."""

from __future__ import annotations

import logging
from typing import IO, Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from xinban.core.uploads.names import MAX_FILE_NAME_CHARS, long_file_name_error

logger = logging.getLogger("xinban.core.uploads")

KIB = 1024
MIB = 1024 * KIB

# Boundaries, part headers and the ordinary form fields that travel with a file.
MULTIPART_OVERHEAD_BYTES = 1 * MIB
# Name of the request attribute listing the file fields refused for size.
REFUSALS_ATTR = "upload_refusals"
LONG_NAMES_ATTR = "upload_long_names"  # field → characters of a refused over-long name


def max_upload_bytes() -> int:
    return int(settings.XINBAN_MAX_UPLOAD_BYTES)


def max_request_bytes() -> int:
    """Largest multipart body accepted before every file in it is refused unread.

    Defaults to one file plus overhead. A form that sends several files in one request
    must raise ``XINBAN_MAX_UPLOAD_REQUEST_BYTES``, or all of its files are refused.
    """
    explicit = getattr(settings, "XINBAN_MAX_UPLOAD_REQUEST_BYTES", None)
    if explicit is not None:
        return int(explicit)
    return max_upload_bytes() + MULTIPART_OVERHEAD_BYTES


def format_size(num_bytes: int) -> str:
    """'20 MB', '1.5 MB', '500 KB': what staff see in the limit message."""
    for unit, size in (("MB", MIB), ("KB", KIB)):
        if num_bytes >= size:
            value = num_bytes / size
            shown = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
            return f"{shown} {unit}"
    return f"{num_bytes} B"


def upload_too_large_error(limit_bytes: int | None = None) -> ValidationError:
    limit = max_upload_bytes() if limit_bytes is None else limit_bytes
    return ValidationError(
        _("文件超过大小上限（%(limit)s）。请压缩或拆分后再上传。"),
        code="file_too_large",
        params={"limit": format_size(limit)},
    )


class LimitedUploadHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: refuses a file once it passes the size limit, before
    the memory/temporary-file handlers after it store more of it.

    A refused file is skipped with ``SkipFile`` rather than ``StopUpload``: Django then
    drops (and deletes) the partial file, reads past the rest of that file without
    storing it, and goes on parsing the other fields. The CSRF token and everything the
    user typed survive, so the view can re-render the form with a field error; with
    ``StopUpload`` the fields after the file would be lost. The body is still read to
    the end on purpose: answering before the browser has sent it all makes most
    browsers show a "connection reset" page instead of our form. Absurdly large bodies
    are for the reverse proxy's body-size limit (nginx ``client_max_body_size``) to stop.
    """

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        # Read per request (handlers are built per request) so override_settings works.
        self.limit = max_upload_bytes()
        self.refuse_all = False
        self._refusing = False
        self._name_chars = 0

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, str],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[QueryDict, MultiValueDict[str, UploadedFile[Any]]] | None:
        # CONTENT_LENGTH is reliable here: Django never reads past it. A body that is too
        # big overall gets every file refused at its first byte, so none reaches disk.
        if content_length > max_request_bytes():
            self.refuse_all = True
            logger.info(
                "upload refused: request body %s bytes exceeds %s",
                content_length,
                max_request_bytes(),
            )
        return None  # let Django's parser run, so the ordinary fields are kept

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: int | None,
        charset: str | None = None,
        content_type_extra: dict[str, bytes] | None = None,
    ) -> None:
        super().new_file(
            field_name, file_name, content_type, content_length, charset, content_type_extra
        )
        # Never raise SkipFile here: the handlers after us would not have started this
        # file yet, and Django would close *their previous* file, i.e. another field's
        # upload that was already accepted. Refuse at the first chunk instead.
        # Django would cut a longer name to 255 characters without telling anyone.
        self._name_chars = len(file_name or "")
        self._refusing = (
            self.refuse_all
            or (content_length is not None and content_length > self.limit)
            or self._name_chars > MAX_FILE_NAME_CHARS
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self._refusing or start + len(raw_data) > self.limit:
            self._record_refusal(start + len(raw_data))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile[Any] | None:
        return None  # the handlers after us store the file

    def _record_refusal(self, seen_bytes: int) -> None:
        logger.info(
            "upload refused: field %r at %s bytes (limit %s per file)",
            self.field_name,
            seen_bytes,
            self.limit,
        )
        if self.request is None:
            return
        if self._name_chars > MAX_FILE_NAME_CHARS:
            long_names: dict[str, int] = getattr(self.request, LONG_NAMES_ATTR, None) or {}
            long_names[self.field_name] = self._name_chars
            setattr(self.request, LONG_NAMES_ATTR, long_names)
        refusals: list[str] = getattr(self.request, REFUSALS_ATTR, None) or []
        if self.field_name not in refusals:
            refusals.append(self.field_name)
        setattr(self.request, REFUSALS_ATTR, refusals)


def upload_refused_fields(request: HttpRequest) -> set[str]:
    """Names of the file fields (as sent, i.e. with any form prefix) refused for size."""
    # Parsing is lazy: make sure the body has been through the handlers before we look.
    _ = request.FILES
    return set(getattr(request, REFUSALS_ATTR, None) or [])


def add_upload_refusal_errors(form: forms.BaseForm, request: HttpRequest) -> set[str]:
    """Give each refused file field of a bound form the size error; returns those fields.

    Call it after ``is_valid()`` (or instead of trusting it). Without it a refused file
    looks like "no file chosen": a required field would say "required", which confuses
    people who did choose a file, and an optional one would silently pass without it.
    """
    if not form.is_bound:
        return set()
    refused_names = upload_refused_fields(request)
    refused = {name for name in form.fields if form.add_prefix(name) in refused_names}
    long_names: dict[str, int] = getattr(request, LONG_NAMES_ATTR, None) or {}
    errors = form.errors  # runs full_clean if it has not run yet
    for name in sorted(refused):
        errors.pop(name, None)
        chars = long_names.get(form.add_prefix(name))
        form.add_error(name, long_file_name_error(chars) if chars else upload_too_large_error())
    return refused
