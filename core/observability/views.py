"""/metrics: the Prometheus text format for whom the operator allows, a 404 like any unknown route otherwise."""

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest

from core.views import NOT_FOUND


def scrape_allowed(request):
    """A bearer token equal to METRICS_TOKEN, or a client address in METRICS_ALLOWED_IPS (the TCP peer's)."""
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, given = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    if settings.METRICS_ALLOWED_IPS:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(entry, strict=False) for entry in settings.METRICS_ALLOWED_IPS)
    return False


def metrics_view(request):
    """Every worker's numbers added up under gunicorn (multiprocess mode), else this process's."""
    if not scrape_allowed(request):
        return JsonResponse({"detail": NOT_FOUND}, status=404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
