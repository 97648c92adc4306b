"""Reusable OpenAPI pieces: the error shapes every endpoint can answer, and the project's extensions."""

import copy

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from knox.settings import knox_settings
from rest_framework import serializers

DETAIL = inline_serializer("ErrorDetail", {"detail": serializers.CharField()})
# DRF's validation errors: messages keyed by field name; for a list of objects (an offer's `details`) one
# object of messages per item, `{}` for the valid ones.
FIELD_ERRORS = {
    "type": "object",
    "properties": {
        "non_field_errors": {"type": "array", "items": {"type": "string"}},
        "detail": {"type": "string", "description": "Instead of field messages: a body that could not be parsed."},
    },
    "additionalProperties": {
        "type": "array",
        "description": "Messages for the field of this name.",
        "items": {
            "oneOf": [
                {"type": "string"},
                {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            ]
        },
    },
}

ERROR_400 = OpenApiResponse(FIELD_ERRORS, description="Invalid input: `{field: [messages]}` per field.")
ERROR_401 = OpenApiResponse(DETAIL, description="Missing or invalid token.")
ERROR_403 = OpenApiResponse(DETAIL, description="Authenticated, but not allowed.")
ERROR_404 = OpenApiResponse(DETAIL, description="No object with this id.")
ERROR_429 = OpenApiResponse(DETAIL, description="Too many requests; see the Retry-After header.")
ERRORS = {400: ERROR_400, 401: ERROR_401, 403: ERROR_403, 404: ERROR_404, 429: ERROR_429}


def errors(*codes):
    """The shared error responses for these status codes, for `responses={200: X, **errors(401, 429)}`."""
    return {code: ERRORS[code] for code in codes}


class TokenScheme(OpenApiAuthenticationExtension):
    """Documents TokenAuthentication (django-rest-knox's tokens): `Authorization: Token <key>`."""

    target_class = "core.api.authentication.TokenAuthentication"
    name = "tokenAuth"
    description = (
        "`Token <key>`, the key that registration or login answered. Every sign-in has a key of its own. It "
        "ends with `POST /api/logout/` (that key only), `POST /api/logout/all/` (every key of the account), "
        "or after TOKEN_IDLE_DAYS (default 14) days without use; a revoked or expired key gets 401."
    )

    def get_security_definition(self, auto_schema):
        definition = build_bearer_security_scheme_object("Authorization", knox_settings.AUTH_HEADER_PREFIX)
        return {**definition, "description": self.description}


class LenientTokenScheme(TokenScheme):
    """Documents LenientTokenAuthentication: the same header, but a stale token counts as none."""

    target_class = "core.api.authentication.LenientTokenAuthentication"
    name = "optionalTokenAuth"
    description = (
        "Optional `Token <key>`. On public endpoints a stale, revoked, expired or malformed token is ignored "
        "(the request counts as anonymous)."
    )


UNSUPPORTED_MEDIA_TYPE = {
    "description": "The body's Content-Type is missing or none of those documented for this operation.",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorDetail"}}},
}


def document_unsupported_media_type(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation that reads a body may answer 415."""
    for operations in result["paths"].values():
        for operation in operations.values():
            if "requestBody" in operation:
                operation["responses"].setdefault("415", UNSUPPORTED_MEDIA_TYPE)
    return result


ACCEPT_LANGUAGE = {
    "in": "header",
    "name": "Accept-Language",
    "required": False,
    "schema": {"type": "string"},
    "example": "de-DE,de;q=0.9",
    "description": (
        "The language of the messages (errors included): German (`de`) or English (`en`). English when the header "
        "is absent or names neither. Browsers send it on every request."
    ),
}
CONTENT_LANGUAGE = {
    "description": "The language the messages are in (`de` or `en`); responses also carry `Vary: Accept-Language`.",
    "schema": {"type": "string", "enum": ["en", "de"]},
}


def document_languages(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation reads Accept-Language and names its answer's language."""
    for operations in result["paths"].values():
        for operation in operations.values():
            operation.setdefault("parameters", []).append(copy.deepcopy(ACCEPT_LANGUAGE))
            for response in operation["responses"].values():
                response.setdefault("headers", {})["Content-Language"] = copy.deepcopy(CONTENT_LANGUAGE)
    return result


class AnsweredInFullExtension(OpenApiSerializerExtension):
    """Documents every field of the target serializer as present in its answers.

    drf-spectacular marks a writable field with `required=False` as optional in responses too, but a PATCH
    that may leave a field out still answers with all of them. Subclasses name the serializer in
    `target_class`; requests are documented unchanged.
    """

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "response":
            schema["required"] = sorted(schema["properties"])
        return schema
