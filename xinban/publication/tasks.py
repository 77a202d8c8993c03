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
from xinban.tasks.api import TaskContext, task


@task("publication.certificates")
def certificates(ctx: TaskContext, *, campaign_id: int) -> None:
    application_ids = list(
        CaseEntry.objects.filter(application__campaign_id=campaign_id)
        .order_by("pk")
        .values_list("application_id", flat=True)
    )
    ctx.set_total(len(application_ids) + 1)  # the zip is the last step
    done = min(ctx.done, len(application_ids))
    for application_id in application_ids[done:]:
        certificate_file(certificate_issue(application_id=application_id))
        ctx.advance()
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
        ctx.save_result_file(f"{year}年证书.zip", File(spool))
    ctx.set_progress(len(application_ids) + 1)
