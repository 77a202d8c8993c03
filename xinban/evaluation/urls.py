from django.urls import path

from xinban.evaluation import views

app_name = "evaluation"
urlpatterns = [
    # Staff (质协)
    path("evaluation/", views.staff_home, name="staff_home"),
    path("evaluation/formal/", views.formal_list, name="formal_list"),
    path("evaluation/formal/bulk/", views.formal_bulk, name="formal_bulk"),
    path("evaluation/formal/<id:pk>/", views.formal_review, name="formal_review"),
    path("evaluation/panel/", views.panel, name="panel"),
    path("evaluation/panel/<id:pk>/", views.panel_member, name="panel_member"),
    path("evaluation/panel/<id:pk>/remove/", views.panel_remove, name="panel_remove"),
    path("evaluation/panel/<id:pk>/employment/", views.employment_add, name="employment_add"),
    path(
        "evaluation/panel/<id:pk>/employment/<id:employment_pk>/remove/",
        views.employment_remove,
        name="employment_remove",
    ),
    path("evaluation/rounds/", views.rounds, name="rounds"),
    path("evaluation/rounds/<id:pk>/deadline/", views.round_deadline, name="round_deadline"),
    path("evaluation/assignments/", views.assignments, name="assignments"),
    path("evaluation/assignments/auto/", views.assign_auto, name="assign_auto"),
    path("evaluation/applications/<id:pk>/", views.application, name="application"),
    path("evaluation/applications/<id:pk>/assign/", views.assign_manual, name="assign_manual"),
    path("evaluation/applications/<id:pk>/decision/", views.decide, name="decide"),
    path("evaluation/applications/<id:pk>/confirm/", views.confirm, name="confirm"),
    path("evaluation/applications/<id:pk>/national/", views.national, name="national"),
    path("evaluation/sheets/<id:sheet_pk>/remove/", views.unassign, name="unassign"),
    path("evaluation/ranking/", views.ranking, name="ranking"),
    path("evaluation/candidates/", views.candidates, name="candidates"),
    # Experts (专家评审)
    path("expert/", views.expert_home, name="expert_home"),
    path("expert/sheets/<id:pk>/", views.expert_sheet, name="expert_sheet"),
    path("expert/sheets/<id:pk>/conflict/", views.expert_conflict, name="expert_conflict"),
    # Guiding units (指导单位)
    path("guiding/", views.guiding_home, name="guiding_home"),
    path("guiding/<id:pk>/", views.guiding_candidate, name="guiding_candidate"),
    # Applicants and the video
    path("results/mine/", views.outcomes, name="outcomes"),
    path("results/mine/<id:pk>/video/", views.video_upload, name="video_upload"),
    path("evaluation/applications/<id:pk>/video/", views.video_download, name="video"),
    path("evaluation/applications/<id:pk>/video/stream/", views.video_stream, name="video_stream"),
]
