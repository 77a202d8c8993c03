"""The lists that can be exported, each with who may export it (the same selectors as the
pages, so an export holds exactly the rows the page would show that user), its columns
and its file name. ``spec.rows(user, params)`` raises Http404/PermissionDenied like the
page.

Every list is declared in its area's own ``exports`` module (``xinban/<area>/exports.py``)
with :func:`register`, which the exports app imports when Django starts
(``ExportsConfig.ready``), in ``INSTALLED_APPS`` order (the order of ``SPECS``). The
audit log, which belongs to the ground floor (xinban.core), is declared in the exports
app's own ``xinban/exports/exports.py``."""

from xinban.exports.registry.base import (
    SPECS,
    ExportSpec,
    Table,
    _current_campaign,
    _sheet_status_label,
    _state_label,
    _yes,
    export_params,
    local_time,
    register,
    require_staff,
    task_state_label,
)

__all__ = [
    "SPECS",
    "ExportSpec",
    "Table",
    "_current_campaign",
    "_sheet_status_label",
    "_state_label",
    "_yes",
    "export_params",
    "local_time",
    "register",
    "require_staff",
    "task_state_label",
]
