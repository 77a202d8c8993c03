from django.urls import path

from xinban.uploads_resumable import views

app_name = "uploads_resumable"
urlpatterns = [
    path("", views.start, name="start"),
    path("<uuid:pk>/", views.session, name="session"),
]
