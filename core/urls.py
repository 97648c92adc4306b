"""Root URL configuration: the admin, every app's API, the OpenAPI schema, metrics and media."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.csp import DOCS_POLICY
from core.observability.views import metrics_view
from core.views import api_not_found, serve_media

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("auth_app.api.urls")),
    path("api/", include("profile_app.api.urls")),
    path("api/", include("offer_app.api.urls")),
    path("api/", include("order_app.api.urls")),
    path("api/", include("reviews_app.api.urls")),
    path("api/", include("general_app.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start script as a file (/api/docs/?script), which DOCS_POLICY allows.
    path(
        "api/docs/",
        csp_override(DOCS_POLICY)(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="swagger-ui",
    ),
    # Unknown API routes answer JSON 404 whatever DEBUG says.
    re_path(r"^api/", api_not_found),
    # Prometheus; 404 unless METRICS_TOKEN or METRICS_ALLOWED_IPS lets the caller in.
    path("metrics", metrics_view, name="metrics"),
]

if settings.SERVE_MEDIA:
    urlpatterns.append(re_path(r"^media/(?P<path>.*)$", serve_media, name="media"))

handler400 = "core.views.bad_request"
handler403 = "core.views.permission_denied"
handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
