"""What counts as "submitted" (申报) and "recommended" (推荐), the one definition every
count uses: the dashboards and the lists behind them, the staff's progress table and 推荐单位 list,
附件5 and 附件6 statistics, the JSON API. See docs/rules.md ("Counts").

An application is recommended when it has been submitted (not a draft, not withdrawn)
and is on its unit's recommendation list — a ``Recommendation`` row whose 附件5 is not
voided (推荐无效) — whether the unit has filed its 附件5 yet (已报送) or is still filling
it in (填写中). Filing moves the listed applications to 已推荐 and voiding moves them to
未推荐, so for data made through the services the state agrees once the list is filed;
history imported without lists (the results of past years) counts by its state alone
(已推荐 or later).

Kept to model imports only, so the dashboards' filters (imported by the foundation's
lists) can use it without an import cycle.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from xinban.applications.models import ApplicationState
from xinban.recommendation.models import Recommendation, ReportStatus

S = ApplicationState

# States reached only through the unit's recommendation (filed, or imported history).
RECOMMENDED_STATES = frozenset(
    {
        S.RECOMMENDED,
        S.FORMAL_PASSED,
        S.FORMAL_FAILED,
        S.EXPERT_REVIEW,
        S.SELECTED,
        S.TYPICAL_CANDIDATE,
        S.TYPICAL,
        S.NOT_SELECTED,
    }
)
# Submitted and not withdrawn (nothing returns to 草稿; 退回修改 follows a submission).
NOT_APPLIED = (S.DRAFT, S.WITHDRAWN)


def applied_q(prefix: str = "") -> Q:
    """The condition for an application (reached through ``prefix``) to count as
    submitted (申报): neither a draft nor withdrawn."""
    return ~Q(**{prefix + "state__in": NOT_APPLIED})


def on_list(outer: str = "pk") -> Exists:
    """The application at ``outer`` (a path from the outer query to an application's
    primary key) is on a recommendation list that is not voided (filed or not)."""
    return Exists(
        Recommendation.objects.filter(application_id=OuterRef(outer)).exclude(
            report__status=ReportStatus.VOIDED
        )
    )


def recommended_q(prefix: str = "") -> Q:
    """The condition for an application (reached through ``prefix``, e.g.
    ``"applications__"``) to count as recommended."""
    return applied_q(prefix) & (
        Q(**{prefix + "state__in": sorted(RECOMMENDED_STATES)}) | Q(on_list(prefix + "pk"))
    )


def is_recommended(state: str, listed: bool) -> bool:
    """The same condition for an application already read (its state and whether
    ``on_list``), for counts tallied in Python from a GROUP BY (state, listed)."""
    return state not in NOT_APPLIED and (state in RECOMMENDED_STATES or listed)
