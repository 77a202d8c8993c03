"""The lists that can be exported, each with who may export it (the same selectors as the
pages, so an export holds exactly the rows the page would show that user), its columns
and its file name. ``spec.rows(user, params)`` raises Http404/PermissionDenied like the
page.

The lists of the first areas are declared in this package, one module per use case;
importing them registers their lists, in the order below (the order of ``SPECS``). An
area's newer lists are declared in its own ``exports`` module (``xinban/<area>/exports.py``)
with :func:`register`, which the exports app imports when Django starts
(``ExportsConfig.ready``)."""

# isort: off
from xinban.exports.registry.base import (
    SPECS,
    ExportSpec,
    Table,
    _yes,
    export_params,
    local_time,
    register,
    require_staff,
)
from xinban.exports.registry import applications, recommendation, evaluation
from xinban.exports.registry import publication, operations

# isort: on
from xinban.exports.registry.applications import APPLICATION_FIELDS
from xinban.exports.registry.evaluation import _evaluation_staff
from xinban.exports.registry.operations import task_state_label
from xinban.exports.registry.recommendation import _sheet_status_label

__all__ = [
    "APPLICATION_FIELDS",
    "SPECS",
    "ExportSpec",
    "Table",
    "_evaluation_staff",
    "_sheet_status_label",
    "_yes",
    "applications",
    "evaluation",
    "export_params",
    "local_time",
    "operations",
    "publication",
    "recommendation",
    "register",
    "require_staff",
    "task_state_label",
]
