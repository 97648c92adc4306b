"""Throttles that can be switched off as a whole (THROTTLING_ENABLED=False, used by the benchmark)."""

from django.conf import settings
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class SwitchableScopedRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle (per user, else per client address), off when THROTTLING_ENABLED is False."""

    def allow_request(self, request, view):
        if not settings.THROTTLING_ENABLED:
            return True
        return super().allow_request(request, view)


def with_scoped_throttle():
    """The default throttles plus the view's `throttle_scope` (login, registration)."""
    return [*api_settings.DEFAULT_THROTTLE_CLASSES, SwitchableScopedRateThrottle]
