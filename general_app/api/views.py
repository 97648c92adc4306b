"""Platform-wide endpoints: liveness, readiness, platform statistics."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.authentication import LenientTokenAuthentication
from core.api.schema import errors
from core.observability.health import OK, UNAVAILABLE, readiness
from general_app.api.serializers import BaseInfoSerializer
from general_app.api.statistics import platform_statistics

PART_STATE = "`ok` or `unavailable`."
NOT_READY = _("Not ready: {parts} unavailable.")


def part_states():
    """The readiness answer's fields per part (fresh fields for each schema component)."""
    return {
        "database": serializers.CharField(help_text=PART_STATE),
        "cache": serializers.CharField(required=False, help_text=PART_STATE + " Only with REDIS_URL."),
        "storage": serializers.CharField(help_text=PART_STATE),
    }


class ProbeView(APIView):
    """For load balancers and monitors: no authentication, no throttling."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []


class HealthView(ProbeView):
    """Readiness for load balancers: the database, the cache (when REDIS_URL is set) and the media storage."""

    @extend_schema(
        summary="Readiness: database, cache (when configured), media storage",
        description="200 when every part answers, 503 naming the parts that do not. `/api/ping/` is liveness.",
        responses={
            200: inline_serializer(
                "Health",
                {"status": serializers.CharField(help_text="`ok`."), **part_states()},
            ),
            503: inline_serializer(
                "NotReady",
                {
                    "detail": serializers.CharField(),
                    "status": serializers.CharField(help_text="`unavailable`."),
                    **part_states(),
                },
            ),
        },
    )
    def get(self, request):
        parts = readiness()
        failing = [part for part, state in parts.items() if state != OK]
        if not failing:
            return Response({"status": OK, **parts})
        detail = NOT_READY.format(parts=", ".join(failing))
        response = Response({"detail": detail, "status": UNAVAILABLE, **parts}, status=503)
        response["Retry-After"] = "5"
        return response


class BaseInfoView(APIView):
    """Public platform statistics for the landing page; a stale token is treated as anonymous."""

    authentication_classes = [LenientTokenAuthentication]
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Platform statistics: reviews, average rating, business users, offers",
        responses={200: BaseInfoSerializer, **errors(429)},
        auth=[],
    )
    def get(self, request):
        return Response(platform_statistics())


class PingView(ProbeView):
    """Liveness only: no database, no authentication. Also the benchmark's ceiling (P0)."""

    @extend_schema(
        summary="Liveness (no database)",
        responses={200: inline_serializer("Ping", {"status": serializers.CharField()})},
    )
    def get(self, request):
        return Response({"status": "ok"})
