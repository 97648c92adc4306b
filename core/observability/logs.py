"""Log configuration: readable lines in development, JSON lines in production, the request id on every line.

Imports nothing from Django, so gunicorn's master can format its own lines the same way (gunicorn.py).
"""

import contextvars
import logging
from datetime import UTC, datetime

from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.orjson import OrjsonFormatter

NO_REQUEST = "-"
# The id of the request being handled, set by the RequestTelemetryMiddleware; NO_REQUEST outside requests.
request_id = contextvars.ContextVar("request_id", default=NO_REQUEST)

CONSOLE_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
LOG_FORMATS = ("console", "json")


class RequestIdFilter(logging.Filter):
    """Stamps every record with the id of the request it was logged during.

    Django logs 4xx/5xx answers (`django.request`) after the middleware has finished; those records carry the
    request, which the middleware gave its id.
    """

    def filter(self, record):
        rid = request_id.get()
        if rid is NO_REQUEST:
            rid = getattr(getattr(record, "request", None), "request_id", NO_REQUEST)
        record.request_id = rid
        return True


# Control characters in a message (a decoded path may hold a newline) are written escaped: one record, one line.
CONTROL_ESCAPES = {code: f"\\x{code:02x}" for code in [*range(32), 127]}


class ConsoleFormatter(logging.Formatter):
    """Readable lines for development: time, level, logger, [request id], message (then any traceback)."""

    def __init__(self, fmt=CONSOLE_FORMAT, *args, **kwargs):
        super().__init__(fmt, *args, **kwargs)

    def formatMessage(self, record):
        line = super().formatMessage(record)
        return line if line.isprintable() else line.translate(CONTROL_ESCAPES)


class JsonFormatter(OrjsonFormatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, request_id, then any extra fields."""

    def __init__(self, *args, **kwargs):
        # Django's `request` extra would be written as its repr, which holds the query string.
        kwargs.setdefault("reserved_attrs", [*RESERVED_ATTRS, "request"])
        super().__init__(["levelname", "name", "message"], *args, **kwargs)

    def add_fields(self, log_data, record, message_dict):
        # The library's add_fields with this formatter's fixed names and no renaming: one access line per
        # request passes through here, so it is written for speed.
        log_data["time"] = datetime.fromtimestamp(record.created, tz=UTC)
        log_data["level"] = record.levelname
        log_data["logger"] = record.name
        log_data["message"] = record.message
        log_data.update(message_dict)
        skip = self._skip_fields
        for key, value in record.__dict__.items():
            if key not in skip and key[0] != "_":
                log_data[key] = value


def make_formatter(log_format):
    return JsonFormatter() if log_format == "json" else ConsoleFormatter()


def logging_config(*, log_format="console", level="WARNING", access_log=True):
    """Django's LOGGING: every record to stdout through one handler, in the chosen format, with the request id.

    `coderr.access` (one line per request, RequestTelemetryMiddleware) logs at INFO whatever the root level is;
    with it on, runserver's own per-request lines are left out so development shows each request once.
    """
    if log_format not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}")
    formatter = {"()": JsonFormatter if log_format == "json" else ConsoleFormatter}
    loggers = {
        # Without Django's own console handler (it would print DEBUG-mode records a second time); LOG_LEVEL holds.
        "django": {"level": level},
        # Client errors (4xx) are answered, not logged; server errors still are.
        "django.request": {"level": "ERROR"},
        "django.security.DisallowedHost": {"level": "ERROR"},
        "coderr.access": {"level": "INFO" if access_log else "WARNING"},
    }
    if access_log:
        loggers["django.server"] = {"level": "WARNING"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"default": formatter},
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["stdout"], "level": level},
        "loggers": loggers,
    }
