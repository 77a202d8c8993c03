"""Import of past years' teams and results from Excel (staff).

1. ``import_template_xlsx()``: the workbook to fill (one sheet of columns, one of rules).
2. ``import_check``: the upload is checked like every upload (size, real type, zip bomb),
   kept, and read row by row without writing anything: each row is new, an update of a
   row imported before, unchanged, or wrong (row number, column, message in Chinese).
3. ``import_commit``: the same check again inside one transaction; any error and nothing
   is written. Otherwise every row becomes real data: the year's campaign (created closed
   and published when missing), the organisation, and an application in its result state
   (建设经验 → ``selected``, 典型经验 → ``typical``, 推荐全国 → ``typical`` with the
   decision's national flag), with its evaluation decision, so that it counts in 历年累计
   and appears in the published results and the case library.

The natural key of a row is (年度, 单位名称, 班组名称): importing the same file twice
updates the rows of the first import (or leaves them unchanged) and never adds them
again. A row whose key belongs to an application made on the platform itself is refused.

One module per step: `rows` (the columns and row types), `template`, `checking`, `batches`
(the services); every public name is re-exported here.
"""

from xinban.imports.services.batches import import_check, import_commit
from xinban.imports.services.checking import HEADERS_BY_KEY, check_rows
from xinban.imports.services.rows import (
    ACTION_LABELS,
    COLUMNS,
    HEADERS,
    MAX_ROWS,
    MAX_SUMMARY,
    PREVIEW_ROWS,
    RESULT_LABELS,
    RESULTS,
    SHEET_TITLE,
    Action,
    CheckResult,
    Column,
    ImportHasErrors,
    ParsedRow,
    RowError,
    require_staff,
)
from xinban.imports.services.template import import_template_xlsx

__all__ = [
    "ACTION_LABELS",
    "Action",
    "COLUMNS",
    "CheckResult",
    "Column",
    "HEADERS",
    "HEADERS_BY_KEY",
    "ImportHasErrors",
    "MAX_ROWS",
    "MAX_SUMMARY",
    "PREVIEW_ROWS",
    "ParsedRow",
    "RESULTS",
    "RESULT_LABELS",
    "RowError",
    "SHEET_TITLE",
    "check_rows",
    "import_check",
    "import_commit",
    "import_template_xlsx",
    "require_staff",
]
