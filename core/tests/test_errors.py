"""Errors outside the happy path answer JSON in DRF's shapes, never HTML."""

import json

from django.contrib.auth import get_user_model
from django.test import override_settings
from rest_framework.test import APIClient

from core.api.middleware import REQUEST_TOO_LARGE
from core.testing import CoderrTestCase, image_upload
from core.views import NOT_FOUND

User = get_user_model()

REGISTRATION = "/api/registration/"
VALID_REGISTRATION = {
    "username": "newuser",
    "email": "new@example.com",
    "password": "Kx9!vTq2#mPz",
    "repeated_password": "Kx9!vTq2#mPz",
    "type": "customer",
}


class JsonErrorTests(CoderrTestCase):
    def assertJson(self, response, status):
        self.assertEqual(response.status_code, status, response.content[:500])
        self.assertEqual(response["Content-Type"], "application/json")
        return json.loads(response.content)

    def test_unknown_api_routes_are_a_json_404(self):
        client = self.make_customer()
        for method, path in [("get", "/api/nope/"), ("post", "/api/offers/1/nope/"), ("get", "/api/profile/x/")]:
            with self.subTest(path=path):
                self.assertEqual(self.assertJson(getattr(client, method)(path), 404), {"detail": NOT_FOUND})

    def test_unknown_api_routes_are_a_json_404_for_writes_without_a_csrf_cookie(self):
        # The test client skips CSRF checks unless told otherwise; real API clients send no CSRF cookie.
        client = APIClient(enforce_csrf_checks=True)
        client.credentials(HTTP_AUTHORIZATION=f"Token {self.make_customer().token}")
        for method in ("post", "put", "patch", "delete"):
            with self.subTest(method=method):
                response = getattr(client, method)("/api/offers/not-an-id/", {"title": "x"}, format="json")
                self.assertEqual(self.assertJson(response, 404), {"detail": NOT_FOUND})

    def test_unknown_routes_outside_the_api_are_a_json_404_too(self):
        self.assertEqual(self.assertJson(self.anonymous().get("/no-such-page/"), 404), {"detail": NOT_FOUND})

    def test_a_method_the_endpoint_does_not_have_is_a_json_405(self):
        for method, path in [("get", "/api/login/"), ("delete", "/api/registration/"), ("put", "/api/logout/")]:
            with self.subTest(method=method, path=path):
                body = self.assertJson(getattr(self.make_customer(), method)(path), 405)
                self.assertEqual(body, {"detail": f'Method "{method.upper()}" not allowed.'})

    def test_malformed_json_is_a_json_400(self):
        response = self.anonymous().post(REGISTRATION, '{"username": "newuser",', content_type="application/json")
        body = self.assertJson(response, 400)
        self.assertEqual(list(body), ["detail"])
        self.assertTrue(body["detail"].startswith("JSON parse error"), body)
        self.assertFalse(User.objects.filter(username="newuser").exists())

    def test_json_that_is_not_an_object_is_a_400(self):
        response = self.anonymous().post(REGISTRATION, "[1, 2]", content_type="application/json")
        self.assertEqual(list(self.assertJson(response, 400)), ["non_field_errors"])

    def test_a_malformed_multipart_body_is_a_json_400(self):
        response = self.anonymous().post(REGISTRATION, b"garbage", content_type="multipart/form-data")
        self.assertEqual(list(self.assertJson(response, 400)), ["detail"])

    def test_an_unsupported_content_type_is_a_json_415(self):
        response = self.anonymous().post(REGISTRATION, "username=newuser", content_type="text/plain")
        self.assertEqual(self.assertJson(response, 415), {"detail": 'Unsupported media type "text/plain" in request.'})
        self.assertFalse(User.objects.filter(username="newuser").exists())

    @override_settings(MAX_REQUEST_BODY_BYTES=300)
    def test_a_body_over_the_request_limit_is_a_json_413_and_changes_nothing(self):
        body = json.dumps({**VALID_REGISTRATION, "padding": "x" * 300})
        self.assertGreater(len(body), 300)
        response = self.anonymous().post(REGISTRATION, body, content_type="application/json")
        self.assertEqual(self.assertJson(response, 413), {"detail": REQUEST_TOO_LARGE.format(limit=300)})
        self.assertFalse(User.objects.filter(username="newuser").exists())

    @override_settings(MAX_REQUEST_BODY_BYTES=300)
    def test_a_body_within_the_request_limit_goes_through(self):
        body = json.dumps(VALID_REGISTRATION)
        self.assertLess(len(body), 300)
        self.assertJson(self.anonymous().post(REGISTRATION, body, content_type="application/json"), 201)

    @override_settings(MAX_REQUEST_BODY_BYTES=1000)
    def test_an_upload_over_the_request_limit_is_413_before_authentication(self):
        for client in (self.anonymous(), self.make_customer()):
            with self.subTest(authenticated=hasattr(client, "user")):
                response = client.patch(
                    "/api/profile/1/", {"file": image_upload(content=b"\0" * 2000)}, format="multipart"
                )
                self.assertEqual(self.assertJson(response, 413), {"detail": REQUEST_TOO_LARGE.format(limit=1000)})

    @override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=500)
    def test_a_body_over_the_in_memory_limit_is_a_json_413(self):
        body = json.dumps({**VALID_REGISTRATION, "padding": "x" * 1000})
        response = self.anonymous().post(REGISTRATION, body, content_type="application/json")
        self.assertEqual(list(self.assertJson(response, 413)), ["detail"])
