from django.urls import path

from xinban.exports import views

app_name = "exports"
urlpatterns = [
    path("<slug:kind>.xlsx", views.download, name="download"),
    path("unit/<id:unit_pk>/<slug:kind>.xlsx", views.unit_download, name="unit_download"),
    path("tasks/<id:pk>/", views.task, name="task"),
]
