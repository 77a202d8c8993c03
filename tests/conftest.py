"""Shared fixtures. Personas follow the style guide: applicant A and B, recommending unit
X and Y, judge, staff, guiding unit, anonymous."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone
from hypothesis import settings as hypothesis_settings

# Properties, not timings: Hypothesis' per-example deadline (200 ms) fails on a loaded
# shared machine although the property holds; speed is `make bench`'s (docs/benchmarks.md).
hypothesis_settings.register_profile("xinban", deadline=None)
hypothesis_settings.load_profile("xinban")

# One set of browser fixtures for every folder (one Chromium per session and worker).
pytest_plugins = ["tests.browser_fixtures"]


def pytest_configure(config: pytest.Config) -> None:
    # argon2 is slow by design; tests use a fast hasher (production keeps argon2).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # Persona tests log staff in with force_login; tests/accounts/test_two_factor.py turns
    # the second factor back on and checks it.
    settings.REQUIRE_TWO_FACTOR = False
    # Rolled-back tests reuse ids, so in-process ranking fingerprints could repeat.
    from xinban.evaluation import selectors as evaluation_selectors
    from xinban.recommendation import selectors as recommendation_selectors

    recommendation_selectors._RANKINGS.clear()
    evaluation_selectors._EXPERT_RANKINGS.clear()
    from django.core.cache import cache

    cache.clear()  # cached facets and throttles of an earlier test


@pytest.fixture(autouse=True)
def _taxonomies_after_a_flush(request: pytest.FixtureRequest) -> None:
    """A transactional test (live server, threads, killed connections) starts from the
    database the previous one flushed, without the rows of the data migrations: put the
    notice's taxonomies and reference data back, whichever test ran before on this worker."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    migration = importlib.import_module("xinban.campaigns.migrations.0003_seed_taxonomies")
    migration.seed(apps, None)
    from xinban.organisations import reference

    reference.load(apps)  # the guiding units and the special unit (organisations 0003)


@pytest.fixture
def campaign(db: Any) -> Any:
    """This year's campaign with every phase open now."""
    from xinban.campaigns.models import Campaign, Phase, PhaseKind

    now = timezone.now()
    year = timezone.localdate().year
    c = Campaign.objects.create(year=year, title=f"{year}年上海市“质量信得过班组”建设活动")
    for kind in PhaseKind:
        Phase.objects.create(
            campaign=c,
            kind=kind,
            starts_at=now - timedelta(days=10),
            ends_at=now + timedelta(days=30),
        )
    return c


def close_phase(campaign: Any, kind: Any) -> None:
    from xinban.campaigns.models import Phase

    now = timezone.now()
    Phase.objects.filter(campaign=campaign, kind=kind).update(
        starts_at=now - timedelta(days=30), ends_at=now - timedelta(days=1)
    )


def make_user(email: str, name: str, **extra: Any) -> Any:
    from xinban.accounts.models import User

    return User.objects.create_user(
        email=email, password="pw-for-tests-123", name=name, email_verified=True, **extra
    )


def make_registration(organisation: Any, campaign: Any, **overrides: Any) -> Any:
    from xinban.campaigns.models import Domain, Industry, OrganisationNature
    from xinban.organisations.models import Participation, Registration

    values: dict[str, Any] = dict(
        organisation=organisation,
        campaign=campaign,
        is_member=False,
        nature=OrganisationNature.objects.get(name="国有"),
        domain=Domain.objects.get(name="制造"),
        address="上海市浦东新区张江路1号",
        postcode="201203",
        management_department="质量部",
        promoter_name="王芳",
        promoter_position="质量部 经理",
        promoter_mobile="13912345678",
        promoter_email="wang@example.com",
        participation=Participation.CONTINUING,
        applies_with_experience=True,
    )
    values.update(overrides)
    registration = Registration.objects.create(**values)
    registration.industries.set([Industry.objects.get(name="汽车")])
    return registration


@pytest.fixture
def unit_x(db: Any) -> Any:
    from xinban.organisations.models import RecommendingUnit, UnitKind

    return RecommendingUnit.objects.create(name="浦东新区", kind=UnitKind.DISTRICT)


@pytest.fixture
def unit_y(db: Any) -> Any:
    from xinban.organisations.models import RecommendingUnit, UnitKind

    return RecommendingUnit.objects.create(name="黄浦区", kind=UnitKind.DISTRICT)


@pytest.fixture
def association_unit(db: Any) -> Any:
    """The special unit as the data migration loads it (organisations 0003, rule 13)."""
    from xinban.organisations.models import RecommendingUnit, UnitKind

    return RecommendingUnit.objects.get(kind=UnitKind.ASSOCIATION)


@pytest.fixture
def org_a(campaign: Any) -> Any:
    from xinban.organisations.models import Organisation

    org = Organisation.objects.create(name="上海甲精密机械有限公司", short_name="甲精密")
    make_registration(org, campaign)
    return org


@pytest.fixture
def org_b(campaign: Any) -> Any:
    from xinban.organisations.models import Organisation

    org = Organisation.objects.create(name="上海乙医疗服务有限公司", short_name="乙医疗")
    make_registration(org, campaign)
    return org


@pytest.fixture
def applicant_a(org_a: Any) -> Any:
    from xinban.organisations.models import OrganisationMembership

    user = make_user("a@example.com", "申报人甲")
    OrganisationMembership.objects.create(organisation=org_a, user=user)
    return user


@pytest.fixture
def applicant_a2(org_a: Any) -> Any:
    """A colleague of applicant A in the same organisation."""
    from xinban.organisations.models import OrganisationMembership

    user = make_user("a2@example.com", "申报人甲二")
    OrganisationMembership.objects.create(organisation=org_a, user=user)
    return user


@pytest.fixture
def applicant_b(org_b: Any) -> Any:
    from xinban.organisations.models import OrganisationMembership

    user = make_user("b@example.com", "申报人乙")
    OrganisationMembership.objects.create(organisation=org_b, user=user)
    return user


@pytest.fixture
def unit_x_admin(unit_x: Any) -> Any:
    from xinban.organisations.models import UnitMembership, UnitRole

    user = make_user("x@example.com", "推荐单位X管理员")
    UnitMembership.objects.create(unit=unit_x, user=user, role=UnitRole.ADMIN)
    return user


@pytest.fixture
def unit_y_admin(unit_y: Any) -> Any:
    from xinban.organisations.models import UnitMembership, UnitRole

    user = make_user("y@example.com", "推荐单位Y管理员")
    UnitMembership.objects.create(unit=unit_y, user=user, role=UnitRole.ADMIN)
    return user


@pytest.fixture
def staff(db: Any) -> Any:
    return make_user("staff@example.com", "质协工作人员", is_association_staff=True)


@pytest.fixture
def guide(db: Any) -> Any:
    from xinban.organisations.models import GuidingUnit

    user = make_user("guide@example.com", "指导单位用户")
    GuidingUnit.objects.get(name="上海市总工会").members.add(user)  # organisations 0003
    return user


def application_data(unit: Any, **overrides: Any) -> dict[str, Any]:
    """A complete, valid content payload (what ApplicationForm.cleaned_data holds)."""
    from xinban.campaigns.models import TeamType

    data: dict[str, Any] = dict(
        recommending_unit=unit,
        team_name="质检一班",
        team_type=TeamType.objects.get(name="生产操作型"),
        team_size=12,
        completion_rate=Decimal("98.50"),
        qualification_rate=Decimal("99.00"),
        nonconformity_rate=Decimal("0.35"),
        first_pass_rate=Decimal("99.20"),
        accidents_per_year=0,
        complaints_per_year=1,
        trainees_per_year=12,
        training_hours_per_year=240,
        improvement_participation_rate=Decimal("100"),
        coverage_rate=Decimal("80"),
        quality_cost=Decimal("12.5"),
        commitment_voluntary=True,
        commitment_standard=True,
        commitment_truthful=True,
        commitment_secrecy=True,
        eligibility_basic_unit=True,
        eligibility_no_accidents=True,
        material_composition="班组共12人，职责明确。",
        material_basic_management="建立了班组管理制度。",
        material_skills="开展技能培训。",
        material_improvement="开展QC小组活动。",
        material_results="连续三年零投诉。",
        material_honours="2024年获评先进班组。",
    )
    data.update(overrides)
    return data


def pdf_bytes(text: str = "stamped") -> bytes:
    from io import BytesIO

    from reportlab.pdfgen import canvas

    buffer = BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, text)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.fixture
def draft_a(applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any) -> Any:
    from xinban.applications.services import application_create

    return application_create(
        actor=applicant_a, organisation=org_a, campaign=campaign, data=application_data(unit_x)
    )


@pytest.fixture
def submitted_a(draft_a: Any, applicant_a: Any) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xinban.applications.services import application_stamped_form_upload, application_submit

    application_stamped_form_upload(
        actor=applicant_a,
        application=draft_a,
        file=SimpleUploadedFile("盖章.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    return application_submit(actor=applicant_a, application=draft_a)
