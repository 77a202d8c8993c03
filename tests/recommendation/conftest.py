from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import make_user
from xinban.recommendation.models import PanelMember
from xinban.scoring.models import Judge


def make_judge(email: str, name: str, unit: Any | None = None, **extra: Any) -> Judge:
    user = make_user(email, name)
    judge = Judge.objects.create(
        user=user,
        name=name,
        employer=extra.pop("employer", "上海质量研究院"),
        tgq_number=extra.pop("tgq_number", "TGQ-2024-001"),
        address="上海市长宁区泰安路74号",
        email=email,
        mobile="13912340000",
        **extra,
    )
    if unit is not None:
        PanelMember.objects.create(unit=unit, judge=judge)
    return judge


@pytest.fixture
def judge_1(unit_x: Any) -> Judge:
    return make_judge("judge1@example.com", "评委一", unit_x)


@pytest.fixture
def judge_2(unit_x: Any) -> Judge:
    return make_judge("judge2@example.com", "评委二", unit_x, tgq_number="TGQ-2024-002")


@pytest.fixture
def unit_x_member(unit_x: Any) -> Any:
    """Unit X's staff member without the admin role: may look, may not act."""
    from xinban.organisations.models import UnitMembership, UnitRole

    user = make_user("xm@example.com", "推荐单位X工作人员")
    UnitMembership.objects.create(unit=unit_x, user=user, role=UnitRole.MEMBER)
    return user


def submit_with_attachment(applicant: Any, organisation: Any, campaign: Any, unit: Any) -> Any:
    """An application filed and submitted through the applicant's services, with one
    supporting attachment and the stamped scan."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import application_data, pdf_bytes
    from xinban.applications import services as application_services
    from xinban.applications.models import MaterialArea

    draft = application_services.application_create(
        actor=applicant, organisation=organisation, campaign=campaign, data=application_data(unit)
    )
    application_services.application_attachment_add(
        actor=applicant,
        application=draft,
        area=MaterialArea.HONOURS,
        file=SimpleUploadedFile(
            "荣誉证书.pdf", pdf_bytes("honours"), content_type="application/pdf"
        ),
    )
    application_services.application_stamped_form_upload(
        actor=applicant,
        application=draft,
        file=SimpleUploadedFile("盖章.pdf", pdf_bytes(), content_type="application/pdf"),
    )
    return application_services.application_submit(actor=applicant, application=draft)


@pytest.fixture
def submitted_x(applicant_a: Any, org_a: Any, campaign: Any, unit_x: Any) -> Any:
    """Applicant A's application to unit X, submitted, with an attachment."""
    return submit_with_attachment(applicant_a, org_a, campaign, unit_x)


@pytest.fixture
def submitted_y(applicant_b: Any, org_b: Any, campaign: Any, unit_y: Any) -> Any:
    """Applicant B's application to unit Y, submitted, with an attachment."""
    return submit_with_attachment(applicant_b, org_b, campaign, unit_y)
