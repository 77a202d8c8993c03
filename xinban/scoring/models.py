"""Judges (评委), rubrics per campaign and stage, and score sheets. A score sheet is also
the assignment: it exists from the moment a judge is given an application."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.dispatch import Signal
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from xinban.core.text import bracketed


class Stage(models.TextChoices):
    UNIT = "unit", _("推荐单位评审")
    EXPERT = "expert", _("专家评委会审")


class Judge(models.Model):
    """A person with (usually) a TGQ judge certificate, on a unit's panel or the
    association's expert panel."""

    # Empty until the judge accepts the e-mailed invitation; they are listed on 附件5
    # either way, but score only with an account.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="judge_profile",
        verbose_name=_("账号"),
    )
    name = models.CharField(_("姓名"), max_length=30)
    employer = models.CharField(_("工作单位"), max_length=120)
    employer_organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("工作单位（平台内单位）"),
        help_text=_("评委所在单位如也在平台申报，请关联，用于回避"),
    )
    tgq_number = models.CharField(_("TGQ评委证书号"), max_length=40, blank=True)
    address = models.CharField(_("通讯地址"), max_length=200, blank=True)
    email = models.EmailField(_("E-mail"))
    mobile = models.CharField(_("手机"), max_length=11)
    # Expertise, used to prefer matching experts when the association assigns its panel.
    domains = models.ManyToManyField(
        "campaigns.Domain", blank=True, related_name="+", verbose_name=_("擅长领域")
    )
    industries = models.ManyToManyField(
        "campaigns.Industry", blank=True, related_name="+", verbose_name=_("熟悉行业")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("评委")
        verbose_name_plural = _("评委")

    def __str__(self) -> str:
        return f"{self.name}{bracketed(self.employer)}" if self.employer else self.name


class JudgeEmployment(models.Model):
    """A past (or current) employer of a judge: an expert never reviews an organisation
    they worked for (docs/architecture.md, "Expert assignment")."""

    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="employments")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("单位（平台内单位）"),
        help_text=_("该单位如也在平台申报，请关联，用于回避"),
    )
    organisation_name = models.CharField(_("单位名称"), max_length=120)
    start_year = models.PositiveSmallIntegerField(_("起始年份"))
    end_year = models.PositiveSmallIntegerField(
        _("结束年份"), null=True, blank=True, help_text=_("留空表示至今")
    )

    class Meta:
        ordering = ["judge", "-start_year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_year__isnull=True)
                | models.Q(end_year__gte=models.F("start_year")),
                name="employment_ends_after_start",
            )
        ]
        verbose_name = _("工作经历")
        verbose_name_plural = _("工作经历")

    def __str__(self) -> str:
        end = self.end_year or _("至今")
        return f"{self.judge.name}：{self.organisation_name}（{self.start_year}–{end}）"


class ConflictDeclaration(models.Model):
    """A judge declares they must not review an organisation's applications."""

    judge = models.ForeignKey(Judge, on_delete=models.CASCADE, related_name="conflicts")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("单位"),
    )
    reason = models.CharField(_("回避原因"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["judge", "organisation"], name="conflict_unique")
        ]
        verbose_name = _("回避声明")
        verbose_name_plural = _("回避声明")

    def __str__(self) -> str:
        return f"{self.judge} ↔ {self.organisation}"


class Rubric(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="rubrics"
    )
    stage = models.CharField(_("评审阶段"), max_length=10, choices=Stage.choices)
    normalise_judges = models.BooleanField(
        _("按评委标准化"), default=False, help_text=_("抵消评委打分偏严或偏松（z 分数换算）")
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "stage"], name="rubric_unique")]
        verbose_name = _("评分细则")
        verbose_name_plural = _("评分细则")

    def __str__(self) -> str:
        return f"{self.campaign.year} {self.get_stage_display()}"


class Criterion(models.Model):
    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("评分项"), max_length=80)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    # A short reminder of what the criterion looks at, shown under its input on the score
    # sheets (docs/forms.md, "Score sheets").
    descriptor = models.CharField(
        _("评分要点"), max_length=200, blank=True, help_text=_("显示在评分表该项输入框下方")
    )
    descriptor_en = models.CharField(_("英文评分要点"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("权重"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    max_points = models.DecimalField(
        _("满分"), max_digits=5, decimal_places=1, validators=[MinValueValidator(Decimal("1"))]
    )
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["rubric", "position", "id"]
        verbose_name = _("评分项")
        verbose_name_plural = _("评分项")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if translation.get_language() == "en" and self.name_en:
            return self.name_en
        return self.name

    @property
    def description(self) -> str:
        """The descriptor in the page's language (English falls back to Chinese)."""
        if translation.get_language() == "en" and self.descriptor_en:
            return self.descriptor_en
        return self.descriptor


class SheetStatus(models.TextChoices):
    ASSIGNED = "assigned", _("待评分")
    DRAFT = "draft", _("评分中")
    SUBMITTED = "submitted", _("已提交")


# Sent after a bulk write of sheets with the (application id, stage) pairs whose submitted
# sheets it touched (``pairs``) and the (application id, judge id) pairs of every sheet it
# touched (``judges``); xinban.scoring.summaries and xinban.dashboards.judge_tallies
# receive it (they import this module, so they cannot be called from here).
sheets_changed_in_bulk = Signal()


class ScoreSheetQuerySet(models.QuerySet["ScoreSheet"]):
    """Writes in bulk keep the applications' ScoreSummary in step, as ``save()`` and
    ``delete()`` do through signals (xinban.scoring.summaries)."""

    def bulk_create(  # type: ignore[override]
        self, objs: Iterable[ScoreSheet], *args: Any, **kwargs: Any
    ) -> list[ScoreSheet]:
        made: list[ScoreSheet] = list(super().bulk_create(objs, *args, **kwargs))  # type: ignore[arg-type]
        sheets_changed_in_bulk.send(
            sender=ScoreSheet,
            pairs={(s.application_id, s.stage) for s in made if s.status == SheetStatus.SUBMITTED},
            judges={(s.application_id, s.judge_id) for s in made},
        )
        return made

    def update(self, **kwargs: Any) -> int:
        keys = {"status", "total", "round", "stage", "application", "application_id"}
        if not (keys | {"judge", "judge_id"}) & set(kwargs):
            return super().update(**kwargs)
        before = list(self.values_list("pk", "application_id", "stage", "judge_id"))
        ids = [pk for pk, *_rest in before]
        changed = super().update(**kwargs)
        after = list(
            ScoreSheet.objects.filter(pk__in=ids).values_list(
                "pk", "application_id", "stage", "judge_id"
            )
        )
        sheets_changed_in_bulk.send(
            sender=ScoreSheet,
            pairs={(a, s) for _pk, a, s, _j in before + after},
            judges={(a, j) for _pk, a, _s, j in before + after},
        )
        return changed


class ScoreSheet(models.Model):
    """One judge's evaluation of one application in one stage and round."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="score_sheets"
    )
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="sheets")
    stage = models.CharField(max_length=10, choices=Stage.choices)
    round = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(
        _("状态"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.ASSIGNED
    )
    conformity = models.TextField(_("符合标准程度"), blank=True)
    features = models.TextField(_("特色"), blank=True)
    shortcomings = models.TextField(_("不足之处"), blank=True)
    total = models.DecimalField(_("得分"), max_digits=7, decimal_places=3, null=True, blank=True)
    assigned_at = models.DateTimeField(auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    loaded_status: str | None = None  # set by from_db (not a field)

    objects = ScoreSheetQuerySet.as_manager()

    class Meta:
        ordering = ["application", "judge"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "judge", "stage", "round"], name="sheet_unique"
            )
        ]
        indexes = [models.Index(fields=["stage", "judge", "status"])]
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")

    def __str__(self) -> str:
        return f"{self.application_id} / {self.judge}"

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Any, values: Any, *args: Any, **kwargs: Any
    ) -> ScoreSheet:
        instance = super().from_db(db, field_names, values, *args, **kwargs)
        # The status as read: a submitted sheet saved with another status (or deleted)
        # changes its application's ScoreSummary (xinban.scoring.summaries).
        instance.loaded_status = instance.__dict__.get("status")
        return instance


class CriterionScore(models.Model):
    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    points = models.DecimalField(_("得分"), max_digits=5, decimal_places=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sheet", "criterion"], name="criterion_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id}/{self.criterion_id}: {self.points}"


class ScoreSummary(models.Model):
    """One application's submitted sheets of one stage summed up: what its ranking needs,
    kept in step with the sheets in the same transaction (xinban.scoring.summaries;
    docs/benchmarks.md, "Rankings"), so that a ranking is one indexed query rather than
    an aggregation of every sheet. No row while the application has no submitted sheet.

    The sums are integer thousandths of a point (sheets' totals have three decimals),
    exact; ``score`` and ``raw_mean`` are the engine's results as displayed, in integer
    hundredths (xinban.scoring.aggregation.round_display); in the experts' stage each
    expert's latest submitted sheet counts."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.CASCADE, related_name="score_summaries"
    )
    stage = models.CharField(max_length=10, choices=Stage.choices)
    n = models.PositiveIntegerField()
    total = models.BigIntegerField()
    low = models.BigIntegerField()
    high = models.BigIntegerField()
    squares = models.BigIntegerField()
    score = models.IntegerField()
    raw_mean = models.IntegerField()
    flagged = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["application", "stage"], name="score_summary_unique")
        ]
        verbose_name = _("评分汇总")
        verbose_name_plural = _("评分汇总")

    def __str__(self) -> str:
        return f"{self.application_id}/{self.stage}: {self.n}"
