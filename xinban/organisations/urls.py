from django.urls import path

from xinban.organisations import views

app_name = "organisations"
urlpatterns = [
    path("new/", views.create, name="create"),
    path("registration/", views.registration, name="registration"),
    path("members/", views.members, name="members"),
    path("rename/", views.rename, name="rename"),
    path("registrations/", views.staff_registrations, name="staff_registrations"),
]
