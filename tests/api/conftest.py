"""Personas for the API tests: applicant A and B (two organisations, both registered for
the current year), a recommending unit X with a member, anonymous; a campaign whose
registration, application and recommendation phases are open now."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.recommendation.conftest import make_judge
from xinban.accounts.models import User
from xinban.campaigns.models import (
    Campaign,
    Domain,
    Industry,
    OrganisationNature,
    Phase,
    PhaseKind,
    TeamType,
)
from xinban.organisations.models import (
    Organisation,
    OrganisationMembership,
    RecommendingUnit,
    UnitKind,
    UnitMembership,
    UnitRole,
)
from xinban.scoring.models import Judge

JSON = "application/json"


class Api:
    """A logged-in (or anonymous) JSON client for /api/."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api{path}", params)

    def post(self, path: str, body: Any = None) -> Any:
        data = "" if body is None else json.dumps(body)
        return self.client.post(f"/api{path}", data=data, content_type=JSON)

    def put(self, path: str, body: Any) -> Any:
        return self.client.put(f"/api{path}", data=json.dumps(body), content_type=JSON)

    def put_raw(self, path: str, raw: str) -> Any:
        return self.client.put(f"/api{path}", data=raw, content_type=JSON)

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api{path}")

    def upload(self, path: str, **fields: Any) -> Any:
        return self.client.post(f"/api{path}", data=fields)  # multipart


def make_pdf(text: str = "Quality team") -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.drawString(72, 720, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def pdf_upload(name: str = "材料.pdf") -> io.BytesIO:
    handle = io.BytesIO(make_pdf())
    handle.name = name
    return handle


@pytest.fixture
def campaign(db: None) -> Campaign:
    now = timezone.now()
    campaign = Campaign.objects.create(
        year=timezone.localdate().year, title="质量信得过班组建设活动"
    )
    for kind in (PhaseKind.REGISTRATION, PhaseKind.APPLICATION, PhaseKind.RECOMMENDATION):
        Phase.objects.create(
            campaign=campaign,
            kind=kind,
            starts_at=now - timedelta(days=1),
            ends_at=now + timedelta(days=30),
        )
    return campaign


@pytest.fixture
def unit_x(db: None) -> RecommendingUnit:
    return RecommendingUnit.objects.create(name="浦东新区", kind=UnitKind.DISTRICT)


def _user(email: str, name: str) -> User:
    return User.objects.create_user(email=email, password="pw-123456-long", name=name)


def registration_body() -> dict[str, Any]:
    return {
        "is_member": True,
        "nature": OrganisationNature.objects.get(name="国有").pk,
        "industries": [Industry.objects.get(name="集成电路").pk],
        "domain": Domain.objects.get(name="制造").pk,
        "is_specialised": False,
        "is_high_tech": False,
        "address": "上海市浦东新区张江路1号",
        "postcode": "201203",
        "management_department": "质量部",
        "promoter_name": "王芳",
        "promoter_position": "质量部 主管",
        "promoter_mobile": "13912345678",
        "promoter_email": "wang@example.com",
        "participation": "first",
        "applies_with_experience": True,
    }


def team_type_id(name: str) -> int:
    return TeamType.objects.get(name=name).pk


def application_body(unit: RecommendingUnit, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "recommending_unit": unit.pk,
        "team_name": "质检一班",
        "team_type": team_type_id("生产操作型"),
        "team_size": 12,
        "completion_rate": 100,
        "qualification_rate": "99.50",
        "nonconformity_rate": 0.5,
        "first_pass_rate": 99.5,
        "accidents_per_year": 0,
        "complaints_per_year": 0,
        "trainees_per_year": 12,
        "training_hours_per_year": 480,
        "improvement_participation_rate": 100,
        "coverage_rate": 85,
        "quality_cost": "12.50",
        "commitment_voluntary": True,
        "commitment_standard": True,
        "commitment_truthful": True,
        "commitment_secrecy": True,
        "eligibility_basic_unit": True,
        "eligibility_no_accidents": True,
        "material_composition": "班组共12人，班长1名。",
        "material_basic_management": "建立了班组管理制度。",
        "material_skills": "开展技能培训。",
        "material_improvement": "开展QC小组活动。",
        "material_results": "连续三年零缺陷。",
        "material_honours": "",
    }
    body.update(overrides)
    return body


def _registered_applicant(client: Client, email: str, name: str, org_name: str, short: str) -> Api:
    user = _user(email, name)
    client.force_login(user)
    api = Api(client)
    assert api.post("/organisations", {"name": org_name, "short_name": short}).status_code == 201
    assert api.put("/registration", registration_body()).status_code == 200
    return api


@pytest.fixture
def api_a(client: Client, campaign: Campaign, unit_x: RecommendingUnit) -> Api:
    return _registered_applicant(
        client, "a@example.com", "申报人甲", "上海甲机械有限公司", "甲机械"
    )


@pytest.fixture
def api_b(campaign: Campaign, unit_x: RecommendingUnit) -> Api:
    return _registered_applicant(
        Client(), "b@example.com", "申报人乙", "上海乙电子有限公司", "乙电子"
    )


@pytest.fixture
def api_unit_x(unit_x: RecommendingUnit) -> Api:
    user = _user("x@example.com", "推荐单位工作人员")
    UnitMembership.objects.create(unit=unit_x, user=user, role=UnitRole.ADMIN)
    client = Client()
    client.force_login(user)
    return Api(client)


@pytest.fixture
def anonymous() -> Api:
    return Api(Client())


@pytest.fixture
def new_application(api_a: Api, unit_x: RecommendingUnit) -> Callable[..., dict[str, Any]]:
    def create(**overrides: Any) -> dict[str, Any]:
        response = api_a.post("/applications", application_body(unit_x, **overrides))
        assert response.status_code == 201, response.json()
        return dict(response.json())

    return create


def organisation_of(email: str) -> Organisation:
    return OrganisationMembership.objects.get(user__email=email).organisation


# --- recommending units and judges ---------------------------------------------------------


def api_for(user: User) -> Api:
    client = Client()
    client.force_login(user)
    return Api(client)


def submit_application(api: Api, unit: RecommendingUnit, **overrides: Any) -> dict[str, Any]:
    """File an application through the API and submit it to ``unit``; returns its JSON."""
    body = application_body(unit, material_honours="2024年获评先进班组。", **overrides)
    created = api.post("/applications", body)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    stamped = api.upload(f"/applications/{pk}/stamped-form", file=pdf_upload("盖章.pdf"))
    assert stamped.status_code == 200, stamped.json()
    submitted = api.post(f"/applications/{pk}/submit")
    assert submitted.status_code == 200, submitted.json()
    return dict(submitted.json())


@pytest.fixture
def judge_1(unit_x: RecommendingUnit) -> Judge:
    return make_judge("judge1@example.com", "评委一", unit_x)


@pytest.fixture
def judge_2(unit_x: RecommendingUnit) -> Judge:
    return make_judge("judge2@example.com", "评委二", unit_x, tgq_number="TGQ-2024-002")


@pytest.fixture
def api_judge_1(judge_1: Judge) -> Api:
    assert judge_1.user is not None
    return api_for(judge_1.user)


@pytest.fixture
def api_judge_2(judge_2: Judge) -> Api:
    assert judge_2.user is not None
    return api_for(judge_2.user)


@pytest.fixture
def api_unit_x_member(unit_x: RecommendingUnit) -> Api:
    """Unit X's staff member without the admin role: may look, may not act."""
    user = _user("xm@example.com", "推荐单位X工作人员")
    UnitMembership.objects.create(unit=unit_x, user=user, role=UnitRole.MEMBER)
    return api_for(user)


@pytest.fixture
def unit_y(db: None) -> RecommendingUnit:
    return RecommendingUnit.objects.create(name="黄浦区", kind=UnitKind.DISTRICT)


@pytest.fixture
def api_unit_y(unit_y: RecommendingUnit) -> Api:
    user = _user("y@example.com", "推荐单位Y管理员")
    UnitMembership.objects.create(unit=unit_y, user=user, role=UnitRole.ADMIN)
    return api_for(user)


@pytest.fixture
def api_staff(db: None) -> Api:
    user = User.objects.create_user(
        email="staff@example.com",
        password="pw-123456-long",
        name="质协工作人员",
        is_association_staff=True,
    )
    return api_for(user)


@pytest.fixture
def submitted_a(api_a: Api, unit_x: RecommendingUnit) -> dict[str, Any]:
    """Applicant A's application, submitted to unit X through the API."""
    return submit_application(api_a, unit_x)


@pytest.fixture
def submitted_b(api_b: Api, unit_x: RecommendingUnit) -> dict[str, Any]:
    """Applicant B's application, submitted to unit X through the API."""
    return submit_application(api_b, unit_x, team_name="客服二组", team_type=team_type_id("服务型"))
