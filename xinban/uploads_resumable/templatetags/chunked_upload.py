"""``{% load chunked_upload %}{% chunked_upload "presentation_video" target="…" %}`` renders
the resumable upload widget inside the caller's form; when the upload is complete its id is
in the hidden input ``upload_id`` (``field_name=`` to rename it), and the widget fires
``chunked-upload:complete``. The calling view then takes the file with
``services.upload_session_claim``."""

from __future__ import annotations

import uuid
from typing import Any

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse

from xinban.core.uploads import MIB, accept_attribute, accepted_labels, format_size
from xinban.uploads_resumable import services

register = template.Library()


def size_label(num_bytes: int) -> str:
    """'2 GB', '1.5 GB', else xinban.core.uploads.format_size ('500 MB')."""
    gib = 1024 * MIB
    if num_bytes >= gib:
        value = num_bytes / gib
        return f"{value:.0f} GB" if value == int(value) else f"{value:.1f} GB"
    return format_size(num_bytes)


@register.inclusion_tag("uploads_resumable/_widget.html", takes_context=True)
def chunked_upload(
    context: template.Context,
    purpose: str,
    *,
    target: str = "",
    field_name: str = "upload_id",
    label: str = "",
    widget_id: str = "",
) -> dict[str, Any]:
    spec = services.upload_purpose(purpose)
    if spec is None:
        raise template.TemplateSyntaxError(f"chunked_upload: unknown purpose {purpose!r}")
    request = context.get("request")
    if request is None:
        raise template.TemplateSyntaxError("chunked_upload needs the request context processor")
    limit = spec.limit()
    return {
        "widget_id": widget_id or f"chunked-upload-{uuid.uuid4().hex[:8]}",
        "endpoint": reverse("uploads_resumable:start"),
        "csrf_token": get_token(request),
        "purpose": purpose,
        "target": str(target),
        "field_name": field_name,
        "label": label,
        "accept": accept_attribute(spec.kinds),
        "accepted_labels": accepted_labels(spec.kinds),
        "max_bytes": limit,
        "max_label": size_label(limit),
        "chunk_bytes": services.chunk_bytes(),
    }
