"""The evaluation's demo data agrees with the applications' states and with the rules the
services enforce (no expert reviews an application they are in conflict with)."""

from __future__ import annotations

import io
import shutil
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from xinban.accounts.models import User
from xinban.applications.models import Application, ApplicationState
from xinban.evaluation.models import Decision, ExpertPanelMember, FormalReview
from xinban.evaluation.selectors import expert_conflicts
from xinban.scoring.models import Judge, ScoreSheet, SheetStatus, Stage

S = ApplicationState


@pytest.fixture
def demo(db: Any) -> None:
    call_command("seed_demo", organisations=60, stdout=io.StringIO())


def test_states_have_their_records(demo: None) -> None:
    past_formal = Application.objects.filter(
        state__in=[S.FORMAL_PASSED, S.EXPERT_REVIEW, S.SELECTED, S.TYPICAL_CANDIDATE, S.TYPICAL],
        campaign__results_published=False,
    )
    assert past_formal.exists()
    for app in past_formal:
        assert FormalReview.objects.get(application=app).outcome == "passed"
    for app in past_formal.filter(state__in=[S.SELECTED, S.TYPICAL_CANDIDATE, S.TYPICAL]):
        decision = Decision.objects.get(application=app)
        assert decision.level == app.state
        submitted = app.score_sheets.filter(stage=Stage.EXPERT, status=SheetStatus.SUBMITTED)
        assert submitted.count() >= 1
    # Waiting for the automatic assignment: no experts yet.
    assert not ScoreSheet.objects.filter(
        application__state=S.FORMAL_PASSED, stage=Stage.EXPERT
    ).exists()


def test_expert_sheets_never_break_a_conflict(demo: None) -> None:
    sheets = list(ScoreSheet.objects.filter(stage=Stage.EXPERT).select_related("application"))
    assert sheets
    campaign = sheets[0].application.campaign
    experts = [m.judge for m in ExpertPanelMember.objects.filter(campaign=campaign)]
    conflicts = expert_conflicts(campaign, [s.application for s in sheets], experts)
    assert not [s for s in sheets if (s.judge_id, s.application_id) in conflicts]


def test_demo_logins_see_the_evaluation(demo: None) -> None:
    expert = Client()
    expert.force_login(User.objects.get(email="expert@demo.saq"))
    judge = Judge.objects.get(user__email="expert@demo.saq")
    own = ScoreSheet.objects.filter(judge=judge, stage=Stage.EXPERT)
    assert own.exists()
    html = expert.get(reverse("evaluation:expert_home")).content.decode()
    assert own.first().application.team_name in html  # type: ignore[union-attr]
    staff = Client()
    staff.force_login(User.objects.get(email="staff@demo.saq"))
    assert staff.get(reverse("evaluation:ranking")).status_code == 200
    guide = Client()
    guide.force_login(User.objects.get(email="guide@demo.saq"))
    assert guide.get(reverse("evaluation:guiding_home")).status_code == 200


def test_the_published_years_show_all_three_levels(demo: None) -> None:
    from xinban.publication.models import CaseEntry, Level

    published = Application.objects.filter(
        campaign__results_published=True, state__in=[S.SELECTED, S.NOT_SELECTED, S.TYPICAL]
    )
    assert published.exists()
    for app in published:
        assert Decision.objects.get(application=app).level == app.state
    national = Decision.objects.filter(application__campaign__results_published=True, national=True)
    assert national.exists()
    assert not national.exclude(application__state=S.TYPICAL).exists()
    # The case library, built after the decisions, carries the national level.
    levels = set(CaseEntry.objects.values_list("level", flat=True))
    assert {Level.SELECTED, Level.TYPICAL, Level.NATIONAL} <= levels


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_candidates_carry_a_real_video_the_guiding_unit_can_watch(demo: None) -> None:
    """Issue 13, item 5: the demo's typical experiences and candidates (all but the first
    candidate, left for the applicant's upload task) carry a short real MP4 made at demo
    time that passes the platform's upload check; the guiding unit streams it."""
    from django.core.files.base import File

    from xinban.core import uploads
    from xinban.evaluation.models import PresentationVideo

    candidates = list(
        Application.objects.filter(
            state=S.TYPICAL_CANDIDATE, campaign__results_published=False
        ).order_by("number")
    )
    assert len(candidates) >= 2
    assert not PresentationVideo.objects.filter(application=candidates[0]).exists()
    videos = PresentationVideo.objects.filter(application__in=candidates[1:])
    assert videos.count() == len(candidates) - 1
    video = videos.first()
    assert video is not None and video.size > 10_000
    with video.file.open("rb") as handle:
        head = handle.read(12)
        handle.seek(0)
        detected = uploads.validate_upload(
            File(handle, name=video.original_name), kinds=uploads.UploadKind.VIDEO
        )
    assert head[4:8] == b"ftyp" and detected.ext == "mp4"

    guide = Client()
    guide.force_login(User.objects.get(email="guide@demo.saq"))
    page = guide.get(reverse("evaluation:guiding_home")).content.decode()
    assert page.count("视频未上传") == 1  # the first candidate only
    stream = guide.get(reverse("evaluation:video_stream", args=[video.application_id]))
    assert stream.status_code == 200
    assert b"".join(stream.streaming_content)[4:8] == b"ftyp"
