from django.urls import path

from xinban.applications import views

app_name = "applications"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("new/", views.create, name="create"),
    path("all/", views.staff_list, name="staff_list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/attachments/", views.attachment_add, name="attachment_add"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("<int:pk>/stamped/", views.stamped_upload, name="stamped_upload"),
    path("<int:pk>/stamped/download/", views.stamped_download, name="stamped_download"),
    path("<int:pk>/form.<str:fmt>", views.generated_form, name="generated_form"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/revisions/<int:number>/", views.revision, name="revision"),
]
