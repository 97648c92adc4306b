"""One middleware for what every request owes the operators: its id, its access line and its metrics."""

import logging
import re
import secrets
import time

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.functional import LazyObject, empty

from core.observability import metrics
from core.observability.logs import request_id

ACCESS_LOGGER = "coderr.access"
ACCESS_LINE = "%s %s %s %.1fms user=%s"
access_logger = logging.getLogger(ACCESS_LOGGER)
INFO = logging.INFO
# What the proxy's X-Request-ID may be: a bounded token of safe characters (UUIDs, hex, base64url and the like).
# Anything else is replaced, so no header can forge log lines or flood them.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


class RequestTelemetryMiddleware:
    """Takes the proxy's X-Request-ID (or makes one) for every log line and the response; then logs and counts.

    First in MIDDLEWARE: its time covers all the others, and their log lines carry the id.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        given = request.META.get("HTTP_X_REQUEST_ID")
        rid = given if given is not None and VALID_REQUEST_ID.fullmatch(given) else secrets.token_hex(16)
        token = request_id.set(rid)
        request.request_id = rid
        try:
            counter = metrics.query_counter(connections[DEFAULT_DB_ALIAS])
            queries_before = counter.count
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            response["X-Request-ID"] = rid
            match = request.resolver_match
            route = match.route if match is not None else metrics.UNMATCHED_ROUTE
            status = response.status_code
            metrics.observe_request(request.method, route, status, seconds, counter.count - queries_before)
            if access_logger.isEnabledFor(INFO):
                log_access(request, status, seconds)
            return response
        finally:
            request_id.reset(token)


def log_access(request, status, seconds):
    """The access line. Built with makeRecord and passed to handle(), which is what logger.info() does after
    looking up the caller's file and line; this line has no use for them, and it is written for every request."""
    method, path, duration_ms, user_id = (
        request.method,
        request.path,
        round(seconds * 1000, 1),
        authenticated_user_id(request),
    )
    access_logger.handle(
        access_logger.makeRecord(
            ACCESS_LOGGER,
            INFO,
            __file__,
            0,
            ACCESS_LINE,
            (method, path, status, duration_ms, user_id),
            None,
            extra={"method": method, "path": path, "status": status, "duration_ms": duration_ms, "user_id": user_id},
        )
    )


def authenticated_user_id(request):
    """The id of the user the request was answered for, or None; never loads a user only to log it."""
    user = request.__dict__.get("user")
    if isinstance(user, LazyObject):
        # AuthenticationMiddleware's lazy session user: read it only if a view already did.
        user = user._wrapped
        if user is empty:
            return None
    return getattr(user, "pk", None)
