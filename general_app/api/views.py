"""Platform-wide endpoints: liveness, health, platform statistics."""

from django.db import connection
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.authentication import LenientTokenAuthentication
from core.api.schema import ERROR_429
from general_app.api.serializers import BaseInfoSerializer
from general_app.api.statistics import platform_statistics


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
