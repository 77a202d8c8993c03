"""The association's evaluation (the pages of xinban.evaluation.views, as JSON): formal
review, rounds, automatic and manual expert assignment, the per-domain ranking, decisions,
typical experiences and the national mark (staff); the expert's own sheets; guiding units'
review of candidates; the applicant's outcomes and presentation video. One module per use
case, all on one router; each operation is a thin adapter of its page's operation: the
page's form parses the body and hands it to the service (``form.save``).

Who may do what, as on the pages: staff operations answer 403 to other signed-in users;
an expert's sheet, a guiding unit's candidate and an applicant's application are 404 to
anyone else. Applicants never receive experts' names or scores."""

# Importing the modules registers their operations on the router, in this order (the
# panel's ``/evaluation/panel/candidates`` before ``/evaluation/panel/{member_id}``).
from xinban.api.routers.evaluation import (  # noqa: F401
    applicant,
    decisions,
    expert_assignment,
    expert_sheets,
    formal_review,
    guiding_review,
    panel,
    rounds,
)
from xinban.api.routers.evaluation.common import router

__all__ = ["router"]
