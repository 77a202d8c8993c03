from django.urls import path

from xinban.evaluation.views import (
    applicant,
    decisions,
    evaluation_rounds,
    expert_assignment,
    expert_panel,
    expert_sheets,
    formal,
    guiding_review,
    home,
    video,
)

app_name = "evaluation"
urlpatterns = [
    # Staff (质协)
    path("evaluation/", home.staff_home, name="staff_home"),
    path("evaluation/formal/", formal.formal_list, name="formal_list"),
    path("evaluation/formal/bulk/", formal.formal_bulk, name="formal_bulk"),
    path("evaluation/formal/<id:pk>/", formal.formal_review, name="formal_review"),
    path("evaluation/panel/", expert_panel.panel, name="panel"),
    path("evaluation/panel/<id:pk>/", expert_panel.panel_member, name="panel_member"),
    path("evaluation/panel/<id:pk>/remove/", expert_panel.panel_remove, name="panel_remove"),
    path(
        "evaluation/panel/<id:pk>/employment/", expert_panel.employment_add, name="employment_add"
    ),
    path(
        "evaluation/panel/<id:pk>/employment/<id:employment_pk>/remove/",
        expert_panel.employment_remove,
        name="employment_remove",
    ),
    path("evaluation/rounds/", evaluation_rounds.rounds, name="rounds"),
    path(
        "evaluation/rounds/<id:pk>/deadline/",
        evaluation_rounds.round_deadline,
        name="round_deadline",
    ),
    path("evaluation/assignments/", expert_assignment.assignments, name="assignments"),
    path("evaluation/assignments/auto/", expert_assignment.assign_auto, name="assign_auto"),
    path("evaluation/applications/<id:pk>/", expert_assignment.application, name="application"),
    path(
        "evaluation/applications/<id:pk>/assign/",
        expert_assignment.assign_manual,
        name="assign_manual",
    ),
    path("evaluation/applications/<id:pk>/decision/", decisions.decide, name="decide"),
    path("evaluation/applications/<id:pk>/confirm/", decisions.confirm, name="confirm"),
    path("evaluation/applications/<id:pk>/national/", decisions.national, name="national"),
    path("evaluation/sheets/<id:sheet_pk>/remove/", expert_assignment.unassign, name="unassign"),
    path("evaluation/ranking/", decisions.ranking, name="ranking"),
    path("evaluation/candidates/", decisions.candidates, name="candidates"),
    # Experts (专家评审)
    path("expert/", expert_sheets.expert_home, name="expert_home"),
    path("expert/sheets/<id:pk>/", expert_sheets.expert_sheet, name="expert_sheet"),
    path("expert/sheets/<id:pk>/conflict/", expert_sheets.expert_conflict, name="expert_conflict"),
    # Guiding units (指导单位)
    path("guiding/", guiding_review.guiding_home, name="guiding_home"),
    path("guiding/<id:pk>/", guiding_review.guiding_candidate, name="guiding_candidate"),
    # Applicants and the video
    path("results/mine/", applicant.outcomes, name="outcomes"),
    path("results/mine/<id:pk>/video/", applicant.video_upload, name="video_upload"),
    path("evaluation/applications/<id:pk>/video/", video.video_download, name="video"),
    path("evaluation/applications/<id:pk>/video/stream/", video.video_stream, name="video_stream"),
]
