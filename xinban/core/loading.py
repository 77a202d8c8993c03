"""Rows loaded as they were (a restore, ``loaddata``): summary rows come back with the
rows they summarise, so receivers that keep summaries in step must not recount while
loading (docs/backup.md, "Restore"). ``raw=True`` tells a ``post_save`` receiver, but
Django's deserializer sets many-to-many fields afterwards through ``m2m_changed``, which
carries no such flag: ``loading_rows()`` marks the whole load."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_LOADING: ContextVar[bool] = ContextVar("xinban_loading_rows", default=False)


@contextmanager
def loading_rows() -> Iterator[None]:
    token = _LOADING.set(True)
    try:
        yield
    finally:
        _LOADING.reset(token)


def is_loading_rows(raw: bool = False) -> bool:
    """True while rows are loaded as they were (or for a ``raw`` save)."""
    return raw or _LOADING.get()
