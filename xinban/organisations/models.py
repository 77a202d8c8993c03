"""Organisations (申报单位), their yearly registration (附件2), recommending units (推荐单位)
and guiding units (指导单位), with the memberships that give people their roles."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinban.core.validators import validate_mainland_mobile, validate_postcode


class Organisation(models.Model):
    name = models.CharField(
        _("单位名称"), max_length=120, unique=True, help_text=_("全称，与公章一致")
    )
    short_name = models.CharField(
        _("单位简称"), max_length=40, help_text=_("用于附件文件名，如“单位简称+班组名称”")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="OrganisationMembership",
        related_name="organisations",
        verbose_name=_("成员"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("申报单位")
        verbose_name_plural = _("申报单位")

    def __str__(self) -> str:
        return self.name


class OrganisationRename(models.Model):
    """One change of an organisation's official name (docs/rules.md, rule 14): documents of
    a year print the name the organisation had at the end of that year."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="renames")
    old_name = models.CharField(_("原单位名称"), max_length=120)
    new_name = models.CharField(_("新单位名称"), max_length=120)
    reason = models.CharField(_("更名原因"), max_length=200, blank=True)
    renamed_at = models.DateTimeField(_("更名时间"), default=timezone.now)
    renamed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["renamed_at", "id"]
        verbose_name = _("单位更名记录")
        verbose_name_plural = _("单位更名记录")

    def __str__(self) -> str:
        return f"{self.old_name} → {self.new_name}"


class OrganisationMembership(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="org_member_unique")
        ]
        verbose_name = _("单位成员")
        verbose_name_plural = _("单位成员")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class Participation(models.TextChoices):
    FIRST_TIME = "first", _("首次参加活动")
    CONTINUING = "continuing", _("持续参加活动")


class Registration(models.Model):
    """附件2 报名表: one per organisation per campaign year."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="registrations"
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.PROTECT, related_name="registrations"
    )
    is_member = models.BooleanField(_("会员单位"))
    nature = models.ForeignKey(
        "campaigns.OrganisationNature", on_delete=models.PROTECT, verbose_name=_("单位性质")
    )
    nature_other = models.CharField(_("单位性质（其他）"), max_length=60, blank=True)
    industries = models.ManyToManyField(
        "campaigns.Industry", verbose_name=_("重点产业"), related_name="+"
    )
    industry_other = models.CharField(_("重点产业（其他）"), max_length=60, blank=True)
    domain = models.ForeignKey(
        "campaigns.Domain", on_delete=models.PROTECT, verbose_name=_("重点领域")
    )
    is_specialised = models.BooleanField(
        _("“专精特新”企业"), default=False, help_text=_("经认定的“专精特新”中小企业")
    )
    is_high_tech = models.BooleanField(
        _("高新技术企业"), default=False, help_text=_("经认定的高新技术企业")
    )
    address = models.CharField(_("详细地址"), max_length=200)
    postcode = models.CharField(_("邮编"), max_length=6, validators=[validate_postcode])
    management_department = models.CharField(_("活动归口管理部门"), max_length=60)
    promoter_name = models.CharField(_("活动推进者姓名"), max_length=30)
    promoter_position = models.CharField(_("活动推进者部门及职务"), max_length=60)
    promoter_mobile = models.CharField(
        _("活动推进者手机"), max_length=11, validators=[validate_mainland_mobile]
    )
    promoter_email = models.EmailField(_("活动推进者E-mail"))
    participation = models.CharField(
        _("申报意向：参加情况"), max_length=12, choices=Participation.choices
    )
    applies_with_experience = models.BooleanField(
        _("参加活动申报质量信得过班组建设经验"), default=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "campaign"], name="registration_once_per_year"
            )
        ]
        verbose_name = _("报名表（附件2）")
        verbose_name_plural = _("报名表（附件2）")

    def __str__(self) -> str:
        return f"{self.campaign.year} {self.organisation}"


class UnitKind(models.TextChoices):
    DISTRICT = "district", _("区")
    INDUSTRY = "industry", _("行业")
    GROUP = "group", _("集团")
    ASSOCIATION = "association", _("其他-市质协会员与质量推进部")


class RecommendingUnit(models.Model):
    """推荐单位. The special association unit accepts only organisations that satisfy its
    eligibility rule, which is data staff can change (docs/rules.md, rule 13)."""

    name = models.CharField(_("推荐单位名称"), max_length=80, unique=True)
    kind = models.CharField(_("类别"), max_length=12, choices=UnitKind.choices)
    active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)
    # Eligibility rule (empty rule = open to everyone).
    requires_membership = models.BooleanField(_("仅限会员单位"), default=False)
    eligible_natures = models.ManyToManyField(
        "campaigns.OrganisationNature",
        blank=True,
        related_name="+",
        verbose_name=_("可选择的单位性质"),
        help_text=_("留空表示不限；与“专精特新”、高新技术民营企业条件为“或”关系"),
    )
    admits_specialised_private = models.BooleanField(_("接受“专精特新”民营企业"), default=False)
    admits_high_tech_private = models.BooleanField(_("接受高新技术民营企业"), default=False)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="UnitMembership",
        related_name="recommending_units",
        verbose_name=_("成员"),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("推荐单位")
        verbose_name_plural = _("推荐单位")

    def __str__(self) -> str:
        return self.name

    @property
    def is_restricted(self) -> bool:
        return self.kind == UnitKind.ASSOCIATION


class UnitRole(models.TextChoices):
    ADMIN = "admin", _("管理员")
    MEMBER = "member", _("工作人员")


class UnitMembership(models.Model):
    unit = models.ForeignKey(RecommendingUnit, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(_("角色"), max_length=10, choices=UnitRole.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "user"], name="unit_member_unique")]
        verbose_name = _("推荐单位成员")
        verbose_name_plural = _("推荐单位成员")

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit} ({self.get_role_display()})"


class GuidingUnit(models.Model):
    """指导单位: 市市场监管局, 市总工会, 团市委, 市妇联."""

    name = models.CharField(_("指导单位名称"), max_length=80, unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="guiding_units", blank=True, verbose_name=_("成员")
    )

    class Meta:
        verbose_name = _("指导单位")
        verbose_name_plural = _("指导单位")

    def __str__(self) -> str:
        return self.name
