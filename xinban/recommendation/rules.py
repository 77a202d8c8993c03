"""Rules of the recommendation that both its services and its selectors ask
(docs/rules.md): kept here, below both, so that neither imports the other for them."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xinban.core.rulebook import Refusal


def review_minimum_refusal(*, submitted_sheets: int, minimum: int) -> Refusal | None:
    """Rule 2: a unit recommends on the basis of its own review (附件5): an application
    needs at least the year's minimum number of submitted judge sheets. See docs/rules.md."""
    if submitted_sheets >= minimum:
        return None
    return Refusal(
        _("推荐须以本单位评审为依据：至少需要 %(min)s 份已提交的评委评分表，目前只有 %(n)s 份。")
        % {"min": minimum, "n": submitted_sheets},
        code="judge_sheets_short",
    )
