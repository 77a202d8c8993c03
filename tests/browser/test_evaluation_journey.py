"""The association's evaluation in a real browser: staff pass the formal review in bulk,
open round 1 and assign experts automatically; two experts score on a phone; staff select
the team and name it a typical-experience candidate; the applicant uploads the
presentation video with the progress bar visible; a guiding unit approves; staff confirm
the typical experience."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.test_applicant_journey import PHONE, click_button, open_campaign, visit
from tests.browser_fixtures import new_context
from tests.conftest import make_user
from tests.evaluation.conftest import make_expert, make_org_app
from tests.uploads_resumable.conftest import mp4_bytes
from xinban.applications.models import Application, ApplicationState
from xinban.evaluation.models import Decision, GuidingReview, PresentationVideo
from xinban.scoring.models import ScoreSheet, SheetStatus, Stage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-for-tests-123"  # make_user's
POINTS = (("13", "14", "17", "18", "17", "9"), ("12", "13", "16", "17", "18", "8"))
__all__ = ["open_campaign"]  # a fixture used here


@pytest.fixture
def world(open_campaign: Any) -> dict[str, Any]:
    from xinban.organisations.models import (
        GuidingUnit,
        OrganisationMembership,
        RecommendingUnit,
        UnitKind,
    )

    unit = RecommendingUnit.objects.create(name="浦东新区", kind=UnitKind.DISTRICT)
    application = make_org_app(open_campaign, unit, "上海浦江精密机械有限公司")
    applicant = make_user("applicant@example.com", "王芳")
    OrganisationMembership.objects.create(organisation=application.organisation, user=applicant)
    staff = make_user("staff@example.com", "质协工作人员", is_association_staff=True)
    guide = make_user("guide@example.com", "指导单位审核人")
    GuidingUnit.objects.create(name="上海市市场监督管理局").members.add(guide)
    experts = [
        make_expert(open_campaign, f"expert{n}@example.com", f"专家{n}", tgq_number=f"TGQ{n}")
        for n in (1, 2)
    ]
    return {
        "application": application,
        "applicant": applicant,
        "staff": staff,
        "guide": guide,
        "experts": experts,
    }


def log_in(page: Any, base: str, email: str) -> None:
    visit(page, f"{base}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    click_button(page, "登录")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_evaluation_journey(
    settings: Any,
    live_server: Any,
    browser: Any,
    world: dict[str, Any],
    tmp_path: Path,
    js_errors: list[str],
) -> None:
    settings.XINBAN_UPLOAD_CHUNK_BYTES = 256 * 1024  # several chunks: the bar moves
    base = live_server.url
    app: Application = world["application"]

    # Staff: formal review in bulk, a round, automatic assignment of two experts each.
    staff_context = new_context(browser)
    staff = staff_context.new_page()
    log_in(staff, base, "staff@example.com")
    visit(staff, f"{base}/evaluation/formal/")
    expect(staff.locator("#main")).to_contain_text(app.team_name)
    # Nothing is ticked for the reviewer (rule 6): the application and each hand-checked item.
    staff.locator(f'input[name="applications"][value="{app.pk}"]').check()
    for box in staff.locator(f'input[name="hand_{app.pk}"]').all():
        box.check()
    click_button(staff, "批量通过所选（仅自动核对均符合、人工核对项均已勾选者）")
    expect(staff.locator(".alert-success")).to_contain_text("已批量通过 1 份")
    visit(staff, f"{base}/evaluation/rounds/")
    staff.fill("#id_deadline", "2099-12-31T18:00")
    click_button(staff, "新建")
    expect(staff.locator("#main")).to_contain_text("2099-12-31 18:00")
    visit(staff, f"{base}/evaluation/assignments/")
    staff.fill("#id_k", "2")
    click_button(staff, "自动分配（第 1 轮）")
    expect(staff.locator("[data-auto-result]")).to_contain_text("每份申报均已分配足够的专家")
    assert ScoreSheet.objects.filter(application=app, stage=Stage.EXPERT).count() == 2

    # Two experts score on a phone.
    for expert, points in zip(world["experts"], POINTS, strict=True):
        context = new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # 提交评分 asks first
        log_in(page, base, expert.email)
        visit(page, f"{base}/expert/")
        page.get_by_role("link", name=re.compile(app.team_name)).click()
        inputs = page.locator("input[name^=points_]")
        expect(inputs).to_have_count(6)
        for n, value in enumerate(points):
            inputs.nth(n).fill(value)
        page.fill("#id_conformity", "符合准则要求")
        page.fill("#id_features", "数据驱动改进")
        page.fill("#id_shortcomings", "推广范围可扩大")
        click_button(page, "提交评分")
        expect(page.locator(".alert-success")).to_contain_text("评分已提交")
        context.close()
    assert (
        ScoreSheet.objects.filter(
            application=app, stage=Stage.EXPERT, status=SheetStatus.SUBMITTED
        ).count()
        == 2
    )

    # Staff select the team, then name it a typical-experience candidate.
    visit(staff, f"{base}/evaluation/applications/{app.pk}/")
    staff.select_option("#id_level", "selected")
    staff.fill("#id_consensus_notes", "评审组长合议：入选建设经验")
    click_button(staff, "保存评价结果")
    expect(staff.locator(".alert-success")).to_contain_text("评价结果已保存")
    staff.select_option("#id_level", "typical_candidate")
    staff.fill("#id_reason", "制造领域推选为典型经验候选")
    click_button(staff, "保存评价结果")
    expect(staff.locator(".alert-success")).to_contain_text("评价结果已保存")
    app.refresh_from_db()
    assert app.state == ApplicationState.TYPICAL_CANDIDATE

    # The applicant uploads the presentation video; the progress bar shows.
    applicant_context = new_context(browser)
    applicant = applicant_context.new_page()
    log_in(applicant, base, "applicant@example.com")
    visit(applicant, f"{base}/results/mine/")
    expect(applicant.locator("#main")).not_to_contain_text("专家1")
    applicant.get_by_role("link", name="上传发表视频").click()
    # The widget's script is deferred: choosing the file before it has run would be lost.
    applicant.wait_for_url(re.compile(r"/video/$"))
    applicant.wait_for_load_state("load")
    data = mp4_bytes(1400 * 1024)
    video = tmp_path / "发表视频.mp4"
    video.write_bytes(data)
    os.utime(video, (1_700_000_000, 1_700_000_000))
    applicant.locator("[data-chunked-upload] input[type=file]").set_input_files(str(video))
    progress = applicant.locator("[data-chunked-upload] [data-role=progress]")
    expect(progress).to_be_visible(timeout=30_000)  # the start request may be slow under load
    expect(progress).to_have_attribute("aria-valuenow", "100", timeout=30_000)
    click_button(applicant, "提交视频")
    expect(applicant.locator(".alert-success")).to_contain_text("发表视频已上传")
    stored = PresentationVideo.objects.get(application=app)
    assert stored.size == len(data)

    # A guiding unit approves.
    guide_context = new_context(browser)
    guide = guide_context.new_page()
    log_in(guide, base, "guide@example.com")
    visit(guide, f"{base}/guiding/")
    guide.get_by_role("link", name=re.compile(app.team_name)).click()
    # The video plays in the page, streamed by byte ranges behind the same permission.
    player = guide.locator("video")
    expect(player).to_have_attribute("src", re.compile(r"/video/stream/$"))
    src = player.get_attribute("src")
    streamed = guide_context.request.get(f"{base}{src}", headers={"Range": "bytes=0-99"})
    assert streamed.status == 206 and streamed.body() == data[:100]
    guide.get_by_label("同意", exact=True).check()
    guide.fill("#id_comment", "同意作为典型经验")
    click_button(guide, "提交审核意见")
    expect(guide.locator(".alert-success")).to_contain_text("审核意见已提交")
    assert GuidingReview.objects.get(application=app).verdict == "approve"

    # Staff confirm the typical experience.
    visit(staff, f"{base}/evaluation/candidates/")
    click_button(staff, "确认为典型经验")
    expect(staff.locator(".alert-success")).to_contain_text("已确认为典型经验")
    app.refresh_from_db()
    assert app.state == ApplicationState.TYPICAL
    assert Decision.objects.get(application=app).level == "typical"
    for context in (staff_context, applicant_context, guide_context):
        context.close()
    assert js_errors == []
