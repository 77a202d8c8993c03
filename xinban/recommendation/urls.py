from django.urls import path

from xinban.recommendation.views import (
    judge_assignment,
    judge_panel,
    judge_sheets,
    recommendation_list,
    unit_inbox,
    unit_lists,
    unit_report,
)

app_name = "recommendation"
urlpatterns = [
    path("unit/", unit_lists.home, name="home"),
    path("unit/all/", unit_lists.staff_units, name="staff_units"),
    path("unit/<id:unit_pk>/", unit_inbox.inbox, name="inbox"),
    path("unit/<id:unit_pk>/applications/<id:pk>/", unit_inbox.application, name="application"),
    path(
        "unit/<id:unit_pk>/applications/<id:pk>/return/",
        unit_inbox.return_application,
        name="return",
    ),
    path("unit/<id:unit_pk>/applications/<id:pk>/on-site/", unit_inbox.on_site, name="on_site"),
    path("unit/<id:unit_pk>/applications/<id:pk>/assign/", judge_assignment.assign, name="assign"),
    path(
        "unit/<id:unit_pk>/applications/<id:pk>/recommend/",
        recommendation_list.recommend,
        name="recommend",
    ),
    path(
        "unit/<id:unit_pk>/sheets/<id:sheet_pk>/remove/", judge_assignment.unassign, name="unassign"
    ),
    path("unit/<id:unit_pk>/assign-evenly/", judge_assignment.spread, name="spread"),
    path("unit/<id:unit_pk>/judges/", judge_panel.judges, name="judges"),
    path(
        "unit/<id:unit_pk>/judges/<id:judge_pk>/remove/",
        judge_panel.judge_remove,
        name="judge_remove",
    ),
    path("unit/<id:unit_pk>/invite/", judge_panel.invite, name="invite"),
    path("unit/<id:unit_pk>/ranking/", recommendation_list.ranking, name="ranking"),
    path("unit/<id:unit_pk>/report/", unit_report.report, name="report"),
    path("unit/<id:unit_pk>/report/scan/", unit_report.report_scan, name="report_scan"),
    path(
        "unit/<id:unit_pk>/report/scan/download/",
        unit_report.report_scan_download,
        name="report_scan_download",
    ),
    path("unit/<id:unit_pk>/report/submit/", unit_report.report_submit, name="report_submit"),
    path("unit/<id:unit_pk>/report/void/", unit_report.report_void, name="report_void"),
    path("unit/<id:unit_pk>/report/quota/", recommendation_list.quota, name="quota"),
    path("unit/<id:unit_pk>/report.<str:fmt>", unit_report.report_download, name="report_download"),
    path(
        "unit/<id:unit_pk>/recommendations/<id:rec_pk>/remove/",
        recommendation_list.unrecommend,
        name="unrecommend",
    ),
    path(
        "unit/<id:unit_pk>/recommendations/<id:rec_pk>/<str:direction>/",
        recommendation_list.move,
        name="move",
    ),
    path("invitations/<str:token>/", judge_panel.accept_invitation, name="accept_invitation"),
    path("judge/", judge_sheets.judge_home, name="judge_home"),
    path("judge/sheets/<id:pk>/", judge_sheets.judge_sheet, name="judge_sheet"),
    path("judge/sheets/<id:pk>/conflict/", judge_sheets.judge_conflict, name="judge_conflict"),
]
