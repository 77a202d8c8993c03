"""Permission-matrix entries of the campaign year's public reads in the API."""

from __future__ import annotations

from tests.security.matrix_kit import (
    Op,
    Page,
    api_row,
)

ENTRIES: dict[str, Page | Op] = {
    "GET /api/campaigns/current": Op(api_row(200)),
    "GET /api/taxonomies": Op(api_row(200)),
}
