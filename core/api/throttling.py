"""DRF's throttles, failing open when the cache is down, and switchable as a whole (THROTTLING_ENABLED=False).

Every throttle the API uses is one of these (the defaults in settings.REST_FRAMEWORK and the login and
registration scopes), so the outage behaviour is defined once: a request the throttle cannot count is let
through, as if throttling were off, and the outage is logged by core/cache.py.
"""

import ipaddress

from django.conf import settings
from rest_framework import throttling
from rest_framework.settings import api_settings

from core.cache import CacheUnavailable, guarded_cache
from core.observability.metrics import throttle_rejected


class FailOpenThrottleMixin:
    """Counts in the guarded cache; lets the request through when the cache cannot be reached."""

    cache = guarded_cache

    def allow_request(self, request, view):
        try:
            allowed = super().allow_request(request, view)
        except CacheUnavailable:
            return True
        if not allowed:
            throttle_rejected(self.scope)
        return allowed


class AnonRateThrottle(FailOpenThrottleMixin, throttling.AnonRateThrottle):
    """DRF's per-address limit for anonymous callers (THROTTLE_ANON_RATE)."""


class UserRateThrottle(FailOpenThrottleMixin, throttling.UserRateThrottle):
    """DRF's per-user limit for authenticated callers (THROTTLE_USER_RATE)."""


class SwitchableScopedRateThrottle(FailOpenThrottleMixin, throttling.ScopedRateThrottle):
    """DRF's scoped throttle (per user, else per client address), off when THROTTLING_ENABLED is False."""

    def allow_request(self, request, view):
        if not settings.THROTTLING_ENABLED:
            return True
        return super().allow_request(request, view)


def with_scoped_throttle():
    """The default throttles plus the view's `throttle_scope` (login, registration)."""
    return [*api_settings.DEFAULT_THROTTLE_CLASSES, SwitchableScopedRateThrottle]


def client_address(request):
    """The client's address as the throttles count it (REMOTE_ADDR, or X-Forwarded-For behind NUM_PROXIES).

    django-axes reads it too (AXES_CLIENT_IP_CALLABLE), so the admin lockout and the API throttles agree on
    who the client is. A forwarded value that is not an IP address falls back to REMOTE_ADDR: axes stores
    the address in an IP column.
    """
    address = throttling.BaseThrottle().get_ident(request)
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return request.META.get("REMOTE_ADDR")
