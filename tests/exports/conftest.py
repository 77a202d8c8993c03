"""The dashboards' small known world serves the export tests too, and the evaluation's
fixtures (applications carried through the association's review) the evaluation lists'."""

from tests.dashboards.conftest import world  # noqa: F401  (a fixture)
from tests.evaluation.conftest import (  # noqa: F401  (fixtures)
    candidate_a,
    candidate_with_video,
    experts,
    passed_a,
    recommended_a,
    recommended_b,
    reviewing_a,
    round_1,
    scored_a,
    selected_a,
)
from tests.publication.conftest import results  # noqa: F401  (a fixture)
