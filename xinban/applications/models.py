"""附件3 team applications, their materials, attachments and submitted versions."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from xinban.applications.expressions import SnapshotDomain
from xinban.core.stamp import ScanCheck
from xinban.core.validators import validate_percentage


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("退回修改")
    WITHDRAWN = "withdrawn", _("已撤回")
    RECOMMENDED = "recommended", _("已推荐")
    NOT_RECOMMENDED = "not_recommended", _("未推荐")
    FORMAL_PASSED = "formal_passed", _("形式审查通过")
    FORMAL_FAILED = "formal_failed", _("形式审查未通过")
    EXPERT_REVIEW = "expert_review", _("专家评审中")
    SELECTED = "selected", _("建设经验")
    TYPICAL_CANDIDATE = "typical_candidate", _("典型经验候选")
    TYPICAL = "typical", _("典型经验")
    NOT_SELECTED = "not_selected", _("未入选")


# States in which the applicant may still change the application's content.
EDITABLE_STATES = frozenset({ApplicationState.DRAFT, ApplicationState.RETURNED})
# States that count against the per-organisation limit (withdrawn ones do not).
ACTIVE_STATES = frozenset(set(ApplicationState) - {ApplicationState.WITHDRAWN})


class MaterialArea(models.IntegerChoices):
    """The six areas of 附件3 note 2 and 附件4 item 8."""

    COMPOSITION = 1, _("人员组成、职责、主要工作内容、班组文化和愿景")
    BASIC_MANAGEMENT = 2, _("基础管理情况")
    SKILLS = 3, _("专业知识、技能培训、工具方法应用能力")
    IMPROVEMENT = 4, _("质量改进和创新能力")
    RESULTS = 5, _("管理特色、业绩和评价结果")
    HONOURS = 6, _("近三年荣誉（集体和个人）")


class YearSequence(models.Model):
    """The last 编号 sequence handed out per year; rows are locked while numbering."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


def _pct(label: StrOrPromise) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_percentage],
    )


def _count(label: StrOrPromise) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(label, null=True, blank=True)


class Team(models.Model):
    """A team (班组) across campaign years: its applications of each year hang off it, so
    its earlier applications, results and certificates can be shown on a new one
    (docs/rules.md, "Each team's history"). Recognised by organisation + normalised team
    name when an application is created; a renamed team is linked by the applicant, and
    staff merge or split teams."""

    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.CASCADE,
        related_name="teams",
        verbose_name=_("申报单位"),
    )
    name = models.CharField(_("班组名称"), max_length=60)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "name", "id"]
        verbose_name = _("班组")
        verbose_name_plural = _("班组")

    def __str__(self) -> str:
        return self.name


class Application(models.Model):
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("活动年度"),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("申报单位"),
    )
    recommending_unit = models.ForeignKey(
        "organisations.RecommendingUnit",
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("推荐各区/行业/集团"),
    )
    number = models.CharField(_("编号"), max_length=16, unique=True, editable=False)
    state = models.CharField(
        _("状态"),
        max_length=20,
        choices=ApplicationState.choices,
        default=ApplicationState.DRAFT,
        db_index=True,
    )
    # Optimistic locking: every content save increments it; a stale form is refused.
    version = models.PositiveIntegerField(default=1, editable=False)

    team_name = models.CharField(_("质量信得过班组名称"), max_length=60)
    # The team across years (docs/rules.md, "Each team's history"); ``team_linked`` is set
    # once the applicant or staff chose it, so a later change of name keeps the choice.
    team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("班组"),
    )
    team_linked = models.BooleanField(_("班组已人工关联"), default=False, editable=False)
    team_type = models.ForeignKey(
        "campaigns.TeamType", on_delete=models.PROTECT, verbose_name=_("班组类型")
    )
    team_size = models.PositiveIntegerField(
        _("班组人数"), validators=[MinValueValidator(1)], default=1
    )

    completion_rate = _pct(_("班组工作完成率%"))
    qualification_rate = _pct(_("质量考核合格率%"))
    nonconformity_rate = _pct(_("产品/服务不合格率%"))
    first_pass_rate = _pct(_("产品/服务一次合格率%"))
    accidents_per_year = _count(_("年质量、安全事故数"))
    complaints_per_year = _count(_("年顾客投诉数"))
    trainees_per_year = _count(_("年培训人数"))
    training_hours_per_year = _count(_("年培训时数"))
    improvement_participation_rate = _pct(_("成员参与改进活动率%"))
    coverage_rate = _pct(_("质量信得过班组创建普及率%"))
    quality_cost = models.DecimalField(
        _("质量成本（万元/年）"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    commitment_voluntary = models.BooleanField(_("承诺一：自愿参加本年度活动"), default=False)
    commitment_standard = models.BooleanField(
        _("承诺二：推行《质量信得过班组建设准则》"), default=False
    )
    commitment_truthful = models.BooleanField(_("承诺三：材料真实、合法、有效"), default=False)
    commitment_secrecy = models.BooleanField(_("承诺四：不含涉密内容"), default=False)

    eligibility_basic_unit = models.BooleanField(
        _("本班组是单位最基础的正式组织单元"), default=False
    )
    eligibility_no_accidents = models.BooleanField(
        _("班组近三年无质量、安全、环保事故"), default=False
    )

    material_composition = models.TextField(MaterialArea.COMPOSITION.label, blank=True)
    material_basic_management = models.TextField(MaterialArea.BASIC_MANAGEMENT.label, blank=True)
    material_skills = models.TextField(MaterialArea.SKILLS.label, blank=True)
    material_improvement = models.TextField(MaterialArea.IMPROVEMENT.label, blank=True)
    material_results = models.TextField(MaterialArea.RESULTS.label, blank=True)
    material_honours = models.TextField(MaterialArea.HONOURS.label, blank=True)

    stamped_form = models.FileField(_("盖章申报表扫描件"), upload_to="stamped/%Y/", blank=True)
    stamped_form_name = models.CharField(max_length=200, blank=True)
    # The stamp check of the scan (docs/rules.md, "The stamp check"): verified (its code
    # matched the form as printed), unverified (未能核验: no code could be read) or "" (a
    # scan from before the check); the version its code named; and what the form printed
    # when the scan was accepted, to tell later which printed fields changed (rule 4).
    stamped_check = models.CharField(
        _("盖章申报表核验"), max_length=12, choices=ScanCheck.choices, blank=True
    )
    stamped_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    stamped_content = models.JSONField(default=dict, blank=True, editable=False)

    # Organisation data frozen at submission (附件3's header comes from 附件2).
    organisation_snapshot = models.JSONField(default=dict, blank=True, editable=False)
    return_reason = models.TextField(_("退回原因"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["campaign", "state"]),
            # The staff list pages through a year's applications in 编号 order.
            models.Index(fields=["campaign", "number"]),
            models.Index(fields=["organisation", "campaign"]),
            models.Index(fields=["recommending_unit", "campaign", "state"]),
            # The staff list narrowed to a state or a unit, in 编号 order: the page's 50
            # rows read from the index, not found among the year's in 编号 order
            # (docs/benchmarks.md, "The staff list on PostgreSQL").
            models.Index(fields=["campaign", "state", "number"]),
            models.Index(fields=["campaign", "recommending_unit", "number"]),
            # The experts' per-domain ranking reads every reviewed application's domain
            # frozen in its snapshot: from this index rather than every row's JSON
            # (xinban.evaluation.selectors.ranking; docs/benchmarks.md, "Rankings").
            models.Index(
                F("campaign"),
                F("state"),
                SnapshotDomain(),
                F("number"),
                name="application_ranking_domain_idx",
            ),
        ]
        constraints = [
            # Database guard behind the service rule "no two of the same team type".
            models.UniqueConstraint(
                fields=["campaign", "organisation", "team_type"],
                condition=~models.Q(state="withdrawn"),
                name="application_team_type_unique_per_org_year",
            )
        ]
        verbose_name = _("申报表（附件3）")
        verbose_name_plural = _("申报表（附件3）")

    def __str__(self) -> str:
        return f"{self.number} {self.team_name}"

    @property
    def indicator_flags(self) -> dict[str, str]:
        """Implausible indicators (rule 12): :func:`indicator_warnings` of this one."""
        return indicator_warnings(self)

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    def material(self, area: int) -> str:
        return str(getattr(self, MATERIAL_FIELDS[area]))


MATERIAL_FIELDS: dict[int, str] = {
    MaterialArea.COMPOSITION: "material_composition",
    MaterialArea.BASIC_MANAGEMENT: "material_basic_management",
    MaterialArea.SKILLS: "material_skills",
    MaterialArea.IMPROVEMENT: "material_improvement",
    MaterialArea.RESULTS: "material_results",
    MaterialArea.HONOURS: "material_honours",
}

# Rule 12 (docs/rules.md): indicators are plausible. More trainees a year than this many
# times the team's members is flagged.
TRAINEES_PER_MEMBER_PLAUSIBLE = 10


def indicator_warnings(application: Any) -> dict[str, str]:
    """Cross-field checks of the indicators (rule 12, docs/rules.md): {field: message}.
    Warnings, not refusals: shown to the applicant and flagged to reviewers."""
    warnings: dict[str, str] = {}
    nonconformity = application.nonconformity_rate
    first_pass = application.first_pass_rate
    if nonconformity is not None and first_pass is not None and nonconformity + first_pass > 100:
        warnings["nonconformity_rate"] = _(
            "不合格率（%(bad)s%%）与一次合格率（%(good)s%%）之和超过100%%，请核对。"
        ) % {"bad": nonconformity, "good": first_pass}
    trainees = application.trainees_per_year
    size = application.team_size or 0
    if trainees is not None and size and trainees > size * TRAINEES_PER_MEMBER_PLAUSIBLE:
        warnings["trainees_per_year"] = _(
            "年培训人数（%(trainees)s）远超班组人数（%(size)s），请核对。"
        ) % {"trainees": trainees, "size": size}
    return {k: str(v) for k, v in warnings.items()}


INDICATOR_FIELDS = [
    "completion_rate",
    "qualification_rate",
    "nonconformity_rate",
    "first_pass_rate",
    "accidents_per_year",
    "complaints_per_year",
    "trainees_per_year",
    "training_hours_per_year",
    "improvement_participation_rate",
    "coverage_rate",
    "quality_cost",
]
COMMITMENT_FIELDS = [
    "commitment_voluntary",
    "commitment_standard",
    "commitment_truthful",
    "commitment_secrecy",
]
# The content an applicant edits (the form's fields, in order).
CONTENT_FIELDS = [
    "recommending_unit",
    "team_name",
    "team_type",
    "team_size",
    *INDICATOR_FIELDS,
    *COMMITMENT_FIELDS,
    "eligibility_basic_unit",
    "eligibility_no_accidents",
    *MATERIAL_FIELDS.values(),
]


class Attachment(models.Model):
    """A supporting file for one of the six material areas."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="attachments"
    )
    area = models.PositiveSmallIntegerField(_("材料类别"), choices=MaterialArea.choices)
    file = models.FileField(_("文件"), upload_to="attachments/%Y/")
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["area", "uploaded_at", "id"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")

    def __str__(self) -> str:
        return self.original_name


class ApplicationRevision(models.Model):
    """The content of an application as it was at each submission, for the history."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveSmallIntegerField()
    content = models.JSONField()
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(fields=["application", "number"], name="revision_unique")
        ]
        verbose_name = _("提交版本")
        verbose_name_plural = _("提交版本")

    def __str__(self) -> str:
        return f"{self.application.number} v{self.number}"
