"""Pages of a recommending unit and of its judges (docs/architecture.md, "The
recommending units' review"), one module per use case: ``unit_lists``, ``unit_inbox``,
``judge_assignment``, ``judge_panel``, ``recommendation_list`` (ranking, list, quota),
``unit_report`` (附件5), ``judge_sheets``; ``common`` holds what they share. Outsiders
get 404; unit staff without the admin role and association staff get 403 on actions they
may only look at. This package re-exports every view, so
``from xinban.recommendation.views import x`` keeps working; modules are not named as
their views (the re-export would hide them)."""

from xinban.recommendation.views.judge_assignment import assign, spread, unassign
from xinban.recommendation.views.judge_panel import accept_invitation, invite, judge_remove, judges
from xinban.recommendation.views.judge_sheets import judge_conflict, judge_home, judge_sheet
from xinban.recommendation.views.recommendation_list import (
    move,
    quota,
    ranking,
    recommend,
    unrecommend,
)
from xinban.recommendation.views.unit_inbox import application, inbox, on_site, return_application
from xinban.recommendation.views.unit_lists import home, staff_units
from xinban.recommendation.views.unit_report import (
    report,
    report_download,
    report_scan,
    report_scan_download,
    report_submit,
    report_void,
)

__all__ = [
    "accept_invitation",
    "application",
    "assign",
    "home",
    "inbox",
    "invite",
    "judge_conflict",
    "judge_home",
    "judge_remove",
    "judge_sheet",
    "judges",
    "move",
    "on_site",
    "quota",
    "ranking",
    "recommend",
    "report",
    "report_download",
    "report_scan",
    "report_scan_download",
    "report_submit",
    "report_void",
    "return_application",
    "spread",
    "staff_units",
    "unassign",
    "unrecommend",
]
