"""The signed and stamped 附件3 scan: its code is read and must match the application as it
prints now; what changed since it was printed."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import EDITABLE_STATES, Application
from xinban.applications.selectors import application_printed_content
from xinban.applications.services.guards import (
    _edit_kinds_for,
    _FilesWrittenInTransaction,
    _lock,
    _require_member,
    _require_state,
    _require_window,
)
from xinban.core import uploads
from xinban.core.audit import audit_record
from xinban.core.errors import ServiceError
from xinban.core.stamp import DocumentKind, ScanCheck, Stamp, matches, read_scan


class ScanRefused(ServiceError):
    """The stamped scan is of another document or version (its code says which)."""

    status = 400


def _scan_refusal(
    application: Application, stamps: list[Stamp], content: dict[str, object]
) -> ScanRefused | None:
    """Why a scan whose codes are ``stamps`` does not belong to the application as it
    prints now, naming the document and version it belongs to; None when one of them
    matches. Called under the row lock with what the form prints now."""
    own = [s for s in stamps if s.kind == DocumentKind.APPLICATION]
    for stamp in own:
        if stamp.number == application.number and matches(stamp, content):
            return None
    stamp = own[0] if own else stamps[0]
    if stamp.kind != DocumentKind.APPLICATION:
        return ScanRefused(
            _(
                "该扫描件是%(kind)s %(number)s（第 %(version)s 版），不是申报表。"
                "请上传本申报（%(own)s）的申报表盖章后的扫描件。"
            )
            % {
                "kind": stamp.kind_name,
                "number": stamp.number,
                "version": stamp.version,
                "own": application.number,
            },
            code="scan_wrong_document",
            field="file",
        )
    if stamp.number != application.number:
        return ScanRefused(
            _(
                "该扫描件是另一份申报（编号 %(number)s，第 %(version)s 版）的申报表，"
                "不是本申报（%(own)s）的。"
            )
            % {"number": stamp.number, "version": stamp.version, "own": application.number},
            code="scan_other_application",
            field="file",
        )
    return ScanRefused(
        _(
            "该扫描件是本申报第 %(version)s 版的申报表，此后申报表上打印的内容已修改"
            "（当前为第 %(current)s 版）。请下载最新的申报表，盖章后重新上传。"
        )
        % {"version": stamp.version, "current": application.version},
        code="scan_outdated",
        field="file",
    )


def application_stamped_form_upload(
    *, actor: User, application: Application, file: UploadedFile
) -> Application:
    """Accept the stamped scan of the 申报表 as it prints now. Its QR code is read first
    (outside the transaction: rendering takes a moment): a scan of another document,
    application or version is refused naming it; a scan whose code cannot be read is
    accepted as 未能核验 (docs/rules.md, "The stamp check")."""
    _require_member(actor, application.organisation_id)
    # Only the start is core.stamp's frame (stamped_scan_upload): the application locks its
    # own way (guards._lock) and keeps its scan in ``stamped_form``, with the printed content.
    ext, stamps = read_scan(file)
    with _FilesWrittenInTransaction() as files, transaction.atomic():
        current = _lock(application)
        _require_state(current, EDITABLE_STATES)
        _require_window(current.campaign, current.organisation_id, *_edit_kinds_for(current))
        content = application_printed_content(current)
        if stamps:
            refusal = _scan_refusal(current, stamps, content)
            if refusal is not None:
                raise refusal
        matched = next(
            (s for s in stamps if s.number == current.number and matches(s, content)), None
        )
        old_name = current.stamped_form.name if current.stamped_form else ""
        current.stamped_form.save(
            uploads.safe_storage_name(file.name or "", ext=ext), file, save=False
        )
        files.track(current.stamped_form)
        current.stamped_form_name = uploads.clean_display_name(file.name or "scan")
        current.stamped_check = ScanCheck.VERIFIED if matched else ScanCheck.UNVERIFIED
        current.stamped_version = matched.version if matched else None
        current.stamped_content = content
        current.version = current.version + 1
        current.save(
            update_fields=[
                "stamped_form",
                "stamped_form_name",
                "stamped_check",
                "stamped_version",
                "stamped_content",
                "version",
                "updated_at",
            ]
        )
        audit_record(
            actor=actor,
            action="application.stamped_form_upload",
            obj=current,
            changes={
                "name": current.stamped_form_name,
                "sha256": uploads.sha256_of(file),
                "stamped_check": current.stamped_check,
                "stamped_version": current.stamped_version,
            },
        )
        if old_name:
            storage = current.stamped_form.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    return current
