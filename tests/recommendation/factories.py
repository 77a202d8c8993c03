"""Plain helpers for the recommendation tests: applications created as rows (fast, any
state), full score sheets, a complete 附件5 and assertions on the audit log and e-mail."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from tests.conftest import application_data, pdf_bytes
from xinban.applications.models import Application, ApplicationState
from xinban.applications.services import application_number_next
from xinban.campaigns.models import TeamType
from xinban.core.models import AuditEntry
from xinban.recommendation import services
from xinban.recommendation.models import UnitRecommendationReport
from xinban.scoring.models import ScoreSheet
from xinban.scoring.services import rubric_for, sheet_save

T = TypeVar("T")

TEXTS = {"conformity": "符合标准", "features": "特色鲜明", "shortcomings": "数据分析略弱"}


def make_application(
    *,
    organisation: Any,
    unit: Any,
    campaign: Any,
    team_type: str = "生产操作型",
    team_name: str = "质检一班",
    state: str = ApplicationState.SUBMITTED,
    **overrides: Any,
) -> Application:
    """An application row in any state, without going through the applicant's services."""
    data = application_data(
        unit, team_name=team_name, team_type=TeamType.objects.get(name=team_type)
    )
    data.update(overrides)
    with transaction.atomic():
        number = application_number_next(campaign.year)
        return Application.objects.create(
            campaign=campaign,
            organisation=organisation,
            number=number,
            state=state,
            submitted_at=None if state == ApplicationState.DRAFT else timezone.now(),
            organisation_snapshot={
                "name": organisation.name,
                "short_name": organisation.short_name,
            },
            **data,
        )


def criteria_of(sheet: ScoreSheet) -> list[Any]:
    return list(rubric_for(campaign=sheet.application.campaign, stage=sheet.stage).criteria.all())


def points_for(sheet: ScoreSheet, share: Decimal = Decimal("0.8")) -> dict[int, Decimal]:
    """Points for every criterion: `share` of its maximum, rounded to one decimal."""
    return {c.pk: (c.max_points * share).quantize(Decimal("0.1")) for c in criteria_of(sheet)}


def score(sheet: ScoreSheet, *, share: Decimal = Decimal("0.8"), submit: bool = True) -> ScoreSheet:
    """The sheet's own judge fills in every criterion and the three texts."""
    return sheet_save(
        actor=sheet.judge.user,
        sheet=sheet,
        points=points_for(sheet, share),
        submit=submit,
        **TEXTS,
    )


def scan(name: str = "盖章推荐表.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def complete_report(actor: Any, unit: Any, campaign: Any) -> UnitRecommendationReport:
    """Fill in the 附件5 signatory, both declarations and the stamped scan."""
    report = services.report_for(unit=unit, campaign=campaign)
    services.report_save(
        actor=actor,
        report=report,
        data={
            "filler_name": "张三",
            "filler_phone": "021-12345678",
            "fill_date": timezone.localdate(),
            "no_fee_declared": True,
            "declaration_accepted": True,
        },
    )
    return services.report_upload_scan(actor=actor, report=report, file=scan())


def audited(action: str, obj: Any | None = None) -> bool:
    qs = AuditEntry.objects.filter(action=action)
    if obj is not None:
        qs = qs.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
    return qs.exists()


def after_commit(capture: Any, call: Callable[[], T]) -> T:
    """Run `call`; assert nothing was mailed before the transaction committed, then run
    the on-commit callbacks (as the commit would)."""
    with capture(execute=False) as callbacks:
        result = call()
    assert mail.outbox == [], "e-mail sent before commit"
    for callback in callbacks:
        callback()
    return result


def mails_to(address: str) -> list[Any]:
    return [m for m in mail.outbox if address in m.to]


def make_organisation(name: str, short_name: str = "") -> Any:
    from xinban.organisations.models import Organisation

    return Organisation.objects.create(name=name, short_name=short_name or name[:6])


def lock_report(unit: Any, campaign: Any, status: str = "submitted") -> UnitRecommendationReport:
    """Set the unit's report to a locked status directly (for "locked" refusals)."""
    report = services.report_for(unit=unit, campaign=campaign)
    report.status = status
    report.save(update_fields=["status"])
    return report


def reviewed(application: Application, *, n: int | None = None, total: str = "80") -> Application:
    """Give ``application`` the unit's own review (rule 2 of docs/rules.md): ``n`` (default:
    whatever the year's minimum still lacks) panel judges with TGQ numbers and their
    submitted sheets, each with ``total``."""
    from tests.conftest import make_user
    from xinban.recommendation.models import PanelMember
    from xinban.scoring.models import Judge, SheetStatus, Stage

    have = ScoreSheet.objects.filter(
        application=application, stage=Stage.UNIT, status=SheetStatus.SUBMITTED
    ).count()
    wanted = max(application.campaign.min_unit_judge_sheets - have, 0) if n is None else n
    for i in range(wanted):
        email = f"review{application.pk}-{have + i}@example.com"
        judge = Judge.objects.create(
            user=make_user(email, f"评审{application.pk}-{have + i}"),
            name=f"评审{application.pk}-{have + i}",
            employer="上海质量研究院",
            tgq_number=f"TGQ2024{application.pk:03d}{have + i}",
            email=email,
            mobile="13912340000",
        )
        PanelMember.objects.get_or_create(unit_id=application.recommending_unit_id, judge=judge)
        ScoreSheet.objects.create(
            application=application,
            judge=judge,
            stage=Stage.UNIT,
            status=SheetStatus.SUBMITTED,
            total=Decimal(total),
            submitted_at=timezone.now(),
        )
    from xinban.recommendation import selectors

    selectors._RANKINGS.clear()  # rows written without a service: forget cached rankings
    return application
