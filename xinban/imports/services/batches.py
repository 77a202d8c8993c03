"""The import services: check an upload and keep it (``import_check``), then write every
row in one transaction, or nothing at all (``import_commit``)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from datetime import time as dt_time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.applications.services import application_number_next
from xinban.applications.teams import team_recognise
from xinban.campaigns.models import Campaign
from xinban.core import uploads
from xinban.core.audit import audit_record
from xinban.core.errors import WrongState
from xinban.evaluation.models import Decision, DecisionLevel
from xinban.imports.models import BatchState, ImportBatch, ImportedRecord
from xinban.imports.services.checking import _snapshot, check_rows
from xinban.imports.services.rows import (
    Action,
    CheckResult,
    ImportHasErrors,
    ParsedRow,
    require_staff,
)
from xinban.organisations.models import Organisation
from xinban.publication.models import ConsentScope, PublicationConsent
from xinban.publication.services import case_entries_rebuild


def _open(batch: ImportBatch) -> Any:
    batch.file.open("rb")
    return batch.file


def import_check(*, actor: User, file: UploadedFile) -> ImportBatch:
    """Keep the upload and check it (dry run): the batch holds the row-by-row report."""
    require_staff(actor)
    detected = uploads.validate_upload(file, kinds=uploads.UploadKind.DOCUMENT)
    if detected.ext != "xlsx":
        raise ValidationError(
            _("只接受 Excel（.xlsx）文件，请使用平台提供的模板。"), code="unsupported_type"
        )
    result = check_rows(file)
    file.seek(0)
    with transaction.atomic():
        batch = ImportBatch(
            original_name=uploads.clean_display_name(file.name or "import.xlsx"),
            sha256=uploads.sha256_of(file),
            size=file.size or 0,
            created_by=actor,
        )
        _store_result(batch, result)
        batch.file.save(uploads.safe_storage_name(file.name or "", ext="xlsx"), file, save=False)
        stored = batch.file.name
        try:
            batch.save()
            audit_record(
                actor=actor,
                action="imports.check",
                obj=batch,
                changes={
                    "name": batch.original_name,
                    "sha256": batch.sha256,
                    "rows": batch.total_rows,
                    "errors": batch.error_count,
                },
            )
        except BaseException:
            if stored:
                batch.file.storage.delete(stored)
            raise
    return batch


def _store_result(batch: ImportBatch, result: CheckResult) -> None:
    batch.total_rows = result.total
    batch.error_count = len(result.errors)
    batch.errors = [e.as_dict() for e in result.errors]
    batch.preview = result.preview()
    batch.created_count = result.count(Action.CREATE)
    batch.updated_count = result.count(Action.UPDATE)
    batch.unchanged_count = result.count(Action.UNCHANGED)


def _campaign_for(actor: User, year: int, cache: dict[int, Campaign]) -> Campaign:
    if year in cache:
        return cache[year]
    campaign = Campaign.objects.select_for_update().filter(year=year).first()
    if campaign is None:
        campaign = Campaign.objects.create(
            year=year,
            title=f"{year}年上海市“质量信得过班组”建设活动",
            results_published=True,
        )
        audit_record(
            actor=actor,
            action="imports.campaign_create",
            obj=campaign,
            changes={"year": year, "results_published": True},
        )
    elif not campaign.results_published:
        raise WrongState(
            _("%(year)s年度的结果尚未发布，不能导入。") % {"year": year}, code="not_published"
        )
    cache[year] = campaign
    return campaign


def _submitted_at(year: int) -> datetime:
    """Imported rows count as submitted in their year (the units see submitted ones only)."""
    return timezone.make_aware(datetime.combine(datetime(year, 5, 31).date(), dt_time(12)))


def import_commit(*, actor: User, batch: ImportBatch) -> ImportBatch:
    """Write every row of a checked batch, or nothing: the file is checked again inside the
    transaction (the database may have changed since the dry run)."""
    require_staff(actor)
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if locked.state != BatchState.CHECKED:
            raise WrongState(_("该文件已经导入过。"), code="already_committed")
        result = check_rows(_open(locked))
        locked.file.close()
        if result.errors:
            errors = result.errors
        else:
            errors = []
            touched = _write(actor, locked, result.rows)
            _store_result(locked, result)
            locked.state = BatchState.COMMITTED
            locked.committed_by = actor
            locked.committed_at = timezone.now()
            locked.save()
            audit_record(
                actor=actor,
                action="imports.commit",
                obj=locked,
                changes={
                    "created": locked.created_count,
                    "updated": locked.updated_count,
                    "unchanged": locked.unchanged_count,
                    "applications": touched,
                },
            )
    if errors:
        # Keep the new report with the batch, then refuse (nothing else was written).
        _store_result(batch, result)
        batch.save(
            update_fields=[
                "total_rows",
                "error_count",
                "errors",
                "preview",
                "created_count",
                "updated_count",
                "unchanged_count",
            ]
        )
        raise ImportHasErrors(errors)
    return locked


def _write(actor: User, batch: ImportBatch, rows: Iterable[ParsedRow]) -> list[int]:
    campaigns: dict[int, Campaign] = {}
    organisations: dict[str, Organisation] = {}
    touched: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        if row.action == Action.UNCHANGED:
            continue
        campaign = _campaign_for(actor, row.year, campaigns)
        if row.existing is not None:
            app = Application.objects.select_for_update().get(pk=row.existing.pk)
        else:
            organisation = organisations.get(row.organisation)
            if organisation is None:
                organisation, _created = Organisation.objects.get_or_create(
                    name=row.organisation, defaults={"short_name": row.short_name}
                )
                organisations[row.organisation] = organisation
            app = Application(
                campaign=campaign,
                organisation=organisation,
                number=application_number_next(row.year),
                submitted_at=_submitted_at(row.year),
                created_by=actor,
                team_name=row.team,
            )
        app.recommending_unit = row.unit
        app.team_size = row.team_size
        if row.team_type is not None:
            app.team_type = row.team_type
        app.state = row.state
        app.material_results = row.summary
        app.organisation_snapshot = _snapshot(row, app.organisation_snapshot)
        if app.pk:
            app.version += 1
        app.save()
        if app.team_id is None:  # the team across years (docs/rules.md, "Each team's history")
            team_recognise(app)
        if row.state == ApplicationState.NOT_SELECTED:
            Decision.objects.filter(application=app).delete()
        else:
            Decision.objects.update_or_create(
                application=app,
                defaults={
                    "level": DecisionLevel.TYPICAL
                    if row.state == ApplicationState.TYPICAL
                    else DecisionLevel.SELECTED,
                    "national": row.national,
                    "decided_by": actor,
                    "reason": "历年数据导入",
                },
            )
        ImportedRecord.objects.update_or_create(
            application=app, defaults={"batch": batch, "row_number": row.row}
        )
        if row.summary:
            PublicationConsent.objects.get_or_create(
                application=app, defaults={"scope": ConsentScope.SUMMARY, "updated_by": actor}
            )
        touched[campaign.pk].append(app.pk)
    for campaign_pk, ids in touched.items():
        case_entries_rebuild(campaign=Campaign.objects.get(pk=campaign_pk), only=ids)
    return [pk for ids in touched.values() for pk in ids]
