from django.urls import path

from xinban.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="list"),
    path("new/", views.create, name="create"),
    path("<id:pk>/", views.event_detail, name="detail"),
    path("<id:pk>/signup/", views.signup, name="signup"),
    path("<id:pk>/signup/cancel/", views.signup_cancel, name="signup_cancel"),
    path("<id:pk>/manage/", views.manage, name="manage"),
    path("<id:pk>/publish/", views.publish, name="publish"),
    path("<id:pk>/cancel/", views.cancel, name="cancel"),
    path("<id:pk>/attendees.xlsx", views.attendees_xlsx, name="attendees"),
    path("<id:pk>/checkin/", views.checkin_list, name="checkin_list"),
    path("<id:pk>/checkin/<id:signup_pk>/", views.checkin, name="checkin"),
    path("<id:pk>/presenters/", views.presenter_add, name="presenter_add"),
    path(
        "<id:pk>/presenters/<id:presenter_pk>/<str:direction>/",
        views.presenter_move,
        name="presenter_move",
    ),
    path(
        "<id:pk>/presenters/<id:presenter_pk>/remove/",
        views.presenter_remove,
        name="presenter_remove",
    ),
]
