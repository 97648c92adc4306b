"""Middleware that keeps errors outside DRF's views JSON-shaped."""

import logging

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from core.api.exceptions import DATABASE_UNAVAILABLE, SERVER_ERROR, is_database_outage
from core.observability.metrics import dependency_failed

logger = logging.getLogger("coderr.errors")

REQUEST_TOO_LARGE = _("The request body is too large. The limit is {limit} bytes.")


class JsonErrorMiddleware:
    """Answers exceptions that escape the views (e.g. opening the request transaction) with JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_outage(exception):
            logger.warning("Database unavailable: %s", exception.__class__.__name__)
            dependency_failed("database")
            response = JsonResponse({"detail": DATABASE_UNAVAILABLE}, status=503)
            response["Retry-After"] = "5"
            return response
        if request.path.startswith("/api/"):
            logger.exception("Unhandled error on %s", request.path)
            return JsonResponse({"detail": SERVER_ERROR}, status=500)
        return None


class RequestBodyLimitMiddleware:
    """Refuses bodies declared larger than MAX_REQUEST_BODY_BYTES with 413 before anything reads them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.MAX_REQUEST_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            return JsonResponse({"detail": REQUEST_TOO_LARGE.format(limit=limit)}, status=413)
        return self.get_response(request)
