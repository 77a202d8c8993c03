"""Files in storage that no row refers to.

A process killed between storing an upload and committing its row leaves such a file:
nobody can reach it (downloads go through rows), but it takes space. The sweep deletes
those older than a grace period, so an upload still in its transaction is never touched."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from django.apps import apps
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.utils import timezone


def referenced_names() -> set[str]:
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField) and not field.many_to_many:
                names.update(
                    n
                    for n in model._default_manager.exclude(**{field.name: ""})
                    .values_list(field.name, flat=True)
                    .iterator()
                    if n
                )
    return names


def stored_names(storage: Storage, directory: str = "") -> Iterator[str]:
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{directory}/{name}" if directory else name
    for folder in folders:
        yield from stored_names(storage, f"{directory}/{folder}" if directory else folder)


def unreferenced_files(*, older_than: timedelta, storage: Storage = default_storage) -> list[str]:
    cutoff = timezone.now() - older_than
    referenced = referenced_names()
    return sorted(
        name
        for name in stored_names(storage)
        if name not in referenced and storage.get_modified_time(name) <= cutoff
    )


def purge_unreferenced_files(
    *, older_than: timedelta, dry_run: bool = False, storage: Storage = default_storage
) -> list[str]:
    names = unreferenced_files(older_than=older_than, storage=storage)
    if not dry_run:
        for name in names:
            storage.delete(name)
    return names
