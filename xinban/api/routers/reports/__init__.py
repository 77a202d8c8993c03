"""统计表与工作总结 (JSON): a recommending unit's 附件6 成果统计表 and 附件7 推进工作总结 (read,
save the draft, submit, download), and for association staff who has filed 附件5/6/7,
the reminder e-mail and the roll-up of 附件6.

Rights as on the pages: the unit's members and staff read (anyone else 404); the unit's
admins write (others 403); the staff operations answer 403 to everyone else. ``year``
selects another campaign year (default: the current one).

One module per use case; importing them registers their operations on ``router``, in the
order of the OpenAPI document."""

# The order of these imports is the order of the operations in the OpenAPI document.
# isort: off
from xinban.api.routers.reports.base import router
from xinban.api.routers.reports import statistics
from xinban.api.routers.reports import summary
from xinban.api.routers.reports import filings
# isort: on

__all__ = ["filings", "router", "statistics", "summary"]
