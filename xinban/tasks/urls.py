from django.urls import path

from xinban.tasks import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list, name="list"),
    path("<id:pk>/", views.status, name="status"),
    path("<id:pk>/download/", views.download, name="download"),
    path("<id:pk>/retry/", views.retry, name="retry"),
]
