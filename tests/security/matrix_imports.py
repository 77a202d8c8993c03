"""Permission-matrix entries of the historical import (xinban.imports): staff only; every
other signed-in persona gets 403."""

from __future__ import annotations

from typing import Any

from tests.security.matrix_kit import ANE, POST_ONLY, STAFF_ONLY, Op, Page, Ref, api_row, row

ENTRIES: dict[str, Page | Op] = {
    "imports:home": Page(get=STAFF_ONLY, post=row(403, staff=ANE)),
    "imports:template": Page(get=STAFF_ONLY),
    "imports:batch": Page(get=STAFF_ONLY, kwargs={"pk": Ref("import_batch")}),
    "imports:commit": Page(
        get=POST_ONLY, post=row(403, staff=ANE), kwargs={"pk": Ref("import_batch")}
    ),
    # The import history's Excel: staff, as the page.
    "exports:download (import history)": Page(get=STAFF_ONLY, kwargs={"kind": "import_batches"}),
    # --- API
    "GET /api/imports/template.xlsx": Op(api_row(403, staff=200)),
    "POST /api/imports": Op(api_row(403, staff=ANE), body="multipart"),
    "GET /api/imports/{batch_id}": Op(api_row(403, staff=200)),
    "POST /api/imports/{batch_id}/commit": Op(api_row(403, staff=ANE)),
    "GET /api/exports/{kind}.xlsx (import history)": Op(
        api_row(403, staff=200), kwargs={"kind": "import_batches"}
    ),
}
KWARGS = {"batch_id": Ref("import_batch")}


def extend_world(fx: dict[str, Any], users: dict[str, Any], ids: dict[str, Any]) -> None:
    """A checked (not yet imported) batch of one past-year row."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import Workbook

    from xinban.imports import services

    wb = Workbook()
    ws = wb.active
    ws.title = services.SHEET_TITLE
    ws.append([c.header for c in services.COLUMNS])
    year = fx["campaign"].year - 3
    ws.append(
        [
            year,
            fx["unit_x"].name,
            "上海往年导入有限公司",
            "",
            "导入一班",
            "",
            10,
            "",
            "",
            "",
            "建设经验",
            "",
        ]
    )
    out = io.BytesIO()
    wb.save(out)
    batch = services.import_check(
        actor=fx["staff"],
        file=SimpleUploadedFile(
            "往年.xlsx", out.getvalue(), content_type="application/octet-stream"
        ),
    )
    ids["import_batch"] = batch.pk


def fingerprint() -> dict[str, Any]:
    from xinban.imports.models import ImportBatch, ImportedRecord

    return {
        "batches": sorted(ImportBatch.objects.values_list("pk", "state")),
        "imported": ImportedRecord.objects.count(),
    }
