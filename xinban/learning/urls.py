from django.urls import path

from xinban.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("manage/", views.manage, name="manage"),
    path("<id:pk>/", views.course, name="course"),
    path("<id:pk>/enrol/", views.enrol, name="enrol"),
    path("<id:pk>/lessons/<id:lesson_pk>/done/", views.complete, name="complete"),
    path("<id:pk>/lessons/<id:lesson_pk>/file/", views.lesson_file, name="lesson_file"),
    path("<id:pk>/edit/", views.course_edit, name="course_edit"),
    path("<id:pk>/publish/", views.publish, name="publish"),
    path("<id:pk>/lessons/", views.lesson_add, name="lesson_add"),
    path("<id:pk>/lessons/<id:lesson_pk>/edit/", views.lesson_edit, name="lesson_edit"),
    path("<id:pk>/lessons/<id:lesson_pk>/remove/", views.lesson_remove, name="lesson_remove"),
    path(
        "<id:pk>/lessons/<id:lesson_pk>/<str:direction>/",
        views.lesson_move,
        name="lesson_move",
    ),
]
