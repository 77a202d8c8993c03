"""The association's evaluation (docs/architecture.md, "The association's evaluation"): formal
review against the 附件4 checklist, the
expert panel and its rounds, decisions (建设经验, typical experiences, the national
recommendation), the candidates' presentation videos and the guiding units' reviews.

Expert score sheets are ``xinban.scoring.ScoreSheet`` rows of stage EXPERT: a sheet is the
assignment, as for the recommending units' judges."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class ChecklistItem(models.Model):
    """One line of a year's formal-review checklist. Items with a ``key`` are the
    defaults seeded from 附件4 (those listed in ``AUTOMATIC_KEYS`` are also computed from
    the application's data); staff edit texts, order and ``active`` per year, and may add
    their own items (without a key), which reviewers tick by hand."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.CASCADE,
        related_name="checklist_items",
        verbose_name=_("活动年度"),
    )
    key = models.CharField(
        _("代码"),
        max_length=40,
        blank=True,
        help_text=_("预置条目的代码；自动核对的条目按代码从申报数据计算。自行添加的条目留空。"),
    )
    text = models.CharField(_("审查内容"), max_length=200)
    text_en = models.CharField(_("审查内容（英文）"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["campaign", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "key"],
                condition=~models.Q(key=""),
                name="checklist_item_key_unique_per_campaign",
            )
        ]
        verbose_name = _("形式审查条目")
        verbose_name_plural = _("形式审查条目")

    def __str__(self) -> str:
        return self.text

    @property
    def label(self) -> str:
        """The text in the page's language (English pages: the English text if given)."""
        if translation.get_language() == "en" and self.text_en:
            return self.text_en
        return self.text


class FormalOutcome(models.TextChoices):
    PASSED = "passed", _("通过")
    FAILED = "failed", _("不通过")
    RETURNED = "returned", _("退回修改")


class FormalReview(models.Model):
    """资料形式审查: the latest outcome for an application (earlier ones are in the audit
    log — a returned application is reviewed again after resubmission)."""

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="formal_review",
        verbose_name=_("申报"),
    )
    outcome = models.CharField(_("审查结论"), max_length=10, choices=FormalOutcome.choices)
    # {checklist item id (str): bool}
    checks = models.JSONField(_("核对结果"), default=dict, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    bulk = models.BooleanField(_("批量通过"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审查人"),
    )
    reviewed_at = models.DateTimeField(_("审查时间"), default=timezone.now)

    class Meta:
        verbose_name = _("资料形式审查")
        verbose_name_plural = _("资料形式审查")

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_outcome_display()}"


class ExpertPanelMember(models.Model):
    """An expert on the association's panel for one year."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.CASCADE,
        related_name="expert_panel",
        verbose_name=_("活动年度"),
    )
    judge = models.ForeignKey(
        "scoring.Judge",
        on_delete=models.PROTECT,
        related_name="expert_panels",
        verbose_name=_("专家"),
    )
    capacity = models.PositiveSmallIntegerField(
        _("评审容量"),
        null=True,
        blank=True,
        help_text=_("每轮最多评审的申报数；留空表示不限"),
    )
    is_chair = models.BooleanField(_("评审组长"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "judge__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "judge"], name="expert_panel_unique")
        ]
        verbose_name = _("专家评委")
        verbose_name_plural = _("专家评委")

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.judge}"


class EvaluationRound(models.Model):
    """A round of expert scoring; sheets of the round cannot be saved after its deadline."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.CASCADE,
        related_name="evaluation_rounds",
        verbose_name=_("活动年度"),
    )
    number = models.PositiveSmallIntegerField(_("轮次"))
    deadline = models.DateTimeField(_("评分截止时间"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="evaluation_round_unique")
        ]
        verbose_name = _("评审轮次")
        verbose_name_plural = _("评审轮次")

    def __str__(self) -> str:
        return str(_("第%(n)s轮") % {"n": self.number})

    def is_open(self, at: datetime | None = None) -> bool:
        return (at or timezone.now()) <= self.deadline


class DecisionLevel(models.TextChoices):
    SELECTED = "selected", _("建设经验")
    NOT_SELECTED = "not_selected", _("未入选")
    TYPICAL_CANDIDATE = "typical_candidate", _("典型经验候选")
    TYPICAL = "typical", _("典型经验")


class Decision(models.Model):
    """The association's decision on an application, revisable (with a reason) until the
    year's results are published; every version is in the audit log."""

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="evaluation_decision",
        verbose_name=_("申报"),
    )
    level = models.CharField(_("评价结果"), max_length=20, choices=DecisionLevel.choices)
    national = models.BooleanField(_("推荐全国质量信得过班组典型经验"), default=False)
    consensus_notes = models.TextField(_("评审组长合议意见"), blank=True)
    reason = models.TextField(_("最近修改原因"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("决定人"),
    )
    decided_at = models.DateTimeField(_("决定时间"), default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["level", "national"])]
        verbose_name = _("评价结果")
        verbose_name_plural = _("评价结果")

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_level_display()}"


class PresentationVideo(models.Model):
    """A typical-experience candidate's presentation video (发表视频)."""

    application = models.OneToOneField(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="presentation_video",
        verbose_name=_("申报"),
    )
    file = models.FileField(_("视频文件"), upload_to="videos/%Y/", max_length=255, blank=True)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("上传人"),
    )

    class Meta:
        verbose_name = _("发表视频")
        verbose_name_plural = _("发表视频")

    def __str__(self) -> str:
        return self.original_name


class GuidingVerdict(models.TextChoices):
    APPROVE = "approve", _("同意")
    REJECT = "reject", _("不同意")


class GuidingReview(models.Model):
    """A guiding unit's (指导单位) verdict on a typical-experience candidate."""

    application = models.ForeignKey(
        "applications.Application",
        on_delete=models.CASCADE,
        related_name="guiding_reviews",
        verbose_name=_("申报"),
    )
    guiding_unit = models.ForeignKey(
        "organisations.GuidingUnit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("指导单位"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    verdict = models.CharField(_("审核意见"), max_length=10, choices=GuidingVerdict.choices)
    comment = models.TextField(_("说明"), blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), default=timezone.now)

    class Meta:
        ordering = ["application", "guiding_unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "guiding_unit"], name="guiding_review_unique"
            )
        ]
        verbose_name = _("指导单位审核")
        verbose_name_plural = _("指导单位审核")

    def __str__(self) -> str:
        return f"{self.application_id} {self.get_verdict_display()}"
