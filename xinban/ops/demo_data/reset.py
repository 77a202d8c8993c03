"""Removing a previous demo run (``seed_demo --reset``) by the ids its marker recorded."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.core.files.storage import default_storage
from django.core.management.base import CommandError
from django.db import models, transaction
from django.db.models import ProtectedError, Q, QuerySet, RestrictedError

from xinban.accounts.models import User
from xinban.applications.models import (
    Application,
    Attachment,
    YearSequence,
)
from xinban.campaigns.models import (
    Campaign,
)
from xinban.core.models import AuditEntry
from xinban.ops.demo_data.places import (
    MARKER_RESET,
    MARKER_SEED,
)
from xinban.organisations.models import (
    GuidingUnit,
    Organisation,
    RecommendingUnit,
    Registration,
)
from xinban.recommendation.models import (
    UnitRecommendationReport,
)
from xinban.scoring.models import Judge


def latest_marker() -> AuditEntry | None:
    return (
        AuditEntry.objects.filter(action__in=[MARKER_SEED, MARKER_RESET])
        .order_by("-at", "-id")
        .first()
    )


def delete_with_dependents(queryset: QuerySet[Any], depth: int = 0) -> int:
    """Delete the rows and, first, whatever protects them from deletion (a recommendation
    of a demo application, a judge profile of a demo user, …): it was made in the demo.
    Returns how many rows of the queryset's own model were deleted."""
    model = queryset.model
    for _attempt in range(20):
        try:
            with transaction.atomic():  # a savepoint, so that a refused delete can be retried
                return queryset.delete()[1].get(model._meta.label, 0)
        except (ProtectedError, RestrictedError) as exc:
            if depth >= 8:
                raise CommandError(f"演示数据仍被其他数据引用，无法清除：{exc.args[0]}") from exc
            blockers = (
                exc.protected_objects if isinstance(exc, ProtectedError) else exc.restricted_objects
            )
            by_model: dict[type[models.Model], list[Any]] = defaultdict(list)
            for obj in blockers:
                by_model[type(obj)].append(obj.pk)
            for blocker_model, pks in by_model.items():
                delete_with_dependents(blocker_model._default_manager.filter(pk__in=pks), depth + 1)
    raise CommandError(f"无法清除 {model._meta.label} 的演示数据。")


def demo_reset(marker: AuditEntry) -> dict[str, int]:
    """Delete what the run recorded in ``marker`` (and what hangs off it)."""
    ids: dict[str, list[int]] = marker.changes
    campaigns = ids.get("campaign_ids", [])
    organisations = ids.get("organisation_ids", [])
    units = ids.get("unit_ids", [])
    applications = Application.objects.filter(
        Q(campaign_id__in=campaigns)
        | Q(organisation_id__in=organisations)
        | Q(recommending_unit_id__in=units)
    )
    files = [
        n for n in applications.exclude(stamped_form="").values_list("stamped_form", flat=True)
    ]
    files += list(
        Attachment.objects.filter(application__in=applications).values_list("file", flat=True)
    )
    reports = UnitRecommendationReport.objects.filter(
        Q(campaign_id__in=campaigns) | Q(unit_id__in=units)
    )
    files += list(reports.exclude(stamped_scan="").values_list("stamped_scan", flat=True))
    counts = {
        # Recommendations go with the reports; score sheets with the applications.
        "reports": delete_with_dependents(reports),
        "applications": delete_with_dependents(applications),
        "registrations": delete_with_dependents(
            Registration.objects.filter(
                Q(campaign_id__in=campaigns) | Q(organisation_id__in=organisations)
            )
        ),
        "organisations": delete_with_dependents(Organisation.objects.filter(pk__in=organisations)),
        "campaigns": delete_with_dependents(Campaign.objects.filter(pk__in=campaigns)),
        "judges": delete_with_dependents(Judge.objects.filter(pk__in=ids.get("judge_ids", []))),
        "units": delete_with_dependents(RecommendingUnit.objects.filter(pk__in=units)),
        "guiding_units": delete_with_dependents(
            GuidingUnit.objects.filter(pk__in=ids.get("guiding_unit_ids", []))
        ),
        "users": delete_with_dependents(User.objects.filter(pk__in=ids.get("user_ids", []))),
    }
    YearSequence.objects.filter(year__in=ids.get("years", [])).delete()

    def remove_files() -> None:
        for name in files:
            if name and default_storage.exists(name):
                default_storage.delete(name)

    transaction.on_commit(remove_files)
    AuditEntry.objects.create(
        action=MARKER_RESET,
        actor_repr="system",
        object_type="core.demo",
        object_id=str(marker.pk),
        object_repr="演示数据",
        changes=counts,
    )
    return counts
