from django.urls import path

from xinban.integrity import views

app_name = "integrity"
urlpatterns = [
    path("integrity/applications/<id:pk>/similarity/", views.similarity, name="similarity"),
    path(
        "integrity/applications/<id:pk>/similarity/run/",
        views.similarity_run,
        name="similarity_run",
    ),
]
