"""The first day of a production install (docs/deploy.md, "第一天 / First day"): from an empty
database with only the migrations (no demo), the first staff member is created, enrols the
second factor, opens the year from the notice's template, edits its windows, invites a
recommending unit; an organisation registers and files one application, the unit's judges
score it and the unit recommends it, staff review it, experts score it, staff decide and
publish, and the result is on the public results page."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import application_data, make_user, pdf_bytes
from tests.evaluation.conftest import all_ticked, expert_sheets_of
from tests.recommendation.conftest import make_judge
from tests.recommendation.factories import complete_report, points_for
from xinban.accounts.models import User
from xinban.applications import services as application_services
from xinban.applications.models import Application, ApplicationState
from xinban.campaigns import seed
from xinban.campaigns.models import (
    Campaign,
    Domain,
    Industry,
    OrganisationNature,
    PhaseKind,
)
from xinban.evaluation import services as evaluation_services
from xinban.organisations import services as organisation_services
from xinban.organisations.models import (
    GuidingUnit,
    Organisation,
    Participation,
    RecommendingUnit,
    UnitKind,
)
from xinban.publication import services as publication_services
from xinban.recommendation import services as recommendation_services
from xinban.recommendation.models import Invitation
from xinban.scoring.models import ScoreSheet, Stage
from xinban.scoring.services import sheet_save

pytestmark = pytest.mark.django_db

STAFF_EMAIL = "first.staff@saq.example.org"
STAFF_PASSWORD = "a-long-first-day-password-2027"  # noqa: S105 (test account)
TEXTS = {"conformity": "符合准则要求", "features": "改进成效突出", "shortcomings": "数据分析略弱"}


def _local(moment: Any) -> tuple[int, int]:
    local = timezone.localtime(moment)
    return local.month, local.day


def _totp(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _reference_data_is_there() -> None:
    """What the notice names is loaded by `migrate` alone."""
    assert set(GuidingUnit.objects.values_list("name", flat=True)) == set(seed.GUIDING_UNITS)
    special = RecommendingUnit.objects.get(kind=UnitKind.ASSOCIATION)
    assert special.name == seed.SPECIAL_UNIT
    assert [n.name for n in special.eligible_natures.all()] == ["外资"]
    assert special.admits_specialised_private and special.admits_high_tech_private
    assert not special.requires_membership
    assert OrganisationNature.objects.count() == len(seed.NATURES)
    assert Domain.objects.count() == len(seed.DOMAINS)
    assert {c for c, _label in UnitKind.choices} == {"district", "industry", "group", "association"}


def _edit_phases_in_the_admin(client: Client, campaign: Campaign) -> None:
    """Staff edit the template's windows on the year's admin page (every phase open from
    yesterday for a month: the whole cycle runs today)."""
    phases = list(campaign.phases.order_by("id"))
    start = timezone.localtime() - timedelta(days=1)
    end = start + timedelta(days=30)
    data: dict[str, Any] = {
        "year": campaign.year,
        "title": campaign.title,
        "max_applications_per_org": campaign.max_applications_per_org,
        "default_recommend_quota": campaign.default_recommend_quota,
        "similarity_threshold": campaign.similarity_threshold,
        "min_unit_judge_sheets": campaign.min_unit_judge_sheets,
        "phases-TOTAL_FORMS": len(phases),
        "phases-INITIAL_FORMS": len(phases),
        "phases-MIN_NUM_FORMS": 0,
        "phases-MAX_NUM_FORMS": 1000,
        "_save": "保存",
    }
    for i, phase in enumerate(phases):
        data |= {
            f"phases-{i}-id": phase.pk,
            f"phases-{i}-campaign": campaign.pk,
            f"phases-{i}-kind": phase.kind,
            f"phases-{i}-starts_at_0": f"{start:%Y-%m-%d}",
            f"phases-{i}-starts_at_1": f"{start:%H:%M:%S}",
            f"phases-{i}-ends_at_0": f"{end:%Y-%m-%d}",
            f"phases-{i}-ends_at_1": f"{end:%H:%M:%S}",
            f"phases-{i}-responsible": phase.responsible,
        }
    url = reverse("admin:campaigns_campaign_change", args=[campaign.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert all(p.is_open() for p in campaign.phases.all())


def test_first_day_from_an_empty_database_to_a_published_result(
    settings: Any, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks: Any
) -> None:
    capture_on_commit = django_capture_on_commit_callbacks
    settings.REQUIRE_TWO_FACTOR = True
    # An empty install: the migrations' reference data, nobody, no year, no demo.
    assert not User.objects.exists()
    assert not Campaign.objects.exists() and not Organisation.objects.exists()
    _reference_data_is_there()

    # 1. The first staff member (docs/deploy.md: `manage.py createsuperuser`).
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STAFF_PASSWORD)
    call_command("createsuperuser", interactive=False, email=STAFF_EMAIL, name="质协管理员")
    staff = User.objects.get(email=STAFF_EMAIL)
    assert staff.is_association_staff and staff.email_verified

    # 2. Logs in and enrols the second factor before reaching anything.
    client = Client()
    login = client.post(
        reverse("accounts:login"), {"username": STAFF_EMAIL, "password": STAFF_PASSWORD}
    )
    assert login.status_code == 302
    blocked = client.get(reverse("admin:index"))
    assert blocked.status_code == 302 and reverse("accounts:2fa_setup") in blocked["Location"]
    client.get(reverse("accounts:2fa_setup"))
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    enrolled = client.post(reverse("accounts:2fa_setup"), {"token": _totp(device), "next": "/"})
    assert enrolled.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200

    # 3. Opens the year from the notice's template: nine phases at the notice's months.
    year = timezone.localdate().year
    call_command("open_year", str(year), "--staff", STAFF_EMAIL, stdout=_Sink())
    campaign = Campaign.objects.get(year=year)
    phases = {p.kind: p for p in campaign.phases.all()}
    assert set(phases) == set(PhaseKind.values) and len(phases) == 9
    assert _local(phases[PhaseKind.APPLICATION].starts_at) == (2, 1)
    assert _local(phases[PhaseKind.APPLICATION].ends_at) == (5, 31)
    assert _local(phases[PhaseKind.RECOMMENDATION].starts_at) == (4, 1)
    assert _local(phases[PhaseKind.EVALUATION].starts_at) == (7, 1)
    assert _local(phases[PhaseKind.PUBLICATION].ends_at) == (8, 31)
    assert phases[PhaseKind.RECOMMENDATION].responsible == "各推荐单位"
    # ...and edits the windows afterwards (here: the whole cycle runs today).
    _edit_phases_in_the_admin(client, campaign)

    # 4. Invites a recommending unit: adds it in the admin, invites its admin by e-mail.
    added = client.post(
        reverse("admin:organisations_recommendingunit_add"),
        {
            "name": "浦东新区",
            "kind": UnitKind.DISTRICT,
            "active": "on",
            "position": 1,
            "unitmembership_set-TOTAL_FORMS": 0,
            "unitmembership_set-INITIAL_FORMS": 0,
            "unitmembership_set-MIN_NUM_FORMS": 0,
            "unitmembership_set-MAX_NUM_FORMS": 1000,
            "_save": "保存",
        },
    )
    assert added.status_code == 302, added.context["errors"] if added.context else ""
    unit = RecommendingUnit.objects.get(name="浦东新区")
    with capture_on_commit(execute=True):
        invited = client.post(
            reverse("recommendation:invite", args=[unit.pk]),
            {"email": "pudong@example.org", "role": "admin"},
        )
    assert invited.status_code == 302
    invitation = Invitation.objects.get(unit=unit, email="pudong@example.org")
    assert any("pudong@example.org" in m.to for m in mail.outbox)
    unit_admin = make_user("pudong@example.org", "浦东推荐单位管理员")
    recommendation_services.invitation_accept(actor=unit_admin, token=invitation.token)
    assert unit.unitmembership_set.get(user=unit_admin).role == "admin"

    # 5. An organisation registers (附件2) and files one application.
    applicant = make_user("promoter@jingmi.example.com", "王芳")
    organisation = organisation_services.organisation_create(
        actor=applicant, name="上海甲精密机械有限公司", short_name="甲精密"
    )
    registration = organisation_services.registration_save(
        actor=applicant,
        organisation=organisation,
        campaign=campaign,
        data={
            "is_member": False,
            "nature": OrganisationNature.objects.get(name="民营"),
            "nature_other": "",
            "industry_other": "",
            "domain": Domain.objects.get(name="制造"),
            "is_specialised": True,
            "is_high_tech": False,
            "address": "上海市浦东新区张江路1号",
            "postcode": "201203",
            "management_department": "质量部",
            "promoter_name": "王芳",
            "promoter_position": "质量部 经理",
            "promoter_mobile": "13912345678",
            "promoter_email": "promoter@jingmi.example.com",
            "participation": Participation.FIRST_TIME,
            "applies_with_experience": True,
            "industries": [Industry.objects.get(name="高端装备")],
        },
    )
    # A private 专精特新 enterprise may also choose the special unit (rule 13).
    special = RecommendingUnit.objects.get(kind=UnitKind.ASSOCIATION)
    assert organisation_services.unit_accepts(special, registration)
    draft = application_services.application_create(
        actor=applicant,
        organisation=organisation,
        campaign=campaign,
        data=application_data(unit, team_name="精密装配一班"),
    )
    application_services.application_stamped_form_upload(
        actor=applicant,
        application=draft,
        file=SimpleUploadedFile("盖章.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    application = application_services.application_submit(actor=applicant, application=draft)
    assert application.state == ApplicationState.SUBMITTED

    # 6. The unit's judges score it; the unit recommends it and files its 附件5.
    for n in (1, 2, 3):
        judge_user = make_user(f"judge{n}@example.org", f"评委{n}")
        judge = recommendation_services.judge_add_to_panel(
            actor=unit_admin,
            unit=unit,
            data={
                "name": f"评委{n}",
                "employer": "上海质量研究院",
                "tgq_number": f"TGQ-{year}-00{n}",
                "address": "上海市长宁区泰安路74号",
                "email": judge_user.email,
                "mobile": "13912340000",
            },
        )
        sheet = recommendation_services.assignment_add(
            actor=unit_admin, application=application, judge=judge
        )
        sheet_save(
            actor=judge_user,
            sheet=sheet,
            points=points_for(sheet, Decimal("0.85")),
            submit=True,
            **TEXTS,
        )
    assert ScoreSheet.objects.filter(application=application, stage=Stage.UNIT).count() == 3
    recommendation_services.recommend(actor=unit_admin, application=application, opinion="推荐")
    complete_report(unit_admin, unit, campaign)
    report = recommendation_services.report_for(unit=unit, campaign=campaign)
    recommendation_services.report_submit(actor=unit_admin, report=report)
    application = Application.objects.get(pk=application.pk)
    assert application.state == ApplicationState.RECOMMENDED

    # 7. Staff: formal review, the expert panel, a round, automatic assignment.
    evaluation_services.formal_review_record(
        actor=staff, application=application, outcome="passed", checks=all_ticked(campaign)
    )
    for n in (1, 2, 3):
        expert = make_judge(f"expert{n}@example.org", f"专家{n}", tgq_number=f"TGQ-E-{n}")
        expert.domains.set(Domain.objects.filter(name="制造"))
        evaluation_services.expert_panel_add(
            actor=staff, campaign=campaign, judge=expert, is_chair=n == 1
        )
    evaluation_round = evaluation_services.round_create(
        actor=staff, campaign=campaign, deadline=timezone.now() + timedelta(days=7)
    )
    evaluation_services.expert_assign_auto(
        actor=staff, campaign=campaign, round=evaluation_round, k=3
    )

    # 8. The experts score; staff decide and publish.
    sheets = expert_sheets_of(Application.objects.get(pk=application.pk))
    assert len(sheets) == 3
    for sheet in sheets:
        expert_user = sheet.judge.user
        assert expert_user is not None
        sheet_save(
            actor=expert_user,
            sheet=sheet,
            points=points_for(sheet, Decimal("0.8")),
            submit=True,
            **TEXTS,
        )
    evaluation_services.decision_set(
        actor=staff,
        application=Application.objects.get(pk=application.pk),
        level="selected",
        consensus_notes="合议：入选建设经验",
    )
    published = publication_services.results_publish(actor=staff, campaign=campaign)
    assert published == 1
    assert Campaign.objects.get(pk=campaign.pk).results_published

    # 9. Anyone sees the result on the public results page.
    page = Client().get(reverse("publication:results"), {"year": year})
    assert page.status_code == 200
    text = page.content.decode()
    assert "精密装配一班" in text and "上海甲精密机械有限公司" in text


class _Sink:
    """Swallows a command's output (the test reads the database instead)."""

    def write(self, text: str) -> None:
        pass

    def flush(self) -> None:
        pass
