"""One place that turns every error into DRF-shaped JSON without internals."""

import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from core.errors import DomainError
from core.observability.metrics import dependency_failed
from core.storage import StorageUnavailable

logger = logging.getLogger("coderr.errors")

DATABASE_UNAVAILABLE = _("The service is temporarily unavailable. Please try again shortly.")
SERVER_ERROR = _("An unexpected error occurred. It has been logged.")
CONFLICT = _("This change conflicts with existing data.")
PROTECTED = _("This object is still referenced by other records and cannot be deleted.")
REQUEST_TOO_LARGE = _("The request body is too large.")
TOO_MANY_FIELDS = _("The request has too many fields or files.")

# DRF's own details for 401 and 429, named here so that makemessages keeps Coderr's German for them (locale/
# takes precedence over DRF's catalog, whose German for these reads like a machine's: "Erwarte Verfügbarkeit").
DRF_DETAILS_REWORDED = (
    gettext_noop("Authentication credentials were not provided."),
    gettext_noop("Request was throttled."),
    gettext_noop("Expected available in {wait} second."),
    gettext_noop("Expected available in {wait} seconds."),
)


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = DATABASE_UNAVAILABLE
    default_code = "service_unavailable"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = REQUEST_TOO_LARGE
    default_code = "payload_too_large"


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = CONFLICT
    default_code = "conflict"


def is_database_outage(exc):
    """True for errors that mean the database cannot be reached, as opposed to a bad statement."""
    return isinstance(exc, (OperationalError, InterfaceError)) and not isinstance(exc, IntegrityError)


def translate_exception(exc):
    """Map Django and database errors to the DRF exception that words them for the client."""
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, (TooManyFieldsSent, TooManyFilesSent)):
        return exceptions.ParseError(TOO_MANY_FIELDS)
    if isinstance(exc, DjangoValidationError):
        return exceptions.ValidationError(as_serializer_error(exc))
    if isinstance(exc, DomainError):
        if exc.status == status.HTTP_400_BAD_REQUEST:
            return exceptions.ValidationError({exc.field or "non_field_errors": [exc.message]})
        error = exceptions.APIException(exc.message)
        error.status_code = exc.status
        return error
    if isinstance(exc, (ProtectedError, RestrictedError)):
        return Conflict(PROTECTED)
    if isinstance(exc, IntegrityError):
        return Conflict()
    if is_database_outage(exc):
        dependency_failed("database")
        return ServiceUnavailable()
    if isinstance(exc, StorageUnavailable):
        # The upload's transaction has rolled back: the row keeps its previous image.
        logger.warning("Media storage unavailable: %s (%s)", exc, exc.__cause__.__class__.__name__)
        dependency_failed("storage")
        return ServiceUnavailable()
    return exc


def api_exception_handler(exc, context):
    """DRF's handler for API errors; JSON 409/503/500 for everything it does not know."""
    exc = translate_exception(exc)
    response = exception_handler(exc, context)
    if response is None:
        response = unexpected_error(exc, context)
    if isinstance(exc, ServiceUnavailable):
        response["Retry-After"] = "5"
    return response


def unexpected_error(exc, context):
    if isinstance(exc, DatabaseError):
        logger.exception("Database error in %s", context.get("view").__class__.__name__)
    else:
        logger.exception("Unhandled error in %s", context.get("view").__class__.__name__)
    return Response({"detail": SERVER_ERROR}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)
