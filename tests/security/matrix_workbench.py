"""Permission-matrix entry of the workbench (工作台): every signed-in person has one and
sees only their own work (the matrix's secrets check that nobody's workbench shows A's
number, B's draft or the judge's name to someone who may not see them)."""

from __future__ import annotations

from tests.security.matrix_kit import LOGGED_IN, Op, Page

ENTRIES: dict[str, Page | Op] = {
    "workbench:home": Page(get=LOGGED_IN),
}
