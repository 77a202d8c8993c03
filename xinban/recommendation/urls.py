from django.urls import path

from xinban.recommendation import views

app_name = "recommendation"
urlpatterns = [
    path("unit/", views.home, name="home"),
    path("unit/all/", views.staff_units, name="staff_units"),
    path("unit/<id:unit_pk>/", views.inbox, name="inbox"),
    path("unit/<id:unit_pk>/applications/<id:pk>/", views.application, name="application"),
    path("unit/<id:unit_pk>/applications/<id:pk>/return/", views.return_application, name="return"),
    path("unit/<id:unit_pk>/applications/<id:pk>/on-site/", views.on_site, name="on_site"),
    path("unit/<id:unit_pk>/applications/<id:pk>/assign/", views.assign, name="assign"),
    path("unit/<id:unit_pk>/applications/<id:pk>/recommend/", views.recommend, name="recommend"),
    path("unit/<id:unit_pk>/sheets/<id:sheet_pk>/remove/", views.unassign, name="unassign"),
    path("unit/<id:unit_pk>/assign-evenly/", views.spread, name="spread"),
    path("unit/<id:unit_pk>/judges/", views.judges, name="judges"),
    path("unit/<id:unit_pk>/judges/<id:judge_pk>/remove/", views.judge_remove, name="judge_remove"),
    path("unit/<id:unit_pk>/invite/", views.invite, name="invite"),
    path("unit/<id:unit_pk>/ranking/", views.ranking, name="ranking"),
    path("unit/<id:unit_pk>/report/", views.report, name="report"),
    path("unit/<id:unit_pk>/report/scan/", views.report_scan, name="report_scan"),
    path(
        "unit/<id:unit_pk>/report/scan/download/",
        views.report_scan_download,
        name="report_scan_download",
    ),
    path("unit/<id:unit_pk>/report/submit/", views.report_submit, name="report_submit"),
    path("unit/<id:unit_pk>/report/void/", views.report_void, name="report_void"),
    path("unit/<id:unit_pk>/report/quota/", views.quota, name="quota"),
    path("unit/<id:unit_pk>/report.<str:fmt>", views.report_download, name="report_download"),
    path(
        "unit/<id:unit_pk>/recommendations/<id:rec_pk>/remove/",
        views.unrecommend,
        name="unrecommend",
    ),
    path(
        "unit/<id:unit_pk>/recommendations/<id:rec_pk>/<str:direction>/",
        views.move,
        name="move",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("judge/", views.judge_home, name="judge_home"),
    path("judge/sheets/<id:pk>/", views.judge_sheet, name="judge_sheet"),
    path("judge/sheets/<id:pk>/conflict/", views.judge_conflict, name="judge_conflict"),
]
