"""Campaign years, their phases and windows, quotas, and the taxonomies of the notice."""

from __future__ import annotations

from datetime import datetime

from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class TaxonomyTerm(models.Model):
    """A term of one of the notice's lists; staff edit them, so they are data, not code."""

    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        abstract = True
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name


class OrganisationNature(TaxonomyTerm):
    """单位性质"""

    is_other = models.BooleanField(_("需填写说明"), default=False)
    is_foreign_invested = models.BooleanField(_("外资企业"), default=False)
    is_private = models.BooleanField(_("民营企业"), default=False)

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("单位性质")
        verbose_name_plural = _("单位性质")


class Industry(TaxonomyTerm):
    """重点产业 (grouped: 先导产业 / 重点产业 / 现代服务业 / 其他)."""

    group = models.CharField(_("分组"), max_length=30)
    group_en = models.CharField(_("分组英文"), max_length=60, blank=True)
    is_other = models.BooleanField(_("需填写说明"), default=False)

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("重点产业")
        verbose_name_plural = _("重点产业")

    @property
    def group_label(self) -> str:
        if translation.get_language() == "en" and self.group_en:
            return self.group_en
        return self.group


class Domain(TaxonomyTerm):
    """重点领域 — the five domains."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("重点领域")
        verbose_name_plural = _("重点领域")


class TeamType(TaxonomyTerm):
    """班组类型"""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("班组类型")
        verbose_name_plural = _("班组类型")


class TeamNameEnding(TaxonomyTerm):
    """Accepted endings of a team's name (班, 组, 工段, 室, …), from the form's note 3."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("班组名称后缀")
        verbose_name_plural = _("班组名称后缀")


class Campaign(models.Model):
    """活动年度: one yearly campaign."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    title = models.CharField(_("名称"), max_length=120)
    max_applications_per_org = models.PositiveSmallIntegerField(_("每家单位申报上限"), default=3)
    default_recommend_quota = models.PositiveSmallIntegerField(
        _("每家单位推荐名额（默认）"), default=3
    )
    # Rule 2 (docs/rules.md): a unit recommends on the basis of its own review.
    min_unit_judge_sheets = models.PositiveSmallIntegerField(
        _("推荐所需最少评委评分表份数"),
        default=3,
        help_text=_("推荐单位推荐一个申报前，须至少有这么多份已提交的评委评分表。"),
    )
    results_published = models.BooleanField(_("结果已发布"), default=False)
    # The similarity check's flag on the formal review (docs/similarity.md): an overall
    # overlap at or above this percentage is marked for the reviewer's attention.
    similarity_threshold = models.PositiveSmallIntegerField(
        _("查重提示阈值（%）"), default=30, validators=[MaxValueValidator(100)]
    )
    # The association's contact for the year, printed on the year's notice page.
    contact_name = models.CharField(_("质协联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("活动年度")
        verbose_name_plural = _("活动年度")

    def __str__(self) -> str:
        return self.title or f"{self.year}"


class PhaseKind(models.TextChoices):
    REGISTRATION = "registration", _("活动报名")
    BRIEFING = "briefing", _("活动推进及成果申报说明会")
    TRAINING = "training", _("活动成果辅导、培训活动")
    APPLICATION = "application", _("成果申报")
    RECOMMENDATION = "recommendation", _("成果推荐")
    EVALUATION = "evaluation", _("成果评价及推优")
    PUBLICATION = "publication", _("活动成果发布")
    EXCHANGE = "exchange", _("活动优秀成果交流会")
    PROMOTION = "promotion", _("成果宣传推广")


PHASE_ORDER = list(PhaseKind)


class Phase(models.Model):
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="phases", verbose_name=_("活动年度")
    )
    kind = models.CharField(_("阶段"), max_length=20, choices=PhaseKind.choices)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    responsible = models.CharField(_("责任单位"), max_length=100, blank=True)

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "kind"], name="phase_unique_per_campaign"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="phase_ends_after_start"
            ),
        ]
        verbose_name = _("阶段")
        verbose_name_plural = _("阶段")

    def __str__(self) -> str:
        return f"{self.campaign.year} {self.get_kind_display()}"

    def is_open(self, at: datetime | None = None) -> bool:
        at = at or timezone.now()
        return self.starts_at <= at <= self.ends_at


class WindowExtension(models.Model):
    """Staff extend a phase's window for one organisation or one recommending unit."""

    phase = models.ForeignKey(
        Phase, on_delete=models.CASCADE, related_name="extensions", verbose_name=_("阶段")
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("申报单位"),
    )
    unit = models.ForeignKey(
        "organisations.RecommendingUnit",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        verbose_name=_("推荐单位"),
    )
    until = models.DateTimeField(_("延长至"))
    reason = models.CharField(_("原因"), max_length=200)

    class Meta:
        verbose_name = _("窗口延长")
        verbose_name_plural = _("窗口延长")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(unit__isnull=False),
                name="extension_has_target",
            )
        ]

    def __str__(self) -> str:
        target = self.organisation or self.unit
        return f"{self.phase} → {target} {self.until:%Y-%m-%d}"
