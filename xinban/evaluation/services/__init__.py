"""The association's evaluation transitions (docs/architecture.md, "The association's
evaluation"), one module per use case. Each public function is one atomic, audited
transition that checks the current state, the actor's right and — for formal review,
assignment, expert scoring and decisions — the EVALUATION window.

Flow of an application::

    RECOMMENDED ─ formal review ─┬─> FORMAL_PASSED ─ experts assigned ─> EXPERT_REVIEW
                                 ├─> FORMAL_FAILED
                                 └─> RETURNED ─ corrected, resubmitted ─> RECOMMENDED
    EXPERT_REVIEW ─ decision ─> SELECTED (建设经验) | NOT_SELECTED
    SELECTED ─ decision ─> TYPICAL_CANDIDATE ─ video, guiding approval, staff ─> TYPICAL
    TYPICAL ─ staff ─> national flag (推荐全国质量信得过班组典型经验)

Decisions can be revised (always with a reason) until the year's results are published.
Applicants are e-mailed after commit; their mails never name experts nor give scores.

The modules: ``formal_review`` (资料形式审查), ``panel`` (专家评委库), ``rounds``,
``expert_assignment``, ``expert_sheets`` (withdrawal, 回避, the sheet gate), ``decisions``
(评价结果, typical experiences, the national mark), ``video`` (发表视频),
``guiding_review`` (指导单位审核); ``guards`` holds their shared checks. The checklist is
:mod:`xinban.evaluation.checklist`. This package re-exports every public name, so
``from xinban.evaluation.services import x`` keeps working."""

from xinban.evaluation.checklist import DEFAULT_CHECKLIST, DEFAULT_CHECKLIST_EN, checklist_for
from xinban.evaluation.selectors import expert_conflicts
from xinban.evaluation.services.decisions import (
    DECISION_SOURCES,
    decision_refusal,
    decision_set,
    expert_sheets_refusal,
    national_mark,
    typical_confirm,
    typical_confirm_refusal,
)
from xinban.evaluation.services.expert_assignment import (
    AutoAssignment,
    expert_assign_auto,
    expert_assign_manual,
)
from xinban.evaluation.services.expert_sheets import (
    expert_conflict_declare,
    expert_sheet_gate,
    expert_unassign,
)
from xinban.evaluation.services.formal_review import (
    FORMAL_STATE,
    BulkReviewResult,
    formal_review_bulk,
    formal_review_record,
    formal_review_refusal,
    hand_checks_refusal,
    hand_items,
)
from xinban.evaluation.services.guiding_review import guiding_review_record
from xinban.evaluation.services.panel import (
    employment_add,
    employment_remove,
    expert_panel_add,
    expert_panel_edit,
    expert_panel_remove,
    expert_panel_update,
    expert_profile_set,
)
from xinban.evaluation.services.rounds import round_create, round_set_deadline
from xinban.evaluation.services.video import (
    VIDEO_MAX_BYTES_DEFAULT,
    VIDEO_PURPOSE,
    video_attach,
    video_attach_upload,
    video_max_bytes,
    video_upload_allowed,
    video_upload_target,
)

__all__ = [
    "DECISION_SOURCES",
    "DEFAULT_CHECKLIST",
    "DEFAULT_CHECKLIST_EN",
    "FORMAL_STATE",
    "VIDEO_MAX_BYTES_DEFAULT",
    "VIDEO_PURPOSE",
    "AutoAssignment",
    "BulkReviewResult",
    "checklist_for",
    "decision_refusal",
    "decision_set",
    "employment_add",
    "employment_remove",
    "expert_assign_auto",
    "expert_assign_manual",
    "expert_conflict_declare",
    "expert_conflicts",
    "expert_panel_add",
    "expert_panel_edit",
    "expert_panel_remove",
    "expert_panel_update",
    "expert_profile_set",
    "expert_sheet_gate",
    "expert_sheets_refusal",
    "expert_unassign",
    "formal_review_bulk",
    "formal_review_record",
    "formal_review_refusal",
    "guiding_review_record",
    "hand_checks_refusal",
    "hand_items",
    "national_mark",
    "round_create",
    "round_set_deadline",
    "typical_confirm",
    "typical_confirm_refusal",
    "video_attach",
    "video_attach_upload",
    "video_max_bytes",
    "video_upload_allowed",
    "video_upload_target",
]
