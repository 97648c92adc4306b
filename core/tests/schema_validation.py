"""Checks real requests and responses against the OpenAPI schema, so the documentation cannot drift from the API.

drf-spectacular writes OpenAPI 3.0; jsonschema speaks JSON Schema 2020-12. The schemas are converted first:
`nullable: true` becomes a `null` alternative, 3.0's boolean `exclusiveMinimum`/`exclusiveMaximum` become
2020-12's numbers, and every `$ref` points into a registry that holds the converted components.

Success bodies are checked *closed*: a property the schema does not name is an error, so a field added to a
response without the schema knowing fails too. Error bodies stay open, because DRF keys them by field name.
`date-time`, `uri` and `email` formats are checked (an image URL must be absolute), and an integer must be
written as one: JSON Schema would accept `7.0` for an id, the frontend's `===` would not.
"""

import functools
import json
import re
from urllib.parse import urlsplit

from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from jsonschema import Draft202012Validator, FormatChecker, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

COMPONENTS_URI = {True: "urn:coderr:openapi:closed", False: "urn:coderr:openapi:open"}
JSON = "application/json"
# Values, not schemas: the converter leaves them as they are.
DATA_KEYWORDS = {"enum", "required", "example", "examples", "default", "const"}
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time")
def _is_timestamp(value):
    return not isinstance(value, str) or RFC3339.fullmatch(value) is not None


@FORMATS.checks("uri")
def _is_absolute_url(value):
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@FORMATS.checks("email")
def _is_email(value):
    return not isinstance(value, str) or "@" in value


StrictValidator = validators.extend(
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine(
        "integer", lambda checker, value: isinstance(value, int) and not isinstance(value, bool)
    ),
)


class SchemaMismatch(AssertionError):
    """A request or response that the OpenAPI schema does not describe."""


@functools.cache
def openapi_document():
    """The schema as `/api/schema/` serves it, as plain JSON data."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def to_json_schema(node, *, closed):
    """One OpenAPI 3.0 schema as JSON Schema 2020-12; `closed` forbids properties the schema does not name."""
    if isinstance(node, list):
        return [to_json_schema(item, closed=closed) for item in node]
    if not isinstance(node, dict):
        return node
    schema = {}
    for key, value in node.items():
        if key == "$ref":
            schema[key] = COMPONENTS_URI[closed] + value
        elif key == "properties":
            schema[key] = {name: to_json_schema(sub, closed=closed) for name, sub in value.items()}
        elif key in DATA_KEYWORDS or key == "nullable":
            schema[key] = value
        else:
            schema[key] = to_json_schema(value, closed=closed)
    for bound in ("Minimum", "Maximum"):
        if schema.pop(f"exclusive{bound}", False) is True:
            schema[f"exclusive{bound}"] = schema.pop(bound.lower())
    if closed and "properties" in schema and "additionalProperties" not in schema:
        schema["additionalProperties"] = False
    if schema.pop("nullable", False):
        schema = _nullable(schema)
    return schema


def _nullable(schema):
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    if isinstance(schema.get("type"), str):
        return {**schema, "type": [schema["type"], "null"]}
    return {"anyOf": [schema, {"type": "null"}]}


@functools.cache
def _registry():
    registry = Registry()
    for closed, uri in COMPONENTS_URI.items():
        components = openapi_document()["components"]["schemas"]
        converted = {
            "components": {"schemas": {name: to_json_schema(s, closed=closed) for name, s in components.items()}}
        }
        registry = registry.with_resource(uri, Resource.from_contents(converted, default_specification=DRAFT202012))
    return registry


@functools.cache
def _path_templates():
    """(compiled pattern, template) for every documented path, e.g. `/api/offers/{id}/`."""
    templates = []
    for template in openapi_document()["paths"]:
        parts = re.split(r"(\{\w+\})", template)
        pattern = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
        templates.append((re.compile(pattern), template))
    return templates


def find_operation(method, path):
    """The documented path template and operation of a concrete request path (without query string)."""
    for pattern, template in _path_templates():
        if pattern.fullmatch(path):
            operation = openapi_document()["paths"][template].get(method.lower())
            if operation is None:
                raise SchemaMismatch(f"{method.upper()} {template} is not documented (the path is).")
            return template, operation
    raise SchemaMismatch(f"{method.upper()} {path}: no documented path matches.")


def validate_response(method, path, status, content_type, body):
    """Raises SchemaMismatch unless the schema documents this status for the operation and the body fits it.

    `body` is the parsed JSON, or None for an empty body. Returns the operation's path template.
    """
    template, operation = find_operation(method, path)
    where = f"{method.upper()} {template} -> {status}"
    documented = operation["responses"].get(str(status))
    if documented is None:
        raise SchemaMismatch(f"{where}: status not documented (documented: {', '.join(operation['responses'])}).")
    content = documented.get("content")
    if not content:
        if body is not None:
            raise SchemaMismatch(f"{where}: documented without a body, but answered {body!r}.")
        return template
    media_type = (content_type or "").split(";")[0].strip()
    if media_type not in content:
        raise SchemaMismatch(f"{where}: answered {media_type or 'no content type'}, documented {', '.join(content)}.")
    _validate(where, content[media_type]["schema"], body, closed=200 <= status < 300)
    return template


def validate_json_request(method, path, body):
    """Raises SchemaMismatch unless the operation documents a JSON body that `body` fits (left open)."""
    template, operation = find_operation(method, path)
    where = f"{method.upper()} {template} request body"
    content = operation.get("requestBody", {}).get("content", {})
    if JSON not in content:
        raise SchemaMismatch(f"{where}: no JSON body documented.")
    _validate(where, content[JSON]["schema"], body, closed=False)
    return template


def _validate(where, schema, instance, *, closed):
    validator = StrictValidator(to_json_schema(schema, closed=closed), registry=_registry(), format_checker=FORMATS)
    errors = sorted(validator.iter_errors(instance), key=lambda error: list(error.absolute_path))
    if errors:
        lines = [f"  at {'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message}" for error in errors]
        raise SchemaMismatch(f"{where}: the body does not match the schema:\n" + "\n".join(lines))
