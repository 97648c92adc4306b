"""Error reports to Sentry, switched on by SENTRY_DSN (core/settings.py calls `init_sentry`).

Nothing personal is sent: no user data or cookies (send_default_pii=False, which also drops the Authorization
header), no request bodies (passwords, images) and no local variables of the failing frames (tokens). Each
event carries the request id as the `request_id` tag, so a report leads to the request's log lines.
"""

import sentry_sdk
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import ignore_logger

from core.observability.logs import NO_REQUEST, request_id


def tag_request_id(event, hint):
    rid = request_id.get()
    if rid != NO_REQUEST:
        event.setdefault("tags", {})["request_id"] = rid
    return event


def init_sentry(*, dsn, environment, release, traces_sample_rate):
    sentry_sdk.init(
        dsn=dsn,
        environment=environment or None,
        release=release or None,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration()],
        send_default_pii=False,
        max_request_body_size="never",
        include_local_variables=False,
        before_send=tag_request_id,
        before_send_transaction=tag_request_id,
    )
    # One access line per request would otherwise become a breadcrumb on every event.
    ignore_logger("coderr.access")
