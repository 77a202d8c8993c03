from __future__ import annotations

import contextlib
from datetime import date

from django.db.models import Q, QuerySet

from xinban.core.models import AuditEntry


def audit_entries(
    *,
    action: str = "",
    object_type: str = "",
    object_id: str = "",
    actor: str = "",
    obj: str = "",
    since: str = "",
    until: str = "",
) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.all()
    if action:
        qs = qs.filter(action__startswith=action)
    if object_type:
        qs = qs.filter(object_type=object_type)
    if object_id:
        qs = qs.filter(object_id=object_id)
    if actor:
        qs = qs.filter(Q(actor_repr__icontains=actor))
    if obj:  # the object as shown: a number, a team's or an organisation's name
        qs = qs.filter(Q(object_repr__icontains=obj) | Q(object_id=obj))
    for value, lookup in ((since, "at__date__gte"), (until, "at__date__lte")):
        # An unparseable date filter is ignored; the page still renders.
        with contextlib.suppress(ValueError):
            qs = qs.filter(**{lookup: date.fromisoformat(value)}) if value else qs
    return qs
