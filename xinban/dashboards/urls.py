from django.urls import path

from xinban.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.staff, name="staff"),
    path("unit/<id:unit_pk>/", views.unit, name="unit"),
]
