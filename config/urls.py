from django.conf.urls.i18n import i18n_patterns  # noqa: F401  (kept for reference)
from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from xinban.core.converters import IdConverter

register_converter(IdConverter, "id")

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # The admin logs in through the site's own throttled, e-mail-verified login.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:login", query_string=True),
        name="admin_login",
    ),
    path("admin/", admin.site.urls),
    path("accounts/", include("xinban.accounts.urls")),
    path("organisation/", include("xinban.organisations.urls")),
    path("applications/", include("xinban.applications.urls")),
    path("campaigns/", include("xinban.campaigns.urls")),
    path("api/", include("xinban.api.urls")),
    path("uploads/", include("xinban.uploads_resumable.urls")),
    path("", include("xinban.recommendation.urls")),
    path("", include("xinban.evaluation.urls")),
    path("tasks/", include("xinban.tasks.urls")),
    path("notifications/", include("xinban.notifications.urls")),
    path("", include("xinban.publication.urls")),
    path("", include("xinban.integrity.urls")),
    path("events/", include("xinban.events.urls")),
    path("learning/", include("xinban.learning.urls")),
    path("reports/", include("xinban.reports.urls")),
    path("imports/", include("xinban.imports.urls")),
    path("dashboards/", include("xinban.dashboards.urls")),
    path("workbench/", include("xinban.workbench.urls")),
    path("exports/", include("xinban.exports.urls")),
    path("", include("xinban.core.urls")),
]

handler404 = "xinban.core.errors.not_found"
handler403 = "xinban.core.errors.forbidden"
handler500 = "xinban.core.errors.server_error"
handler400 = "xinban.core.errors.bad_request"
