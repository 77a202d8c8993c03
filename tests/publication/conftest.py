from __future__ import annotations

from typing import Any

import pytest

from tests.evaluation.conftest import make_org_app
from xinban.applications.models import Application, ApplicationState
from xinban.evaluation.models import Decision


@pytest.fixture
def results(campaign: Any, unit_x: Any, unit_y: Any, org_a: Any, staff: Any) -> list[Application]:
    """A finished year: A's team selected (建设经验) plus a typical experience recommended
    nationally and a team not selected, from other organisations."""
    from tests.recommendation.factories import make_application

    a = make_application(
        organisation=org_a,
        unit=unit_x,
        campaign=campaign,
        state=ApplicationState.SELECTED,
        team_name="质检一班",
        material_results="开展数字化质量改进，缺陷率下降百分之四十。",
    )
    typical = make_org_app(
        campaign,
        unit_y,
        "上海外滩智能服务有限公司",
        state=ApplicationState.TYPICAL,
        team_name="客服二组",
        material_composition="客服二组共十二人。",
    )
    Decision.objects.create(application=typical, level="typical", national=True, decided_by=staff)
    other = make_org_app(
        campaign, unit_y, "上海未入选有限公司", state=ApplicationState.NOT_SELECTED
    )
    return [a, typical, other]
