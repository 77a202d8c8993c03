"""Who sees the similarity check (docs/similarity.md, "Who sees it"). Pages and the API
answer 404 to anyone who may not see the result, 403 to a reader who may not act.

* Staff: everything, with every source's names, and run the check again.
* The recommending unit: the check of an application in its own inbox (submitted to it);
  names of sources in its own inbox or published, others hidden.
* An assigned expert: the share and the passages; names only of published sources.
* The applicant: the overall figure and each source's share, with their own passages
  only — never another application's text, nor unpublished names.
"""

from __future__ import annotations

from typing import Any

import rules

from xinban.applications.models import Application
from xinban.core.roles import roles_of
from xinban.scoring.models import ScoreSheet, Stage


@rules.predicate
def is_staff(user: Any) -> bool:
    return roles_of(user).is_staff


@rules.predicate
def is_inbox_unit_member(user: Any, application: Application | None) -> bool:
    if application is None or application.submitted_at is None:
        return False
    return application.recommending_unit_id in roles_of(user).unit_ids


@rules.predicate
def is_assigned_expert(user: Any, application: Application | None) -> bool:
    if application is None or not getattr(user, "is_authenticated", False):
        return False
    return ScoreSheet.objects.filter(
        application=application, stage=Stage.EXPERT, judge__user=user
    ).exists()


@rules.predicate
def is_applicant_member(user: Any, application: Application | None) -> bool:
    return (
        application is not None and application.organisation_id in roles_of(user).organisation_ids
    )


# The result at all (else 404). The query (is_assigned_expert) is asked last.
rules.add_perm(
    "integrity.view_similarity",
    is_staff | is_inbox_unit_member | is_applicant_member | is_assigned_expert,
)
# The other applications' text in the passages.
rules.add_perm(
    "integrity.view_similarity_sources", is_staff | is_inbox_unit_member | is_assigned_expert
)
# Every source's names, published or not.
rules.add_perm("integrity.view_similarity_names", is_staff)
# Run the check again.
rules.add_perm("integrity.run_similarity", is_staff)
