from django.urls import path

from xinban.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("_minimal/", views.minimal, name="minimal"),
    path("audit/", views.audit_log, name="audit_log"),
    path("dev/mail/", views.dev_mailbox, name="dev_mailbox"),
    path("dev/mail/<str:name>/", views.dev_mail_detail, name="dev_mail"),
]
