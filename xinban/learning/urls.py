from django.urls import path

from xinban.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<id:pk>/", views.course, name="course"),
    path("<id:pk>/enrol/", views.enrol, name="enrol"),
    path("<id:pk>/lessons/<id:lesson_pk>/done/", views.complete, name="complete"),
    path("<id:pk>/lessons/<id:lesson_pk>/file/", views.lesson_file, name="lesson_file"),
]
