"""Faults answer JSON: bad requests, unexpected errors and a database that is down, in-process and in gunicorn."""

import shutil
import socket
import sys
import tempfile
import time
from unittest import mock, skipUnless

from django.db import OperationalError
from django.test import SimpleTestCase, override_settings

from general_app.exceptions import DATABASE_UNAVAILABLE, SERVER_ERROR
from general_app.middleware import REQUEST_TOO_LARGE
from general_app.testing import TEST_PASSWORD, CoderrTestCase
from general_app.tests.servers import (
    POSTGRES_PORT,
    GunicornServer,
    TcpProxy,
    create_postgres_database,
    drop_postgres_database,
    free_port,
    manage,
    port_open,
    server_env,
)

SECRET_TEXT = "secret-internal-text"
# A fault must be answered well within what a client waits for; the connect timeout is 3 s.
MAX_FAULT_SECONDS = 5
MAX_RECOVERY_SECONDS = 10
SOME_TOKEN = "0123456789abcdef0123456789abcdef01234567"


class RequestFaultTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.client.raise_request_exception = False

    def assertJsonBody(self, response, expected_status, expected_body):
        self.assertStatus(response, expected_status)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response.json(), expected_body)
        self.assertNotIn(b"Traceback", response.content)

    @override_settings(MAX_REQUEST_BODY_BYTES=64)
    def test_a_body_over_the_limit_is_refused_with_json_413(self):
        response = self.client.post("/api/login/", {"username": "someone", "password": "x" * 64}, format="json")

        self.assertJsonBody(response, 413, {"detail": REQUEST_TOO_LARGE.format(limit=64)})

    @override_settings(MAX_REQUEST_BODY_BYTES=64)
    def test_a_body_within_the_limit_reaches_the_view(self):
        response = self.client.post("/api/login/", {"username": "someone", "password": "x"}, format="json")

        self.assertJsonBody(response, 400, {"non_field_errors": ["Invalid username/email or password."]})

    def test_malformed_json_is_a_json_400(self):
        response = self.client.post("/api/login/", '{"username": "kevin", "password": ', content_type="application/json")

        self.assertStatus(response, 400)
        self.assertEqual(list(response.json()), ["detail"])
        self.assertTrue(response.json()["detail"].startswith("JSON parse error"), response.json())

    def test_a_wrong_content_type_is_a_json_415(self):
        response = self.client.post("/api/login/", "username=kevin&password=asdasd24", content_type="text/plain")

        self.assertJsonBody(response, 415, {"detail": 'Unsupported media type "text/plain" in request.'})

    def test_an_unexpected_error_in_a_view_is_a_json_500_without_its_text(self):
        user = self.make_user("customer")

        with (
            mock.patch("auth_app.api.views.user_token", side_effect=RuntimeError(SECRET_TEXT)),
            self.assertLogs(level="ERROR") as logs,
        ):
            response = self.client.post("/api/login/", {"username": user.username, "password": TEST_PASSWORD})

        self.assertJsonBody(response, 500, {"detail": SERVER_ERROR})
        self.assertNotIn(SECRET_TEXT.encode(), response.content)
        # The operators get the details the client does not.
        self.assertIn(SECRET_TEXT, "\n".join(logs.output))

    def test_an_unexpected_error_outside_the_api_views_is_a_json_500_without_its_text(self):
        with (
            mock.patch("general_app.api.views.JsonResponse", side_effect=RuntimeError(SECRET_TEXT)),
            self.assertLogs(level="ERROR"),
        ):
            response = self.client.get("/api/no-such-route/")

        self.assertJsonBody(response, 500, {"detail": SERVER_ERROR})
        self.assertNotIn(SECRET_TEXT.encode(), response.content)

    def test_a_database_outage_in_a_view_is_a_json_503_with_retry_after(self):
        user = self.make_user("customer")

        with (
            mock.patch("auth_app.api.views.user_token", side_effect=OperationalError(SECRET_TEXT)),
            self.assertLogs(level="WARNING"),
        ):
            response = self.client.post("/api/login/", {"username": user.username, "password": TEST_PASSWORD})

        self.assertJsonBody(response, 503, {"detail": DATABASE_UNAVAILABLE})
        self.assertEqual(response["Retry-After"], "5")

    def test_a_database_outage_during_token_authentication_is_a_503_not_a_401(self):
        client = self.make_customer()

        with (
            mock.patch(
                "rest_framework.authentication.TokenAuthentication.authenticate_credentials",
                side_effect=OperationalError(SECRET_TEXT),
            ),
            self.assertLogs(level="WARNING"),
        ):
            response = client.post("/api/logout/")

        self.assertJsonBody(response, 503, {"detail": DATABASE_UNAVAILABLE})
        self.assertEqual(response["Retry-After"], "5")

    def test_a_database_outage_outside_the_api_views_is_a_json_503_with_retry_after(self):
        with (
            mock.patch("general_app.api.views.JsonResponse", side_effect=OperationalError(SECRET_TEXT)),
            self.assertLogs(level="WARNING"),
        ):
            response = self.client.get("/api/no-such-route/")

        self.assertJsonBody(response, 503, {"detail": DATABASE_UNAVAILABLE})
        self.assertEqual(response["Retry-After"], "5")


class ServerFaultMixin:
    """Helpers for tests that run gunicorn against a database that comes and goes."""

    def make_tmp_dir(self):
        tmp_dir = tempfile.mkdtemp(prefix="coderr-faults-")
        self.addCleanup(shutil.rmtree, tmp_dir, ignore_errors=True)
        return tmp_dir

    def start_server(self, database_url):
        server = GunicornServer(server_env(database_url), self.make_tmp_dir())
        self.addCleanup(server.stop)
        return server.start()

    def assertUnavailable(self, reply, label):
        print(f"\n  {label}: {reply.status} in {reply.seconds * 1000:.0f} ms", end="", file=sys.stderr)
        self.assertEqual(reply.status, 503, reply.body)
        self.assertEqual(reply.headers["Content-Type"], "application/json")
        self.assertEqual(reply.json(), {"detail": DATABASE_UNAVAILABLE})
        self.assertEqual(reply.headers["Retry-After"], "5")
        self.assertLess(reply.seconds, MAX_FAULT_SECONDS)

    def assertAnswersUnavailable(self, server, token):
        self.assertUnavailable(server.request("GET", "/api/health/"), "GET /api/health/")
        self.assertUnavailable(
            server.request("POST", "/api/logout/", headers={"Authorization": f"Token {token}"}),
            "POST /api/logout/ with a token",
        )
        self.assertUnavailable(
            server.request("POST", "/api/login/", {"username": "kevin", "password": "asdasd24"}), "POST /api/login/"
        )


class UnreachableDatabaseTests(ServerFaultMixin, SimpleTestCase):
    def test_requests_answer_json_503_quickly_when_postgresql_is_unreachable(self):
        server = self.start_server(f"postgres://postgres@127.0.0.1:{free_port()}/coderr")

        self.assertAnswersUnavailable(server, SOME_TOKEN)

        self.assertEqual(server.request("GET", "/api/ping/").status, 200)
        self.assertNotIn("Traceback", server.log())


class SilentDatabaseTests(ServerFaultMixin, SimpleTestCase):
    def test_requests_answer_json_503_within_the_connect_timeout_when_postgresql_does_not_answer(self):
        # A listener that never accepts: connections open, and then nothing comes back, like a hung server.
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(16)
            server = self.start_server(f"postgres://postgres@127.0.0.1:{silent.getsockname()[1]}/coderr")

            self.assertUnavailable(server.request("GET", "/api/health/"), "GET /api/health/ (silent database)")

        print(file=sys.stderr)


@skipUnless(port_open(POSTGRES_PORT), "PostgreSQL is not reachable at 127.0.0.1:5432")
class DatabaseRecoveryTests(ServerFaultMixin, SimpleTestCase):
    def setUp(self):
        super().setUp()
        database = create_postgres_database("coderr_faults")
        self.addCleanup(drop_postgres_database, database)
        manage(server_env(f"postgres://postgres@127.0.0.1:{POSTGRES_PORT}/{database}"), "migrate", "--noinput")
        self.proxy = TcpProxy(POSTGRES_PORT).start()
        self.addCleanup(self.proxy.stop)
        self.server = self.start_server(f"postgres://postgres@127.0.0.1:{self.proxy.port}/{database}")

    def wait_until_healthy(self):
        started = time.monotonic()
        while time.monotonic() - started < MAX_RECOVERY_SECONDS:
            reply = self.server.request("GET", "/api/health/")
            if reply.status == 200:
                return time.monotonic() - started
            time.sleep(0.1)
        self.fail(f"/api/health/ did not recover within {MAX_RECOVERY_SECONDS}s: {reply.status} {reply.body!r}")

    def test_the_service_recovers_by_itself_when_the_database_returns(self):
        registration = self.server.request(
            "POST",
            "/api/registration/",
            {
                "username": "outage",
                "email": "outage@example.com",
                "password": TEST_PASSWORD,
                "repeated_password": TEST_PASSWORD,
                "type": "customer",
            },
        )
        self.assertEqual(registration.status, 201, registration.body)
        token = registration.json()["token"]
        self.assertEqual(self.server.request("GET", "/api/health/").json(), {"status": "ok", "database": "ok"})

        self.proxy.stop()
        self.assertAnswersUnavailable(self.server, token)
        self.proxy.start()
        recovery_seconds = self.wait_until_healthy()

        print(f"\n  recovered {recovery_seconds * 1000:.0f} ms after the database returned", file=sys.stderr)
        # The outage did not log anybody out: the token still works.
        logout = self.server.request("POST", "/api/logout/", headers={"Authorization": f"Token {token}"})
        self.assertEqual(logout.status, 204, logout.body)
        self.assertNotIn("Traceback", self.server.log())
