"""The certificate batch (a background task): every published experience of a year gets
its certificate and PDF (skipped when already there: the batch resumes after a crash),
then one zip of them all, written to a temporary file, never held in memory. Only the
application ids are kept in memory between steps, so a batch's memory does not grow with
its size."""

from __future__ import annotations

import tempfile
import zipfile

from django.core.files import File

from xinban.campaigns.models import Campaign
from xinban.publication.models import CaseEntry, Certificate
from xinban.publication.services import certificate_file, certificate_issue
from xinban.tasks.api import TaskContext, background


@background
def certificates(context: TaskContext, *, campaign_id: int, user_id: int | None = None) -> None:
    """Every certificate of the year and one zip of them (``user_id``: who asked)."""
    del user_id  # the row's creator, kept by the backend
    application_ids = list(
        CaseEntry.objects.filter(application__campaign_id=campaign_id)
        .order_by("pk")
        .values_list("application_id", flat=True)
    )
    context.set_total(len(application_ids) + 1)  # the zip is the last step
    done = min(context.done, len(application_ids))
    for application_id in application_ids[done:]:
        certificate_file(certificate_issue(application_id=application_id))
        context.advance()
    year = Campaign.objects.filter(pk=campaign_id).values_list("year", flat=True).first()
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            issued = Certificate.objects.filter(
                application__campaign_id=campaign_id, application__case_entry__isnull=False
            ).only("code", "organisation_name", "team_name", "pdf")
            for cert in issued.order_by("application_id").iterator(chunk_size=200):
                name = f"{cert.code}-{cert.organisation_name}-{cert.team_name}.pdf"
                with cert.pdf.open("rb") as pdf, archive.open(name, "w") as out:
                    for block in iter(lambda: pdf.read(64 * 1024), b""):  # noqa: B023
                        out.write(block)
        spool.seek(0)
        context.save_result_file(f"{year}年证书.zip", File(spool))
    context.set_progress(len(application_ids) + 1)
