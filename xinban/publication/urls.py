from django.urls import path

from xinban.publication import views

app_name = "publication"
urlpatterns = [
    path("results/", views.results, name="results"),
    path("cases/", views.cases, name="cases"),
    path("cases/<id:pk>/", views.case_detail, name="case_detail"),
    path("notices/", views.notices, name="notices"),
    path("notices/<id:pk>/", views.notice_detail, name="notice_detail"),
    path(
        "notices/<id:pk>/attachments/<id:attachment>/",
        views.notice_attachment,
        name="notice_attachment",
    ),
    path(
        "notices/forms/<int:year>/form<int:number>.<str:fmt>",
        views.blank_form,
        name="blank_form",
    ),
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path("results/mine/<id:pk>/consent/", views.consent, name="consent"),
    path("results/mine/<id:pk>/certificate.pdf", views.certificate_download, name="certificate"),
    path("publication/", views.staff, name="staff"),
    path("publication/preview.pdf", views.certificate_preview, name="preview"),
    path("publication/<int:year>/publish/", views.publish, name="publish"),
    path("publication/<int:year>/certificates/", views.certificates_batch, name="certificates"),
]
