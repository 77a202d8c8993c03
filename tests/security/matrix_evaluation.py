"""Permission-matrix entries of the association's evaluation (pages and API).

The world adds, beside A's recommended application (the default ``pk``): the expert on
the year's panel with a round and an expert sheet on application C (another
organisation, under expert review), and a typical-experience candidate D with its video.
Staff pages answer 403 to other signed-in users; an expert's sheet, a guiding unit's
candidate and an applicant's own pages are 404 to anyone else."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.security.matrix_kit import (
    ANE,
    ANON,
    POST_ONLY,
    STAFF_ONLY,
    Op,
    Page,
    Ref,
    api_row,
    row,
)

STAFF_ACTION = row(403, staff=ANE)
STAFF_API_READ = api_row(403, staff=200)
STAFF_API_ACTION = api_row(403, staff=ANE)
# Who has each non-staff list (everyone else 404): the experts (the unit judge has a Judge
# profile too: an empty list), the guiding unit, the applicants.
EXPERTS: dict[str, Any] = {"judge": 200, "expert": 200}
GUIDES: dict[str, Any] = {"guide": 200}
APPLICANTS: dict[str, Any] = {"applicant_a": 200, "applicant_b": 200}

ENTRIES: dict[str, Page | Op] = {
    "evaluation:staff_home": Page(get=STAFF_ONLY),
    "evaluation:formal_list": Page(get=STAFF_ONLY),
    "evaluation:formal_bulk": Page(get=POST_ONLY, post=STAFF_ACTION),
    "evaluation:formal_review": Page(
        get=STAFF_ONLY, post=STAFF_ACTION, kwargs={"pk": Ref("app_c")}
    ),
    "evaluation:panel": Page(get=STAFF_ONLY, post=STAFF_ACTION),
    "evaluation:panel_member": Page(
        get=STAFF_ONLY, post=STAFF_ACTION, kwargs={"pk": Ref("panel_member")}
    ),
    "evaluation:panel_remove": Page(
        get=POST_ONLY, post=STAFF_ACTION, kwargs={"pk": Ref("panel_member")}
    ),
    "evaluation:employment_add": Page(
        get=POST_ONLY, post=STAFF_ACTION, kwargs={"pk": Ref("panel_member")}
    ),
    "evaluation:employment_remove": Page(
        get=POST_ONLY,
        post=STAFF_ACTION,
        kwargs={"pk": Ref("panel_member"), "employment_pk": Ref("employment")},
    ),
    "evaluation:rounds": Page(get=STAFF_ONLY, post=STAFF_ACTION),
    "evaluation:round_deadline": Page(
        get=POST_ONLY, post=STAFF_ACTION, kwargs={"pk": Ref("round")}
    ),
    "evaluation:assignments": Page(get=STAFF_ONLY),
    "evaluation:assign_auto": Page(get=POST_ONLY, post=STAFF_ACTION),
    "evaluation:application": Page(get=STAFF_ONLY, kwargs={"pk": Ref("app_c")}),
    # A's application has not reached the association (not yet recommended): 404 for staff.
    "evaluation:application (A's application)": Page(get=row(403, staff=404)),
    "evaluation:assign_manual": Page(get=POST_ONLY, post=STAFF_ACTION),
    "evaluation:decide": Page(get=POST_ONLY, post=STAFF_ACTION),
    "evaluation:confirm": Page(get=POST_ONLY, post=STAFF_ACTION),
    "evaluation:national": Page(get=POST_ONLY, post=STAFF_ACTION),
    "evaluation:unassign": Page(
        get=POST_ONLY, post=STAFF_ACTION, kwargs={"sheet_pk": Ref("expert_sheet")}
    ),
    "evaluation:ranking": Page(get=STAFF_ONLY),
    "evaluation:candidates": Page(get=STAFF_ONLY),
    # Experts: the unit judge has a Judge profile too (an empty list), others 404.
    "evaluation:expert_home": Page(get=row(404, **EXPERTS)),
    "evaluation:expert_sheet": Page(
        get=row(404, expert=200), post=row(404, expert=ANE), kwargs={"pk": Ref("expert_sheet")}
    ),
    "evaluation:expert_conflict": Page(
        get=POST_ONLY, post=row(404, expert=ANE), kwargs={"pk": Ref("expert_sheet")}
    ),
    "evaluation:guiding_home": Page(get=row(404, **GUIDES)),
    "evaluation:guiding_candidate": Page(
        get=row(404, guide=200), post=row(404, guide=ANE), kwargs={"pk": Ref("candidate")}
    ),
    "evaluation:outcomes": Page(get=row(404, **APPLICANTS)),
    # A's application is no candidate: A sees the page, may not upload (403).
    "evaluation:video_upload": Page(get=row(404, applicant_a=200), post=row(404, applicant_a=403)),
    "evaluation:video": Page(get=row(404, staff=200, guide=200), kwargs={"pk": Ref("candidate")}),
    "evaluation:video_stream": Page(
        get=row(404, staff=200, guide=200), kwargs={"pk": Ref("candidate")}
    ),
    # The lists' Excel exports: the same rights as the pages.
    "exports:download (expert assignments)": Page(
        get=STAFF_ONLY, kwargs={"kind": "evaluation_assignments"}
    ),
    "exports:download (evaluation rounds)": Page(
        get=STAFF_ONLY, kwargs={"kind": "evaluation_rounds"}
    ),
    "exports:download (expert sheets)": Page(
        get=row(404, **EXPERTS), kwargs={"kind": "expert_sheets"}
    ),
    "exports:download (guiding candidates)": Page(
        get=row(404, **GUIDES), kwargs={"kind": "guiding_candidates"}
    ),
    "exports:download (my outcomes)": Page(
        get=row(404, **APPLICANTS), kwargs={"kind": "my_outcomes"}
    ),
    # --- API
    "GET /api/evaluation/formal": Op(STAFF_API_READ),
    "POST /api/evaluation/applications/{application_id}/formal-review": Op(STAFF_API_ACTION),
    "POST /api/evaluation/formal/bulk": Op(STAFF_API_ACTION),
    "GET /api/evaluation/rounds": Op(STAFF_API_READ),
    "POST /api/evaluation/rounds": Op(STAFF_API_ACTION),
    "POST /api/evaluation/rounds/{number}/auto-assign": Op(STAFF_API_ACTION),
    "GET /api/evaluation/applications/{application_id}/experts": Op(
        STAFF_API_READ, kwargs={"application_id": Ref("app_c")}
    ),
    "POST /api/evaluation/applications/{application_id}/experts": Op(STAFF_API_ACTION),
    "GET /api/evaluation/ranking": Op(STAFF_API_READ),
    "PUT /api/evaluation/applications/{application_id}/decision": Op(STAFF_API_ACTION),
    "POST /api/evaluation/applications/{application_id}/confirm": Op(STAFF_API_ACTION),
    "PUT /api/evaluation/applications/{application_id}/national": Op(STAFF_API_ACTION),
    "GET /api/evaluation/panel": Op(STAFF_API_READ),
    "GET /api/evaluation/panel/candidates": Op(STAFF_API_READ),
    "POST /api/evaluation/panel": Op(STAFF_API_ACTION),
    "GET /api/evaluation/panel/{member_id}": Op(STAFF_API_READ),
    "PUT /api/evaluation/panel/{member_id}": Op(STAFF_API_ACTION),
    "DELETE /api/evaluation/panel/{member_id}": Op(STAFF_API_ACTION),
    "POST /api/evaluation/panel/{member_id}/employments": Op(STAFF_API_ACTION),
    "DELETE /api/evaluation/panel/{member_id}/employments/{employment_id}": Op(STAFF_API_ACTION),
    "PUT /api/evaluation/rounds/{number}/deadline": Op(STAFF_API_ACTION),
    "DELETE /api/evaluation/applications/{application_id}/experts/{sheet_id}": Op(
        STAFF_API_ACTION, kwargs={"application_id": Ref("app_c"), "sheet_id": Ref("expert_sheet")}
    ),
    "GET /api/expert/sheets": Op(api_row(200)),
    "GET /api/expert/sheets/{sheet_id}": Op(
        api_row(404, expert=200), kwargs={"sheet_id": Ref("expert_sheet")}
    ),
    "PUT /api/expert/sheets/{sheet_id}": Op(
        api_row(404, expert=ANE), kwargs={"sheet_id": Ref("expert_sheet")}
    ),
    "POST /api/expert/sheets/{sheet_id}/conflict": Op(
        api_row(404, expert=ANE), kwargs={"sheet_id": Ref("expert_sheet")}
    ),
    "GET /api/guiding/candidates": Op(api_row(404, guide=200)),
    "POST /api/guiding/candidates/{application_id}/review": Op(
        api_row(404, guide=ANE), kwargs={"application_id": Ref("candidate")}
    ),
    "GET /api/my/outcomes": Op(api_row(200)),
    "POST /api/my/applications/{application_id}/video": Op(api_row(404, applicant_a=403)),
    "GET /api/exports/{kind}.xlsx (expert assignments)": Op(
        STAFF_API_READ, kwargs={"kind": "evaluation_assignments"}
    ),
    "GET /api/exports/{kind}.xlsx (evaluation rounds)": Op(
        STAFF_API_READ, kwargs={"kind": "evaluation_rounds"}
    ),
    "GET /api/exports/{kind}.xlsx (expert sheets)": Op(
        api_row(404, **EXPERTS), kwargs={"kind": "expert_sheets"}
    ),
    "GET /api/exports/{kind}.xlsx (guiding candidates)": Op(
        api_row(404, **GUIDES), kwargs={"kind": "guiding_candidates"}
    ),
    "GET /api/exports/{kind}.xlsx (my outcomes)": Op(
        api_row(404, **APPLICANTS), kwargs={"kind": "my_outcomes"}
    ),
}

# The expert's name: only staff (and the expert) may ever see it.
SECRETS = {
    "expert_name": frozenset(
        {
            ANON,
            "applicant_a",
            "applicant_b",
            "unit_x_admin",
            "unit_x_member",
            "unit_y_admin",
            "judge",
            "guide",
        }
    )
}


KWARGS = {"member_id": Ref("panel_member"), "employment_id": Ref("employment")}


def extend_world(fx: dict[str, Any], users: dict[str, Any], ids: dict[str, Any]) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from tests.evaluation.conftest import make_org_app, mp4_bytes
    from xinban.applications.models import ApplicationState
    from xinban.evaluation import services
    from xinban.evaluation.models import EvaluationRound, ExpertPanelMember
    from xinban.scoring.models import Judge, JudgeEmployment, ScoreSheet, Stage

    campaign, staff = fx["campaign"], fx["staff"]
    expert = Judge.objects.get(pk=ids["expert_judge"])
    member = ExpertPanelMember.objects.create(campaign=campaign, judge=expert)
    employment = JudgeEmployment.objects.create(
        judge=expert, organisation_name="上海某机械厂", start_year=2001, end_year=2010
    )
    evaluation_round = EvaluationRound.objects.create(
        campaign=campaign, number=1, deadline=timezone.now() + timedelta(days=7)
    )
    app_c = make_org_app(
        campaign, fx["unit_y"], "上海丙评审有限公司", state=ApplicationState.EXPERT_REVIEW
    )
    sheet = ScoreSheet.objects.create(application=app_c, judge=expert, stage=Stage.EXPERT, round=1)
    candidate = make_org_app(
        campaign, fx["unit_y"], "上海丁候选有限公司", state=ApplicationState.TYPICAL_CANDIDATE
    )
    from xinban.evaluation.models import Decision

    Decision.objects.create(application=candidate, level="typical_candidate", decided_by=staff)
    from tests.conftest import make_user
    from xinban.organisations.models import OrganisationMembership

    # D's own contact (none of the personas) attaches its video.
    uploader = make_user("ding-uploader@example.com", "丁单位联系人")
    OrganisationMembership.objects.get_or_create(organisation=candidate.organisation, user=uploader)
    services.video_attach(
        actor=uploader,
        application=candidate,
        file=SimpleUploadedFile("丁-发表视频.mp4", mp4_bytes(), content_type="video/mp4"),
    )
    ids.update(
        panel_member=member.pk,
        employment=employment.pk,
        round=evaluation_round.pk,
        expert_sheet=sheet.pk,
        app_c=app_c.pk,
        candidate=candidate.pk,
        expert_name=expert.name,
    )


def fingerprint() -> dict[str, Any]:
    from xinban.evaluation.models import (
        Decision,
        EvaluationRound,
        ExpertPanelMember,
        FormalReview,
        GuidingReview,
        PresentationVideo,
    )
    from xinban.scoring.models import JudgeEmployment, ScoreSheet, Stage

    return {
        "formal_reviews": FormalReview.objects.count(),
        "panel": sorted(ExpertPanelMember.objects.values_list("pk", "capacity", "is_chair")),
        "employments": JudgeEmployment.objects.count(),
        "rounds": sorted(EvaluationRound.objects.values_list("pk", "deadline")),
        "expert_sheets": sorted(
            ScoreSheet.objects.filter(stage=Stage.EXPERT).values_list("pk", "status")
        ),
        "decisions": sorted(Decision.objects.values_list("pk", "level", "national")),
        "guiding_reviews": GuidingReview.objects.count(),
        "videos": PresentationVideo.objects.count(),
    }
