from django.urls import path

from xinban.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.create, name="create"),
    path("all/", views.staff_list, name="staff_list"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/edit/", views.edit, name="edit"),
    path("<id:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "<id:pk>/attachments/<id:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<id:pk>/attachments/<id:attachment_pk>/delete/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("<id:pk>/stamped/", views.stamped_upload, name="stamped_upload"),
    path("<id:pk>/stamped/download/", views.stamped_download, name="stamped_download"),
    path("<id:pk>/form.<str:fmt>", views.generated_form, name="generated_form"),
    path("<id:pk>/submit/", views.submit, name="submit"),
    path("<id:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<id:pk>/revisions/<id:number>/", views.revision, name="revision"),
    path("<id:pk>/team-link/", views.team_link, name="team_link"),
    path("teams/<id:pk>/", views.team, name="team"),
    path("teams/<id:pk>/merge/", views.team_merge, name="team_merge"),
    path("teams/<id:pk>/split/", views.team_split, name="team_split"),
]
