"""The archive's format: its member names, what is left out, the errors and the exact JSON
encoder, and which models are backed up in which order (docs/backup.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import apps
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import QuerySet
from django.utils import timezone

from xinban.campaigns import seed
from xinban.campaigns.models import TaxonomyTerm
from xinban.organisations.models import GuidingUnit, RecommendingUnit

FORMAT = "xinban-backup"
FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATABASE_NAME = "database.jsonl"
MEDIA_PREFIX = "media/"

#: Rows that ``migrate`` creates by itself (content types and permissions, through the
#: post_migrate signal) or that are not worth keeping (sessions, the admin's action log).
EXCLUDED_MODELS = frozenset(
    {"contenttypes.contenttype", "auth.permission", "sessions.session", "admin.logentry"}
)

CHUNK = 1024 * 1024
ITERATOR_CHUNK = 2000
MAX_MANIFEST_BYTES = 256 * 1024 * 1024

Log = Callable[[str], None]


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why, for an operator."""


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder, but times keep their microseconds (it cuts them to
    milliseconds, as ECMAScript does): a restore must give back the very same values."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.datetime | dt.time):
            if isinstance(o, dt.time) and timezone.is_aware(o):
                raise ValueError("JSON can't represent timezone-aware times.")
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


# --- what is backed up ----------------------------------------------------------------


def label(model: type[models.Model]) -> str:
    return model._meta.label_lower


def dump_models() -> list[type[models.Model]]:
    """Every concrete model whose rows go into the archive, in dependency order: a model
    comes after the models its foreign keys (and natural keys) point to, as far as cycles
    allow. Auto-created many-to-many tables are not listed: their rows travel with the
    model that declares the field."""
    selected = [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and not model._meta.swapped
        and label(model) not in EXCLUDED_MODELS
    ]
    return _dependency_order(selected)


def _dependency_order(selected: list[type[models.Model]]) -> list[type[models.Model]]:
    chosen = set(selected)
    deps: dict[type[models.Model], set[type[models.Model]]] = {}
    for model in selected:
        needs: set[type[models.Model]] = set()
        for f in model._meta.get_fields():
            forward_key = f.concrete and f.is_relation and (f.many_to_one or f.one_to_one)
            if forward_key or isinstance(f, models.ManyToManyField):
                needs.add(f.related_model)  # type: ignore[arg-type]
        for dep in getattr(getattr(model, "natural_key", None), "dependencies", []):
            needs.add(apps.get_model(dep))
        deps[model] = {m for m in needs if m in chosen and m is not model}
    ordered: list[type[models.Model]] = []
    remaining = sorted(selected, key=label)
    while remaining:
        ready = [m for m in remaining if deps[m] <= set(ordered)]
        # A cycle (none today): take the first remaining model; the foreign keys are
        # checked at commit time, and the loader resolves forward natural keys.
        batch = ready or remaining[:1]
        ordered.extend(batch)
        remaining = [m for m in remaining if m not in batch]
    return ordered


def through_models(dumped: Iterable[type[models.Model]]) -> list[type[models.Model]]:
    """The auto-created many-to-many tables of the dumped models (counted, not dumped)."""
    result: list[type[models.Model]] = []
    for model in dumped:
        for f in model._meta.local_many_to_many:
            through: type[models.Model] = f.remote_field.through  # type: ignore[attr-defined,assignment]
            if through._meta.auto_created:
                result.append(through)
    return result


def _natural_fk_names(model: type[models.Model]) -> list[str]:
    return [
        f.name
        for f in model._meta.concrete_fields
        if f.is_relation and hasattr(f.related_model, "natural_key")
    ]


def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _seeded_by_migrations(model: type[models.Model], using: str) -> QuerySet[Any] | None:
    """The rows a fresh ``migrate`` writes (docs/deploy.md, "第一天 / First day"): the
    taxonomy lists (campaigns 0003), the four guiding units and the special recommending
    unit with its rule (organisations 0003). Restore does not count them as project data
    and replaces them with the archive's rows. None for a model without such rows."""

    rows = model._base_manager.using(using)
    if issubclass(model, TaxonomyTerm):
        return rows.all()
    if model is GuidingUnit:
        return rows.filter(name__in=seed.GUIDING_UNITS)
    if model is RecommendingUnit:
        return rows.filter(name=seed.SPECIAL_UNIT)
    if model is RecommendingUnit.eligible_natures.through:
        return rows.filter(recommendingunit__name=seed.SPECIAL_UNIT)
    return None
