"""The certificate batch (a background task): every published experience of a year gets
its certificate and PDF (skipped when already there: the batch resumes after a crash),
then one zip of them all, written to a temporary file, never held in memory."""

from __future__ import annotations

import tempfile
import zipfile

from django.core.files import File

from xinban.publication.models import CaseEntry
from xinban.publication.services import certificate_file, certificate_for
from xinban.tasks.api import TaskContext, task


@task("publication.certificates")
def certificates(ctx: TaskContext, *, campaign_id: int) -> None:
    entries = list(
        CaseEntry.objects.filter(application__campaign_id=campaign_id)
        .select_related("application")
        .order_by("pk")
    )
    ctx.set_total(len(entries) + 1)  # the zip is the last step
    done = min(ctx.done, len(entries))
    for entry in entries[done:]:
        certificate_file(certificate_for(entry.application))
        ctx.advance()
    year = entries[0].year if entries else ""
    with tempfile.TemporaryFile() as spool:
        with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for entry in entries:
                certificate = certificate_for(entry.application)
                name = f"{certificate.code}-{entry.organisation_name}-{entry.team_name}.pdf"
                with certificate.pdf.open("rb") as pdf, archive.open(name, "w") as out:
                    for block in iter(lambda: pdf.read(64 * 1024), b""):  # noqa: B023
                        out.write(block)
        spool.seek(0)
        ctx.save_result_file(f"{year}年证书.zip", File(spool))
    ctx.set_progress(len(entries) + 1)
