"""A recommending unit's transitions (docs/architecture.md, "The recommending units'
review"), one module per use case: ``judges`` (panel, invitations, conflicts, reminders,
the sheet gate), ``assignment`` (judges to applications), ``unit_review`` (on-site note,
enough scores), ``recommendation_list`` (recommend within quota, order), ``report``
(附件5 and its filing), ``report_scan`` (the stamped scan), ``void`` (voiding a filed
附件5); ``guards`` holds their shared checks. This package re-exports every public name, so
``from xinban.recommendation.services import x`` keeps working."""

from xinban.recommendation.rules import review_minimum_refusal
from xinban.recommendation.services.assignment import (
    assignment_add,
    assignment_remove,
    assignment_spread_evenly,
    unit_progress_counts,
)
from xinban.recommendation.services.guards import (
    report_for,
    require_recommendation_window,
    require_staff,
    require_unit_admin,
    require_unit_member,
    unit_emails,
)
from xinban.recommendation.services.judges import (
    conflict_declare,
    conflict_reason,
    invitation_accept,
    invitation_send,
    judge_add_to_panel,
    judge_remove_from_panel,
    judges_remind,
    unit_sheet_gate,
)
from xinban.recommendation.services.recommendation_list import (
    quota_for,
    quota_set,
    recommend,
    recommendation_reorder,
    unrecommend,
)
from xinban.recommendation.services.report import (
    REPORT_FIELDS,
    ReportIncomplete,
    fill_date_refusal,
    report_judges_refusal,
    report_list_refusal,
    report_problems,
    report_save,
    report_scores_refusal,
    report_submit,
    report_submit_refusal,
    report_warnings,
)
from xinban.recommendation.services.report_scan import report_upload_scan
from xinban.recommendation.services.unit_review import review_refusal, unit_note_save
from xinban.recommendation.services.void import VOIDABLE, report_void, report_void_refusal

__all__ = [
    "REPORT_FIELDS",
    "ReportIncomplete",
    "VOIDABLE",
    "assignment_add",
    "assignment_remove",
    "assignment_spread_evenly",
    "conflict_declare",
    "conflict_reason",
    "fill_date_refusal",
    "invitation_accept",
    "invitation_send",
    "judge_add_to_panel",
    "judge_remove_from_panel",
    "judges_remind",
    "quota_for",
    "quota_set",
    "recommend",
    "recommendation_reorder",
    "report_for",
    "report_judges_refusal",
    "report_list_refusal",
    "report_problems",
    "report_save",
    "report_scores_refusal",
    "report_submit",
    "report_submit_refusal",
    "report_upload_scan",
    "report_void",
    "report_void_refusal",
    "report_warnings",
    "require_recommendation_window",
    "require_staff",
    "require_unit_admin",
    "require_unit_member",
    "review_minimum_refusal",
    "review_refusal",
    "unit_emails",
    "unit_note_save",
    "unit_progress_counts",
    "unit_sheet_gate",
    "unrecommend",
]
