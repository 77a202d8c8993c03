from django.urls import path

from xinban.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("_minimal/", views.minimal, name="minimal"),
    path("audit/", views.audit_log, name="audit_log"),
]
