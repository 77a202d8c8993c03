from __future__ import annotations

from functools import cached_property
from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet


class CountingPaginator(Paginator):
    """Counts on a plain filtered queryset rather than on the rows shown: the rows join
    other tables for their labels, and counting through those joins grows with the data."""

    def __init__(self, object_list: Any, per_page: int, *, count_from: QuerySet[Any]) -> None:
        super().__init__(object_list, per_page)
        self._count_from = count_from

    @cached_property
    def count(self) -> int:
        return self._count_from.count()
