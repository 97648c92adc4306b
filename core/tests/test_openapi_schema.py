"""The OpenAPI schema (/api/schema/) and Swagger UI (/api/docs/): complete, free of warnings, valid, truthful.

That real answers match the schema is checked by the journeys (core/tests/journeys), which validate
every response they receive, and by AnswersBesideTheJourneysTests below for the operations and errors no page
runs into; together they answer every documented operation. SchemaValidatorTests shows that the validator
finds the drift it is there to find.
"""

import contextlib
import io
import re
import tempfile

import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import path
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import extend_schema
from drf_spectacular.validation import validate_schema
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from core.testing import CoderrTestCase, api_routes, make_offer, package_of
from core.tests.journeys.frontend import ListOf, Text
from core.tests.journeys.pages import ERROR, ORDER, REVIEW, JourneyTestCase, offer_list_query
from core.tests.schema_validation import (
    SchemaMismatch,
    openapi_document,
    to_json_schema,
    validate_json_request,
    validate_response,
)
from core.views import api_not_found
from offer_app.api.filters import CREATOR_ID_INVALID
from reviews_app.api.serializers import RATING_OUT_OF_RANGE

JSON = "application/json"
MULTIPART = "multipart/form-data"

# Every operation with the statuses it documents: the answers it can give, errors included.
DOCUMENTED_STATUSES = {
    ("POST", "/api/registration/"): {201, 400, 415, 429},
    ("POST", "/api/login/"): {200, 400, 415, 429},
    ("POST", "/api/logout/"): {204, 401, 429},
    ("POST", "/api/logout/all/"): {204, 401, 429},
    ("GET", "/api/profile/{user_id}/"): {200, 401, 404, 429},
    ("PATCH", "/api/profile/{user_id}/"): {200, 400, 401, 403, 404, 415, 429},
    ("GET", "/api/profiles/business/"): {200, 401, 429},
    ("GET", "/api/profiles/customer/"): {200, 401, 429},
    ("GET", "/api/offers/"): {200, 400, 404, 429},
    ("POST", "/api/offers/"): {201, 400, 401, 403, 415, 429},
    ("GET", "/api/offers/{id}/"): {200, 404, 429},
    ("PATCH", "/api/offers/{id}/"): {200, 400, 401, 403, 404, 415, 429},
    ("DELETE", "/api/offers/{id}/"): {204, 401, 403, 404, 429},
    ("GET", "/api/offerdetails/{id}/"): {200, 404, 429},
    ("GET", "/api/orders/"): {200, 401, 429},
    ("POST", "/api/orders/"): {201, 400, 401, 403, 404, 415, 429},
    ("GET", "/api/orders/{id}/"): {200, 401, 404, 429},
    ("PATCH", "/api/orders/{id}/"): {200, 400, 401, 403, 404, 415, 429},
    ("DELETE", "/api/orders/{id}/"): {204, 401, 403, 404, 429},
    ("GET", "/api/order-count/{business_user_id}/"): {200, 401, 404, 429},
    ("GET", "/api/completed-order-count/{business_user_id}/"): {200, 401, 404, 429},
    ("GET", "/api/reviews/"): {200, 400, 401, 429},
    ("POST", "/api/reviews/"): {201, 400, 401, 403, 415, 429},
    ("GET", "/api/reviews/{id}/"): {200, 401, 404, 429},
    ("PATCH", "/api/reviews/{id}/"): {200, 400, 401, 403, 404, 415, 429},
    ("DELETE", "/api/reviews/{id}/"): {204, 401, 403, 404, 429},
    ("GET", "/api/base-info/"): {200, 429},
    ("GET", "/api/health/"): {200, 503},
    ("GET", "/api/ping/"): {200},
}
# Reads that accept a token but treat a stale one as none; operations that need no token at all.
OPTIONAL_TOKEN = {("GET", "/api/offers/"), ("GET", "/api/offers/{id}/"), ("GET", "/api/offerdetails/{id}/")}
NO_TOKEN = {
    ("POST", "/api/registration/"),
    ("POST", "/api/login/"),
    ("GET", "/api/base-info/"),
    ("GET", "/api/health/"),
    ("GET", "/api/ping/"),
}
BARE_ARRAYS = ["/api/profiles/business/", "/api/profiles/customer/", "/api/orders/", "/api/reviews/"]
# DRF's page-number paginator documents `next` and `previous` as optional, though it always sends them.
# Readiness names the cache only where REDIS_URL configures one.
OPTIONAL_BY_DESIGN = {"Health": {"cache"}}


# A URL conf for the tests that show the checks can fail: one endpoint hidden from the schema, one whose
# answer drf-spectacular cannot work out (a warning).
class HiddenView(APIView):
    @extend_schema(exclude=True)
    def get(self, request):
        return Response({})


class UndocumentedView(APIView):
    def get(self, request):
        return Response({})


urlpatterns = [path("api/hidden/", HiddenView.as_view()), path("api/undocumented/", UndocumentedView.as_view())]


def served_routes(urlconf=None):
    """{path template: methods} of every view under /api/ in the URL conf, without the schema and docs views.

    The JSON 404 catch-all is the only regular-expression route allowed under /api/: a route that cannot be
    turned into a path template could not be compared, so it fails the walk.
    """
    routes = {}
    for api in api_routes(urlconf):
        if api.name in ("schema", "swagger-ui") or api.callback is api_not_found:
            continue
        if not api.is_path:
            raise AssertionError(f"{api.route}: API routes must be path() routes to be checked against the schema")
        routes["/" + re.sub(r"<(?:\w+:)?(\w+)>", path_parameter, api.route)] = set(api.methods)
    return routes


def path_parameter(match):
    # Schema generators document a `pk` in the path as `id` (DRF's SCHEMA_COERCE_PATH_PK setting).
    name = match[1]
    return "{id}" if name == "pk" and api_settings.SCHEMA_COERCE_PATH_PK else f"{{{name}}}"


def documented_routes(document):
    return {route: {method.upper() for method in item} for route, item in document["paths"].items()}


def operations(document):
    for route, item in document["paths"].items():
        for method, operation in item.items():
            yield method.upper(), route, operation


def component(document, schema):
    """The component a `$ref` schema points at (or the schema itself)."""
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def referenced_components(document, schema, found=None):
    """Names of every component a schema uses, directly or through other components."""
    found = set() if found is None else found
    if isinstance(schema, dict):
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            if name not in found:
                found.add(name)
                referenced_components(document, document["components"]["schemas"][name], found)
        for value in schema.values():
            referenced_components(document, value, found)
    elif isinstance(schema, list):
        for value in schema:
            referenced_components(document, value, found)
    return found


def generate(urlconf):
    with GENERATOR_STATS.silence():
        return SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)


def run_spectacular(*options):
    """`manage.py spectacular --validate --fail-on-warn`; returns what it printed on stderr."""
    GENERATOR_STATS.reset()
    printed = io.StringIO()
    with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stderr(printed):
        call_command(
            "spectacular", "--validate", "--fail-on-warn", "--file", f"{folder}/schema.yaml", *options, stderr=printed
        )
    return printed.getvalue()


class SchemaCompletenessTests(CoderrTestCase):
    def test_every_api_route_and_method_is_in_the_schema_and_nothing_else(self):
        documented, routes = documented_routes(openapi_document()), served_routes()
        differences = {
            route: {"documented": documented.get(route), "url conf": routes.get(route)}
            for route in documented.keys() | routes.keys()
            if documented.get(route) != routes.get(route)
        }
        self.assertEqual(differences, {})

    def test_the_route_check_notices_an_endpoint_left_out_of_the_schema(self):
        routes, documented = served_routes(__name__), documented_routes(generate(__name__))
        self.assertEqual(
            {route: routes[route] for route in routes.keys() - documented.keys()}, {"/api/hidden/": {"GET"}}
        )

    def test_the_schema_generates_without_warnings_and_validates_as_openapi_3(self):
        try:
            printed = run_spectacular()
        except CommandError as exc:
            self.fail(f"{exc}: {exc.__cause__ or ''}")
        self.assertNotIn("Warning", printed)

    def test_a_warning_fails_the_schema_check(self):
        with self.assertRaisesMessage(CommandError, "Failing as requested due to warnings"):
            run_spectacular("--urlconf", __name__)

    def test_every_operation_documents_exactly_the_statuses_it_can_answer(self):
        documented = {
            (method, route): {int(status) for status in operation["responses"]}
            for method, route, operation in operations(openapi_document())
        }
        self.assertEqual(documented, DOCUMENTED_STATUSES)


class SchemaTruthTests(CoderrTestCase):
    """The schema says what the API does (the journeys check the same against real answers)."""

    @classmethod
    def setUpTestData(cls):
        cls.document = openapi_document()

    def operation(self, method, route):
        return self.document["paths"][route][method.lower()]

    def request_schema(self, method, route, media_type):
        return component(self.document, self.operation(method, route)["requestBody"]["content"][media_type]["schema"])

    def response_schema(self, method, route, status):
        return self.operation(method, route)["responses"][str(status)]["content"][JSON]["schema"]

    def test_uploads_are_documented_as_binary_files_in_multipart_bodies(self):
        binary = {"type": "string", "format": "binary", "nullable": True}
        cases = [("PATCH", "/api/profile/{user_id}/", "file"), ("POST", "/api/offers/", "image")]
        cases.append(("PATCH", "/api/offers/{id}/", "image"))
        for method, route, name in cases:
            with self.subTest(method=method, route=route):
                properties = self.request_schema(method, route, MULTIPART)["properties"]
                self.assertEqual({key: properties[name][key] for key in binary}, binary)

    def test_offer_packages_in_a_multipart_body_are_one_json_part(self):
        for method, route in (("POST", "/api/offers/"), ("PATCH", "/api/offers/{id}/")):
            with self.subTest(method=method):
                media = self.operation(method, route)["requestBody"]["content"][MULTIPART]
                self.assertEqual(media["encoding"], {"details": {"contentType": JSON}})

    def test_an_offer_edit_needs_only_the_type_of_each_package_it_sends(self):
        details = self.request_schema("PATCH", "/api/offers/{id}/", JSON)["properties"]["details"]
        self.assertEqual(component(self.document, details["items"])["required"], ["offer_type"])
        created = self.request_schema("POST", "/api/offers/", JSON)["properties"]["details"]
        self.assertEqual(
            component(self.document, created["items"])["required"],
            ["delivery_time_in_days", "features", "offer_type", "price", "revisions", "title"],
        )

    def test_deletes_and_logouts_answer_204_without_a_body(self):
        no_content = [(method, route) for (method, route), statuses in DOCUMENTED_STATUSES.items() if 204 in statuses]
        self.assertEqual(len(no_content), 5)
        for method, route in no_content:
            with self.subTest(method=method, route=route):
                self.assertNotIn("content", self.operation(method, route)["responses"]["204"])

    def test_lists_are_bare_arrays_except_the_paginated_offer_list(self):
        for route in BARE_ARRAYS:
            with self.subTest(route=route):
                self.assertEqual(self.response_schema("GET", route, 200)["type"], "array")
        offers = component(self.document, self.response_schema("GET", "/api/offers/", 200))
        self.assertEqual(set(offers["properties"]), {"count", "next", "previous", "results"})
        self.assertEqual(offers["properties"]["results"]["items"], {"$ref": "#/components/schemas/Offer"})

    def test_orderings_are_enumerated(self):
        parameters = {
            route: {
                parameter["name"]: parameter
                for parameter in self.operation("GET", route)["parameters"]
                if parameter["in"] == "query"
            }
            for route in ("/api/offers/", "/api/reviews/")
        }
        self.assertEqual(
            parameters["/api/offers/"]["ordering"]["schema"]["enum"],
            ["-created_at", "-min_price", "-updated_at", "created_at", "min_price", "updated_at"],
        )
        self.assertEqual(
            parameters["/api/reviews/"]["ordering"]["schema"]["items"]["enum"],
            ["-rating", "-updated_at", "rating", "updated_at"],
        )
        self.assertEqual(
            set(parameters["/api/offers/"]),
            {"creator_id", "search", "min_price", "max_price", "max_delivery_time", "ordering", "page", "page_size"},
        )
        self.assertTrue(all(parameter.get("description") for parameter in parameters["/api/offers/"].values()))
        self.assertEqual(set(parameters["/api/reviews/"]), {"business_user_id", "reviewer_id", "ordering"})

    def test_token_auth_is_required_optional_or_absent_as_the_endpoint_treats_it(self):
        schemes = self.document["components"]["securitySchemes"]
        for name in ("tokenAuth", "optionalTokenAuth"):
            self.assertEqual(
                (schemes[name]["type"], schemes[name]["in"], schemes[name]["name"]),
                ("apiKey", "header", "Authorization"),
            )
        for method, route, operation in operations(self.document):
            with self.subTest(method=method, route=route):
                if (method, route) in NO_TOKEN:
                    self.assertIn(operation.get("security", [{}]), ([{}], []))
                elif (method, route) in OPTIONAL_TOKEN:
                    self.assertEqual(operation["security"], [{"optionalTokenAuth": []}, {}])
                else:
                    self.assertEqual(operation["security"], [{"tokenAuth": []}])

    def test_every_field_of_a_success_answer_is_documented_as_always_present(self):
        used = set()
        for _, _, operation in operations(self.document):
            for status, response in operation["responses"].items():
                if status.startswith("2") and "content" in response:
                    used |= referenced_components(self.document, response["content"][JSON]["schema"])
        for name in sorted(used):
            schema = self.document["components"]["schemas"][name]
            if "properties" not in schema:
                continue
            with self.subTest(component=name):
                optional = set(schema["properties"]) - set(schema.get("required", []))
                self.assertEqual(optional, OPTIONAL_BY_DESIGN.get(name, set()))


class SchemaServingTests(CoderrTestCase):
    def test_the_schema_endpoint_serves_a_valid_openapi_3_document_as_yaml_and_json(self):
        as_yaml = self.client.get("/api/schema/")
        as_json = self.client.get("/api/schema/?format=json")
        self.assertStatus(as_yaml, 200)
        self.assertStatus(as_json, 200)
        self.assertTrue(as_yaml["Content-Type"].startswith("application/vnd.oai.openapi"), as_yaml["Content-Type"])
        self.assertTrue(as_json["Content-Type"].startswith("application/vnd.oai.openapi+json"), as_json["Content-Type"])
        document = yaml.safe_load(as_yaml.content)
        self.assertEqual(document["openapi"][:4], "3.0.")
        validate_schema(document)
        self.assertEqual(document, as_json.json())
        self.assertEqual(document, openapi_document())

    def test_swagger_ui_loads_its_own_assets_and_the_schema(self):
        response = self.client.get("/api/docs/")
        self.assertStatus(response, 200)
        self.assertTrue(response["Content-Type"].startswith("text/html"), response["Content-Type"])
        html = response.content.decode()
        assets = re.findall(r'(?:href|src)="/static/([^"]+)"', html)
        self.assertTrue(
            {"swagger-ui.css", "swagger-ui-bundle.js", "swagger-ui-standalone-preset.js"}
            <= {asset.rsplit("/", 1)[-1] for asset in assets},
            assets,
        )
        for asset in assets:
            with self.subTest(asset=asset):
                self.assertIsNotNone(finders.find(asset), "collectstatic would not find it")
        # The split view serves the start script as a file of its own (/api/docs/?script=), for the docs' CSP.
        self.assertIn('<script src="/api/docs/?script="></script>', html)
        script = self.client.get("/api/docs/?script=")
        self.assertStatus(script, 200)
        self.assertIn('url: "/api/schema/"', script.content.decode())
        self.assertNotIn("cdn.", html + script.content.decode())


class AnswersBesideTheJourneysTests(JourneyTestCase):
    """Operations and errors no page of the frontend runs into, validated like the journeys' answers, so that
    every documented operation is checked against a real answer."""

    def setUp(self):
        super().setUp()
        self.seller = self.make_user("business")
        self.package = package_of(make_offer(self.seller))
        self.customer = self.logged_in(self.make_user("customer"))

    def logged_in(self, user):
        tab = self.frontend()
        tab.remember(self.client_for(user).token, user.pk)
        return tab

    def test_the_additions_answer_as_documented(self):
        order = self.customer.order(self.package.pk)
        self.customer.get(f"/api/orders/{order['id']}/", ORDER | {"id": order["id"]})
        review = self.customer.review(self.seller.pk, 4, "Quick and friendly.")
        self.customer.get(f"/api/reviews/{review['id']}/", REVIEW | {"id": review["id"]})
        self.logged_in(self.make_user("", is_staff=True)).delete(f"/api/orders/{order['id']}/")
        anonymous = self.frontend()
        anonymous.get("/api/health/", {"status": "ok", "database": "ok", "storage": "ok"})
        anonymous.get("/api/ping/", {"status": "ok"})

    def test_error_answers_have_their_documented_shapes(self):
        seller = self.logged_in(self.seller)
        anonymous = self.frontend()
        order = self.customer.order(self.package.pk)
        field_error = {"rating": [RATING_OUT_OF_RANGE]}
        one_message = ListOf(Text(), length=1)
        anonymous.get("/api/orders/", ERROR, status=401)
        anonymous.get(offer_list_query(creator_id="abc"), {"creator_id": [CREATOR_ID_INVALID]}, status=400)
        anonymous.get("/api/offers/999999/", ERROR, status=404)
        seller.post("/api/orders/", {"offer_detail_id": self.package.pk}, ERROR, status=403)
        self.customer.patch(f"/api/orders/{order['id']}/", {"status": "completed"}, ERROR, status=403)
        self.customer.post("/api/reviews/", {"business_user": self.seller.pk, "rating": 9}, field_error, status=400)
        self.customer.get("/api/reviews/?business_user_id=abc", {"business_user_id": one_message}, status=400)
        self.customer.get(f"/api/order-count/{self.customer.user_id}/", ERROR, status=404)
        self.customer.patch(f"/api/profile/{self.seller.pk}/", {"location": "Mars"}, ERROR, status=403)


class SchemaValidatorTests(CoderrTestCase):
    """The validator the journeys use finds the drift it is there to find."""

    BASE_INFO = {"review_count": 1, "average_rating": 4.5, "business_profile_count": 2, "offer_count": 3}
    OFFER = {
        "id": 1,
        "user": 2,
        "title": "Logo",
        "image": None,
        "description": "A logo.",
        "created_at": "2026-02-13T10:00:00Z",
        "updated_at": "2026-02-13T10:00:00.123456Z",
        "details": [{"id": 3, "url": "http://testserver/api/offerdetails/3/"}],
        "min_price": 50.0,
        "min_delivery_time": 7,
        "user_details": {"first_name": "", "last_name": "", "username": "max"},
    }

    def assertMismatch(self, message, *args):
        with self.assertRaises(SchemaMismatch) as caught:
            validate_response(*args)
        self.assertIn(message, str(caught.exception))

    def test_a_documented_answer_passes_and_names_its_operation(self):
        self.assertEqual(validate_response("get", "/api/base-info/", 200, JSON, self.BASE_INFO), "/api/base-info/")
        self.assertEqual(validate_response("get", "/api/offers/1/", 200, JSON, self.OFFER), "/api/offers/{id}/")
        self.assertEqual(validate_response("delete", "/api/offers/1/", 204, None, None), "/api/offers/{id}/")

    def test_an_undocumented_status_method_or_path_fails(self):
        self.assertMismatch("status not documented", "get", "/api/base-info/", 404, JSON, {"detail": "Not found."})
        self.assertMismatch("PUT /api/offers/{id}/ is not documented", "put", "/api/offers/1/", 200, JSON, {})
        self.assertMismatch("no documented path matches", "get", "/api/nowhere/", 200, JSON, {})

    def test_a_success_answer_with_an_unknown_missing_or_mistyped_field_fails(self):
        url = "/api/base-info/"
        self.assertMismatch("'extra' was unexpected", "get", url, 200, JSON, self.BASE_INFO | {"extra": 1})
        self.assertMismatch("'offer_count' is a required property", "get", url, 200, JSON, {"review_count": 1})
        self.assertMismatch("is not of type 'integer'", "get", url, 200, JSON, self.BASE_INFO | {"review_count": 1.0})
        self.assertMismatch("is not of type 'integer'", "get", url, 200, JSON, self.BASE_INFO | {"offer_count": "3"})

    def test_nullable_fields_take_null_and_nothing_else_does(self):
        url = "/api/offers/1/"
        validate_response("get", url, 200, JSON, self.OFFER | {"min_price": None, "min_delivery_time": None})
        self.assertMismatch("None is not of type 'string'", "get", url, 200, JSON, self.OFFER | {"title": None})

    def test_image_urls_must_be_absolute_and_timestamps_iso_8601(self):
        url = "/api/offers/1/"
        self.assertMismatch("is not a 'uri'", "get", url, 200, JSON, self.OFFER | {"image": "/media/a.png"})
        late = self.OFFER | {"updated_at": "2026-02-13 10:00:00"}
        self.assertMismatch("is not a 'date-time'", "get", url, 200, JSON, late)

    def test_error_answers_are_checked_against_their_shape_but_may_name_any_field(self):
        validate_response("post", "/api/offers/", 400, JSON, {"title": ["Enter a title for the offer."]})
        self.assertMismatch("'detail' is a required property", "get", "/api/offers/1/", 404, JSON, {"error": "x"})

    def test_a_body_on_a_bodiless_answer_or_a_wrong_content_type_fails(self):
        self.assertMismatch("documented without a body", "delete", "/api/offers/1/", 204, None, {"detail": "gone"})
        self.assertMismatch("answered text/html", "get", "/api/base-info/", 200, "text/html", self.BASE_INFO)

    def test_json_request_bodies_are_checked_too(self):
        validate_json_request("post", "/api/orders/", {"offer_detail_id": 3})
        with self.assertRaisesMessage(SchemaMismatch, "'offer_detail_id' is a required property"):
            validate_json_request("post", "/api/orders/", {"business_user_id": 5})

    def test_openapi_nullable_and_exclusive_bounds_become_json_schema(self):
        self.assertEqual(
            to_json_schema({"type": "string", "nullable": True}, closed=False), {"type": ["string", "null"]}
        )
        self.assertEqual(
            to_json_schema({"allOf": [{"$ref": "#/components/schemas/X"}], "nullable": True}, closed=False),
            {"anyOf": [{"allOf": [{"$ref": "urn:coderr:openapi:open#/components/schemas/X"}]}, {"type": "null"}]},
        )
        self.assertEqual(
            to_json_schema({"type": "number", "maximum": 10, "exclusiveMaximum": True}, closed=True),
            {"type": "number", "exclusiveMaximum": 10},
        )
        self.assertEqual(
            to_json_schema({"type": "object", "properties": {"a": {"type": "integer"}}}, closed=True),
            {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": False},
        )
