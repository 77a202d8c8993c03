from django.urls import path

from xinban.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.home, name="home"),
    path("template.xlsx", views.template, name="template"),
    path("<id:pk>/", views.batch, name="batch"),
    path("<id:pk>/commit/", views.commit, name="commit"),
]
