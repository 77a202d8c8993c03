"""The application's material files (附件 per scoring area): adding and removing them."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import EDITABLE_STATES, Application, Attachment
from xinban.applications.services.guards import (
    ATTACHMENT_KINDS,
    _edit_kinds_for,
    _FilesWrittenInTransaction,
    _lock,
    _require_member,
    _require_state,
    _require_window,
)
from xinban.core import uploads
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed


def application_attachment_add(
    *, actor: User, application: Application, area: int, file: UploadedFile
) -> Attachment:
    _require_member(actor, application.organisation_id)
    detected = uploads.validate_upload(file, kinds=ATTACHMENT_KINDS)
    with _FilesWrittenInTransaction() as files, transaction.atomic():
        current = _lock(application)
        _require_state(current, EDITABLE_STATES)
        _require_window(current.campaign, current.organisation_id, *_edit_kinds_for(current))
        attachment = Attachment(
            application=current,
            area=area,
            original_name=uploads.clean_display_name(file.name or "file"),
            content_type=detected.mime,
            size=file.size or 0,
            sha256=uploads.sha256_of(file),
            uploaded_by=actor,
        )
        attachment.file.save(
            uploads.safe_storage_name(file.name or "", ext=detected.ext), file, save=False
        )
        files.track(attachment.file)
        attachment.save()
        Application.objects.filter(pk=current.pk).update(version=F("version") + 1)
        audit_record(
            actor=actor,
            action="application.attachment_add",
            obj=current,
            changes={"area": area, "name": attachment.original_name, "sha256": attachment.sha256},
        )
    return attachment


def application_attachment_remove(
    *, actor: User, application: Application, attachment: Attachment
) -> None:
    _require_member(actor, application.organisation_id)
    with transaction.atomic():
        current = _lock(application)
        _require_state(current, EDITABLE_STATES)
        _require_window(current.campaign, current.organisation_id, *_edit_kinds_for(current))
        if attachment.application_id != current.pk:
            raise NotAllowed(_("附件不属于该申报。"), code="foreign_attachment")
        name = attachment.original_name
        stored = attachment.file.name
        assert stored is not None  # a saved attachment always has a stored file
        attachment.delete()
        Application.objects.filter(pk=current.pk).update(version=F("version") + 1)
        audit_record(
            actor=actor,
            action="application.attachment_remove",
            obj=current,
            changes={"name": name},
        )
        storage = attachment.file.storage
        transaction.on_commit(lambda: storage.delete(stored))
