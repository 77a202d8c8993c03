"""A small known world for the dashboards: this year (open) and last year (published),
units X (浦东新区) and Y (黄浦区), organisations in known domains, natures and industries,
applications in known states."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import make_registration
from tests.recommendation.conftest import make_judge
from tests.recommendation.factories import make_application
from xinban.applications.models import Application
from xinban.campaigns.models import Campaign, Domain, Industry, OrganisationNature, Phase, PhaseKind
from xinban.evaluation.models import Decision, FormalOutcome, FormalReview
from xinban.organisations.models import Organisation
from xinban.scoring.models import ScoreSheet, SheetStatus, Stage


@dataclass
class World:
    campaign: Any
    past: Any
    x: list[Application] = field(default_factory=list)  # this year's, unit X
    y: list[Application] = field(default_factory=list)  # this year's, unit Y
    past_apps: list[Application] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)


def _org(name: str, campaign: Any, *, domain: str, nature: str, industries: list[str]) -> Any:
    org = Organisation.objects.get_or_create(name=name, defaults={"short_name": name[2:6]})[0]
    registration = make_registration(
        org,
        campaign,
        domain=Domain.objects.get(name=domain),
        nature=OrganisationNature.objects.get(name=nature),
    )
    registration.industries.set(Industry.objects.filter(name__in=industries))
    return org


@pytest.fixture
def world(campaign: Any, unit_x: Any, unit_y: Any) -> World:
    """This year: 5 registrations; unit X gets 4 submitted (+1 draft), unit Y 2.

    ======  ======  ========  ========  ===============  ===========================
    app     unit    domain    nature    industries       state
    ======  ======  ========  ========  ===============  ===========================
    x0      X       制造      国有      汽车, 集成电路   selected (建设经验), national
    x1      X       制造      国有      汽车, 集成电路   recommended, formal passed
    x2      X       市场服务  民营      金融             recommended
    x3      X       市场服务  民营      金融             submitted
    x4      X       市场服务  民营      金融             draft (not counted)
    y0      Y       制造      外资      汽车             typical (典型经验)
    y1      Y       建设工程  民营      —                not_recommended
    ======  ======  ========  ========  ===============  ===========================

    One registered organisation (上海戊) has no application. Last year (published): 3
    applications of unit X, 2 建设经验.
    """
    now = timezone.now()
    past = Campaign.objects.create(year=campaign.year - 1, title="去年", results_published=True)
    for kind in PhaseKind:
        Phase.objects.create(
            campaign=past,
            kind=kind,
            starts_at=now - timedelta(days=400),
            ends_at=now - timedelta(days=380),
        )
    a = _org(
        "上海甲制造有限公司",
        campaign,
        domain="制造",
        nature="国有",
        industries=["汽车", "集成电路"],
    )
    b = _org("上海乙服务有限公司", campaign, domain="市场服务", nature="民营", industries=["金融"])
    c = _org("上海丙外资有限公司", campaign, domain="制造", nature="外资", industries=["汽车"])
    d = _org("上海丁建设有限公司", campaign, domain="建设工程", nature="民营", industries=[])
    _org("上海戊未申报有限公司", campaign, domain="制造", nature="国有", industries=["汽车"])
    w = World(campaign=campaign, past=past)

    def app(org: Any, unit: Any, state: str, team: str, team_type: str = "生产操作型") -> Any:
        return make_application(
            organisation=org,
            unit=unit,
            campaign=campaign,
            state=state,
            team_name=team,
            team_type=team_type,
        )

    w.x = [
        app(a, unit_x, "selected", "甲一班"),
        app(a, unit_x, "formal_passed", "甲二班", "服务型"),
        app(b, unit_x, "recommended", "乙一班"),
        app(b, unit_x, "submitted", "乙二班", "服务型"),
        app(b, unit_x, "draft", "乙三班", "管理型"),
    ]
    w.y = [app(c, unit_y, "typical", "丙一班"), app(d, unit_y, "not_recommended", "丁一班")]
    FormalReview.objects.create(application=w.x[0], outcome=FormalOutcome.PASSED)
    FormalReview.objects.create(application=w.x[1], outcome=FormalOutcome.PASSED)
    FormalReview.objects.create(application=w.y[0], outcome=FormalOutcome.PASSED)
    Decision.objects.create(application=w.x[0], level="selected", national=True)
    Decision.objects.create(application=w.y[0], level="typical")
    for n, state in enumerate(["selected", "selected", "not_selected"]):
        org = _org(f"上海去年{n}有限公司", past, domain="制造", nature="国有", industries=["汽车"])
        w.past_apps.append(
            make_application(
                organisation=org, unit=unit_x, campaign=past, state=state, team_name=f"去年{n}班"
            )
        )
    # Unit X's judge has 2 of 3 sheets to do; staff and units see the judge's progress.
    judge = make_judge("judge-dash@example.com", "评委丁", unit_x)
    for application, status in zip(
        w.x[:3], [SheetStatus.SUBMITTED, SheetStatus.DRAFT, SheetStatus.ASSIGNED], strict=True
    ):
        ScoreSheet.objects.create(
            application=application, judge=judge, stage=Stage.UNIT, status=status
        )
    w.ids = {
        "manufacturing": Domain.objects.get(name="制造").pk,
        "services": Domain.objects.get(name="市场服务").pk,
        "state_owned": OrganisationNature.objects.get(name="国有").pk,
        "private": OrganisationNature.objects.get(name="民营").pk,
        "auto": Industry.objects.get(name="汽车").pk,
        "finance": Industry.objects.get(name="金融").pk,
    }
    return w
