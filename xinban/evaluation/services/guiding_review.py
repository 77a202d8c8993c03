"""Guiding units' review of typical-experience candidates."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.core.audit import audit_record
from xinban.core.errors import NotAllowed, ServiceError, WrongState
from xinban.core.roles import roles_of
from xinban.evaluation.models import GuidingReview, GuidingVerdict, PresentationVideo
from xinban.evaluation.services.guards import (
    lock,
    require_state,
    require_unpublished,
    require_window,
)
from xinban.organisations.models import GuidingUnit


def guiding_review_record(
    *,
    actor: User,
    application: Application,
    verdict: str,
    comment: str = "",
    guiding_unit: GuidingUnit | None = None,
) -> GuidingReview:
    """A guiding unit approves or rejects a typical-experience candidate (after seeing the
    video and the materials); a rejection needs a comment. The unit may change its
    verdict while the application is a candidate. A user in several guiding units names
    the unit."""
    roles = roles_of(actor)
    if not roles.is_guiding:
        raise NotAllowed(_("只有指导单位用户可以审核典型经验候选。"), code="not_guiding")
    if guiding_unit is None:
        if len(roles.guiding_unit_ids) != 1:
            raise ServiceError(
                _("请选择代表哪个指导单位审核。"), code="unit_required", field="guiding_unit"
            )
        unit_id = next(iter(roles.guiding_unit_ids))
    else:
        unit_id = guiding_unit.pk
        if unit_id not in roles.guiding_unit_ids:
            raise NotAllowed(_("您不是该指导单位的成员。"), code="not_guiding_member")
    if verdict not in GuidingVerdict.values:
        raise ServiceError(_("审核意见无效。"), code="bad_verdict", field="verdict")
    comment = (comment or "").strip()
    if verdict == GuidingVerdict.REJECT and not comment:
        raise ServiceError(_("不同意时请填写说明。"), code="comment_required", field="comment")
    with transaction.atomic():
        current = lock(application)
        require_state(current, {ApplicationState.TYPICAL_CANDIDATE})
        require_window(current.campaign)
        require_unpublished(current.campaign)
        if not PresentationVideo.objects.filter(application=current).exists():
            raise WrongState(_("候选班组尚未上传发表视频，请稍后审核。"), code="video_missing")
        review = GuidingReview.objects.filter(application=current, guiding_unit_id=unit_id).first()
        before = (review.verdict, review.comment) if review else (None, None)
        if review is None:
            review = GuidingReview(application=current, guiding_unit_id=unit_id)
        review.verdict = verdict
        review.comment = comment
        review.reviewer = actor
        review.reviewed_at = timezone.now()
        review.save()
        audit_record(
            actor=actor,
            action="evaluation.guiding_review",
            obj=current,
            changes={
                "guiding_unit": unit_id,
                "verdict": [before[0], verdict],
                "comment": [before[1], comment],
            },
        )
    return review
