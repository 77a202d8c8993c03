"""What an export is (:class:`ExportSpec`, :class:`Table`), the registry of exports
(``SPECS``, :func:`register`) and the helpers the lists share."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import ApplicationState
from xinban.campaigns.selectors import campaign_current
from xinban.core.roles import roles_of
from xinban.exports.writer import PerExport, bound
from xinban.scoring.models import SheetStatus
from xinban.tasks.models import TaskState

# Control characters (NUL above all) mean nothing in a filter, and PostgreSQL cannot store
# a NUL in the JSON of a background export's task.
_CONTROL = re.compile("[\x00-\x1f\x7f]")


def export_params(items: Mapping[str, object]) -> dict[str, str]:
    """A list's filter parameters as an export keeps them: text without control
    characters, at most 200 characters each, empty ones left out."""
    cleaned = {str(k)[:50]: _CONTROL.sub("", str(v))[:200] for k, v in items.items()}
    return {k: v for k, v in cleaned.items() if v}


@dataclass(frozen=True)
class Table:
    """A list computed rather than read with one ``values_list`` (a ranking): its number
    of rows, known once the list's permission check has passed, and its rows, produced
    lazily (in chunks) when they are written."""

    count: int
    rows: Callable[[], Iterator[list[Any]]]


@dataclass(frozen=True)
class ExportSpec:
    """One exportable list: either ``queryset`` (the page's selector) with the
    ``values_list`` ``fields`` of its columns and ``transforms`` of some of them, or
    ``table`` (the page's computed list). Either raises Http404/PermissionDenied like
    the page. ``unit_scoped`` lists belong to one recommending unit (``unit_pk``) and are
    also served at ``/exports/unit/<unit_pk>/<kind>.xlsx``; ``public`` ones need no
    login."""

    name: str
    title: Any  # lazy text: the sheet's and the file's name
    headers: Callable[[], Sequence[str]]
    queryset: Callable[[User, Mapping[str, str]], QuerySet[Any]] | None = None
    fields: Sequence[str] = ()
    transforms: Mapping[int, Callable[[Any], Any]] = field(default_factory=dict)
    table: Callable[[User, Mapping[str, str]], Table] | None = None
    unit_scoped: bool = False
    # Anyone may export it, logged in or not (it holds published data only and does not
    # look at the user; an anonymous export is always streamed, never a task).
    public: bool = False

    def _queryset(self, user: User, params: Mapping[str, str]) -> QuerySet[Any]:
        assert self.queryset is not None, f"{self.name}: a queryset or a table"
        queryset = self.queryset(user, params)
        if not queryset.ordered:
            # A grouped query drops the model's default ordering (Django ignores
            # Meta.ordering under GROUP BY): keep the page's order on every database.
            queryset = queryset.order_by(*(queryset.model._meta.ordering or ["pk"]))
        return queryset

    def count(self, user: User, params: Mapping[str, str]) -> int:
        if self.table is not None:
            return self.table(user, params).count
        return self._queryset(user, params).count()

    def rows(self, user: User, params: Mapping[str, str]) -> Iterator[list[Any]]:
        if self.table is not None:
            yield from self.table(user, params).rows()
            return
        values = self._queryset(user, params).values_list(*self.fields)
        # Each transform's time zone and language read once, here (not once per row).
        transforms = [(index, bound(t)) for index, t in self.transforms.items()]
        for fetched in values.iterator(chunk_size=2000):
            row = list(fetched)
            for index, transform in transforms:
                row[index] = transform(row[index])
            yield row

    def filename(self) -> str:
        return f"{self.title}-{timezone.localdate():%Y%m%d}.xlsx"


def _local_time_in(zone: Any) -> Callable[[Any], Any]:
    def local(value: Any) -> Any:
        return value.astimezone(zone).replace(tzinfo=None) if value else None

    return local


# An aware date and time as the local time a cell shows (none stays empty); the time zone
# is read once per export.
local_time = PerExport(lambda: _local_time_in(_zone()))


def _zone() -> Any:
    return timezone.get_current_timezone()


def _state_label_in(labels: dict[str, str]) -> Callable[[str], str]:
    def label(value: str) -> str:
        return labels.get(value, value)

    return label


@lru_cache(maxsize=8)
def _state_labels(language: str) -> dict[str, str]:
    """The state labels in ``language`` (one lookup per export, not per row)."""
    del language  # the cache key: the labels below are translated in it
    return {key: str(label) for key, label in ApplicationState.choices}


# An application's state as its label in the language in force (read once per export).
_state_label = PerExport(lambda: _state_label_in(_state_labels(translation.get_language() or "")))


def require_staff(user: User) -> None:
    """Staff only: anyone else 403 (as the staff pages)."""
    if not roles_of(user).is_staff:
        raise PermissionDenied


def _current_campaign() -> Any:
    campaign = campaign_current()
    if campaign is None:
        raise Http404
    return campaign


def _yes(value: bool) -> str:
    return _("是") if value else _("否")


def _sheet_status_label(value: str) -> str:
    return str(dict(SheetStatus.choices).get(value, value))


def task_state_label(value: str) -> str:
    return str(dict(TaskState.choices).get(value, value))


SPECS: dict[str, ExportSpec] = {}


def register(spec: ExportSpec) -> ExportSpec:
    """Add an area's list to the exports (``/exports/<name>.xlsx``, the API's
    ``/api/exports/<name>.xlsx``)."""
    if spec.name in SPECS:
        raise ImproperlyConfigured(f"two exports are called {spec.name!r}")
    SPECS[spec.name] = spec
    return spec
