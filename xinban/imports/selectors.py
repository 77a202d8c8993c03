from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from xinban.imports.models import ImportBatch


def batches_recent(limit: int = 20) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.select_related("created_by", "committed_by")[:limit]


def batch_get(pk: int) -> ImportBatch:
    batch = ImportBatch.objects.select_related("created_by", "committed_by").filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch
