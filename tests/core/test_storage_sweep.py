from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from xinban.core.storage_sweep import purge_unreferenced_files, unreferenced_files

pytestmark = pytest.mark.django_db


def test_only_unreferenced_files_past_the_grace_period_go(submitted_a: Any) -> None:
    kept = submitted_a.stamped_form.name
    orphan = default_storage.save("attachments/2026/orphan.pdf", ContentFile(b"%PDF-1.4 x"))
    assert unreferenced_files(older_than=timedelta(hours=1)) == []  # too fresh
    assert unreferenced_files(older_than=timedelta(0)) == [orphan]
    out = StringIO()
    call_command("purge_orphan_files", "--older-than-hours", "0", "--dry-run", stdout=out)
    assert default_storage.exists(orphan) and "would delete 1" in out.getvalue()
    assert purge_unreferenced_files(older_than=timedelta(0)) == [orphan]
    assert not default_storage.exists(orphan)
    assert default_storage.exists(kept)
