from django.urls import path

from xinban.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("unit/<id:unit_pk>/", views.unit, name="unit"),
    path("unit/<id:unit_pk>/statistics/", views.statistics, name="statistics"),
    path(
        "unit/<id:unit_pk>/statistics.<str:fmt>",
        views.statistics_download,
        name="statistics_download",
    ),
    path("unit/<id:unit_pk>/statistics/scan/", views.statistics_scan, name="statistics_scan"),
    path(
        "unit/<id:unit_pk>/statistics/scan/download/",
        views.statistics_scan_download,
        name="statistics_scan_download",
    ),
    path("unit/<id:unit_pk>/summary/", views.summary, name="summary"),
    path("unit/<id:unit_pk>/summary.docx", views.summary_download, name="summary_download"),
    path("staff/", views.staff, name="staff"),
    path("staff/remind/", views.remind, name="remind"),
    path("staff/rollup/", views.rollup, name="rollup"),
    path("staff/rollup.xlsx", views.rollup_download, name="rollup_download"),
]
