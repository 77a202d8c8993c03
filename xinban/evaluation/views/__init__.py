"""Pages of the association's evaluation (docs/architecture.md, "The association's
evaluation"), one module per use case: staff run formal review (``formal``), the expert
panel (``expert_panel``), rounds (``evaluation_rounds``), assignment
(``expert_assignment``), rankings and decisions (``decisions``); experts score what they
were given (``expert_sheets``); guiding units review typical-experience candidates
(``guiding_review``); applicants see their outcomes and upload the presentation video
(``applicant``, ``video``). Who may see what is in rules.py: outsiders 404, read-only roles
403. This package re-exports every view, so ``from xinban.evaluation.views import x`` keeps
working; modules are not named as their views (the re-export would hide them)."""

from xinban.evaluation.views.applicant import outcomes, video_upload
from xinban.evaluation.views.decisions import candidates, confirm, decide, national, ranking
from xinban.evaluation.views.evaluation_rounds import round_deadline, rounds
from xinban.evaluation.views.expert_assignment import (
    application,
    assign_auto,
    assign_manual,
    assignments,
    unassign,
)
from xinban.evaluation.views.expert_panel import (
    employment_add,
    employment_remove,
    panel,
    panel_member,
    panel_remove,
)
from xinban.evaluation.views.expert_sheets import expert_conflict, expert_home, expert_sheet
from xinban.evaluation.views.formal import formal_bulk, formal_list, formal_review
from xinban.evaluation.views.guiding_review import guiding_candidate, guiding_home
from xinban.evaluation.views.home import staff_home
from xinban.evaluation.views.video import video_download, video_stream

__all__ = [
    "application",
    "assign_auto",
    "assign_manual",
    "assignments",
    "candidates",
    "confirm",
    "decide",
    "employment_add",
    "employment_remove",
    "expert_conflict",
    "expert_home",
    "expert_sheet",
    "formal_bulk",
    "formal_list",
    "formal_review",
    "guiding_candidate",
    "guiding_home",
    "national",
    "outcomes",
    "panel",
    "panel_member",
    "panel_remove",
    "ranking",
    "round_deadline",
    "rounds",
    "staff_home",
    "unassign",
    "video_download",
    "video_stream",
    "video_upload",
]
