"""Cross-cutting endpoints: health check, platform statistics, JSON error pages, media serving."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.static import serve
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from general_app.api.serializers import BaseInfoSerializer
from general_app.api.statistics import platform_statistics
from general_app.authentication import LenientTokenAuthentication
from general_app.exceptions import SERVER_ERROR
from general_app.schema import ERROR_429
from general_app.transactions import outside_request_transaction

NOT_FOUND = "Not found."
BAD_REQUEST = "Bad request."
FORBIDDEN = "You do not have permission to perform this action."


class HealthView(APIView):
    """Liveness and database check for load balancers and `make serve`."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        summary="Liveness and database check",
        responses={
            200: inline_serializer("Health", {"status": serializers.CharField(), "database": serializers.CharField()}),
            503: inline_serializer("Unavailable", {"detail": serializers.CharField()}),
        },
    )
    def get(self, request):
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Response({"status": "ok", "database": "ok"})


# One read-only statement: no request transaction needed.
@outside_request_transaction
class BaseInfoView(APIView):
    """Public platform statistics for the landing page; a stale token is treated as anonymous."""

    authentication_classes = [LenientTokenAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Platform statistics: reviews, average rating, business users, offers",
        responses={200: BaseInfoSerializer, 429: ERROR_429},
        auth=[],
    )
    def get(self, request):
        return Response(platform_statistics())


@outside_request_transaction
class PingView(APIView):
    """Liveness only: no database, no authentication. Also the benchmark's ceiling (P0)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        summary="Liveness (no database)",
        responses={200: inline_serializer("Ping", {"status": serializers.CharField()})},
    )
    def get(self, request):
        return Response({"status": "ok"})


# Changes nothing, so it needs no CSRF protection; with it, a POST/PATCH/DELETE to an unknown route would get
# Django's HTML 403 page (CSRF cookie not set) instead of the JSON 404.
@csrf_exempt
def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": NOT_FOUND}, status=404)


def page_not_found(request, exception=None):
    return JsonResponse({"detail": NOT_FOUND}, status=404)


def bad_request(request, exception=None):
    return JsonResponse({"detail": BAD_REQUEST}, status=400)


def permission_denied(request, exception=None):
    return JsonResponse({"detail": FORBIDDEN}, status=403)


def server_error(request):
    return JsonResponse({"detail": SERVER_ERROR}, status=500)


def serve_media(request, path):
    """Serves uploads in development; MEDIA_ROOT is read per request so tests can point it elsewhere."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
