"""Runs in a subprocess next to the application server, against the same database and
MEDIA_ROOT (DATABASE_URL, MEDIA_ROOT, XINBAN_VAR_DIR come from the environment):

    python -m tests.faults.scenario setup            -> JSON: the applicant and a draft
    python -m tests.faults.scenario inspect PK       -> JSON: what is stored for it
    python -m tests.faults.scenario published N      -> JSON: last year, N experiences published

The fault tests never touch pytest-django's database: the server under test is a separate
process, so everything it must see is committed by these scripts.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

PASSWORD = "pw-for-tests-123"  # tests.conftest.make_user's password


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def setup() -> dict[str, Any]:
    """This year's campaign with every phase open, unit 浦东新区, organisation A with its
    附件2, applicant A, and a complete draft with its stamped form (ready to submit)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from tests.conftest import application_data, make_registration, make_user, pdf_bytes
    from xinban.applications.services import (
        application_create,
        application_stamped_form_upload,
    )
    from xinban.campaigns.models import Campaign, Phase, PhaseKind
    from xinban.organisations.models import (
        Organisation,
        OrganisationMembership,
        RecommendingUnit,
        UnitKind,
    )

    now = timezone.now()
    year = timezone.localdate().year
    campaign = Campaign.objects.create(year=year, title=f"{year}年上海市“质量信得过班组”建设活动")
    for kind in PhaseKind:
        Phase.objects.create(
            campaign=campaign,
            kind=kind,
            starts_at=now - timedelta(days=10),
            ends_at=now + timedelta(days=30),
        )
    unit = RecommendingUnit.objects.create(name="浦东新区", kind=UnitKind.DISTRICT)
    organisation = Organisation.objects.create(name="上海甲精密机械有限公司", short_name="甲精密")
    make_registration(organisation, campaign)
    user = make_user("a@example.com", "申报人甲")
    OrganisationMembership.objects.create(organisation=organisation, user=user)
    draft = application_create(
        actor=user, organisation=organisation, campaign=campaign, data=application_data(unit)
    )
    draft = application_stamped_form_upload(
        actor=user,
        application=draft,
        file=SimpleUploadedFile("盖章.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    return {
        "application": draft.pk,
        "email": user.email,
        "password": PASSWORD,
        "version": draft.version,
    }


def published(count: int) -> dict[str, Any]:
    """Last year's campaign with ``count`` selected teams, its results published (the
    case library written); no certificate issued yet (the batch does that)."""
    from django.utils import timezone

    from tests.conftest import make_user
    from tests.evaluation.conftest import make_org_app
    from xinban.applications.models import ApplicationState
    from xinban.campaigns.models import Campaign
    from xinban.organisations.models import RecommendingUnit
    from xinban.publication.services import results_publish

    year = timezone.localdate().year - 1
    campaign = Campaign.objects.create(year=year, title=f"{year}年活动")
    unit = RecommendingUnit.objects.get(name="浦东新区")
    for n in range(count):
        make_org_app(
            campaign,
            unit,
            f"上海证书{n:03d}有限公司",
            state=ApplicationState.SELECTED,
            team_name=f"证书{n:03d}班",
        )
    staff = make_user("staff@example.com", "协会工作人员", is_association_staff=True)
    assert results_publish(actor=staff, campaign=campaign, override_reason="往年结果补录") == count
    return {"campaign": campaign.pk, "year": year}


def stored_files() -> dict[str, Any]:
    """Every file under MEDIA_ROOT, every name a FileField of any row refers to."""
    from django.apps import apps
    from django.conf import settings
    from django.db import models

    root = Path(settings.MEDIA_ROOT)
    on_disk = (
        sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
        if root.exists()
        else []
    )
    referenced: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names = model._default_manager.exclude(**{field.name: ""}).values_list(
                    field.name, flat=True
                )
                referenced |= {n for n in names if n}
    return {
        "media_files": on_disk,
        "referenced": sorted(referenced),
        "unreferenced": sorted(set(on_disk) - referenced),
        "missing": sorted(referenced - set(on_disk)),
    }


def inspect(pk: int) -> dict[str, Any]:
    from xinban.applications.models import Application, ApplicationRevision, Attachment
    from xinban.applications.services import submission_problems
    from xinban.core.models import AuditEntry
    from xinban.core.uploads import sha256_of

    application = Application.objects.get(pk=pk)
    attachments = []
    for a in Attachment.objects.filter(application=application):
        with a.file.open("rb") as handle:
            actual = sha256_of(handle)
        attachments.append(
            {"name": a.file.name, "size": a.size, "sha256": a.sha256, "actual_sha256": actual}
        )
    return {
        "state": application.state,
        "version": application.version,
        "submitted_at": application.submitted_at.isoformat() if application.submitted_at else None,
        "organisation_snapshot": application.organisation_snapshot,
        "revisions": list(
            ApplicationRevision.objects.filter(application=application).values_list(
                "number", flat=True
            )
        ),
        "audit": list(
            AuditEntry.objects.filter(object_type="applications.application", object_id=str(pk))
            .order_by("id")
            .values_list("action", flat=True)
        ),
        "attachments": attachments,
        "problems": sorted(submission_problems(application)),
        **stored_files(),
    }


def main(argv: list[str]) -> None:
    _django()
    if argv[:1] == ["setup"]:
        result = setup()
    elif argv[:1] == ["inspect"] and len(argv) == 2:
        result = inspect(int(argv[1]))
    elif argv[:1] == ["published"] and len(argv) == 2:
        result = published(int(argv[1]))
    else:
        raise SystemExit(__doc__)
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
