"""Faults answer JSON without internals: unexpected errors and a database that is down, in-process and in gunicorn."""

import shutil
import socket
import sys
import tempfile
import time
from unittest import mock, skipUnless

from django.db import OperationalError
from django.test import SimpleTestCase

from core.api.exceptions import DATABASE_UNAVAILABLE, SERVER_ERROR
from core.testing import TEST_PASSWORD, CoderrTestCase
from core.tests.servers import (
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
# Readiness (/api/health/) of the servers here: no REDIS_URL, media on the local file system.
READY = {"status": "ok", "database": "ok", "storage": "ok"}
DATABASE_NOT_READY = {
    "detail": "Not ready: database unavailable.",
    "status": "unavailable",
    "database": "unavailable",
    "storage": "ok",
}


class InProcessFaultTests(CoderrTestCase):
    """Unexpected errors and database outages, raised on purpose where views and middleware meet them.

    The expected error logs are captured with assertLogs, which also proves the operators get them. Malformed
    bodies (400), unsupported content types (415) and oversized bodies (413) are covered in test_errors.py.
    """

    def setUp(self):
        super().setUp()
        self.client.raise_request_exception = False

    def assertJsonBody(self, response, expected_status, expected_body):
        self.assertStatus(response, expected_status)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response.json(), expected_body)
        self.assertNotIn(b"Traceback", response.content)
        self.assertNotIn(SECRET_TEXT.encode(), response.content)

    def assertUnavailable(self, response):
        """The JSON 503 of a database outage, with Retry-After."""
        self.assertJsonBody(response, 503, {"detail": DATABASE_UNAVAILABLE})
        self.assertEqual(response["Retry-After"], "5")

    def test_an_unexpected_error_in_a_view_is_a_json_500_without_its_text(self):
        user = self.make_user("customer")

        with (
            mock.patch("auth_app.api.views.token_issue", side_effect=RuntimeError(SECRET_TEXT)),
            self.assertLogs(level="ERROR") as logs,
        ):
            response = self.client.post("/api/login/", {"username": user.username, "password": TEST_PASSWORD})

        self.assertJsonBody(response, 500, {"detail": SERVER_ERROR})
        # The operators get the details the client does not.
        self.assertIn(SECRET_TEXT, "\n".join(logs.output))

    def test_an_unexpected_error_outside_the_api_views_is_a_json_500_without_its_text(self):
        # The API's 404 is a plain Django view: its errors reach JsonErrorMiddleware, not DRF's handler.
        with (
            mock.patch("core.views.JsonResponse", side_effect=RuntimeError(SECRET_TEXT)),
            self.assertLogs(level="ERROR"),
        ):
            response = self.client.get("/api/no-such-route/")

        self.assertJsonBody(response, 500, {"detail": SERVER_ERROR})

    def test_a_database_outage_in_a_view_is_a_json_503_with_retry_after(self):
        user = self.make_user("customer")

        with (
            mock.patch("auth_app.api.views.token_issue", side_effect=OperationalError(SECRET_TEXT)),
            self.assertLogs(level="WARNING"),
        ):
            response = self.client.post("/api/login/", {"username": user.username, "password": TEST_PASSWORD})

        self.assertUnavailable(response)

    def test_a_database_outage_during_token_authentication_is_a_503_not_a_401(self):
        client = self.make_customer()
        client.raise_request_exception = False

        with (
            mock.patch(
                "core.api.authentication.TOKENS_WITH_USERS.rows",
                side_effect=OperationalError(SECRET_TEXT),
            ),
            self.assertLogs(level="WARNING"),
        ):
            response = client.get(f"/api/profile/{client.user.pk}/")

        self.assertUnavailable(response)

    def test_a_database_outage_outside_the_api_views_is_a_json_503_with_retry_after(self):
        with (
            mock.patch("core.views.JsonResponse", side_effect=OperationalError(SECRET_TEXT)),
            self.assertLogs(level="WARNING"),
        ):
            response = self.client.get("/api/no-such-route/")

        self.assertUnavailable(response)


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
        """A quick JSON 503 with Retry-After; returns the figure to print."""
        figure = f"{label}: {reply.status} in {reply.seconds * 1000:.0f} ms"
        self.assertEqual(reply.status, 503, f"{figure}: {reply.body!r}")
        self.assertEqual(reply.headers["Content-Type"], "application/json")
        self.assertEqual(reply.json(), {"detail": DATABASE_UNAVAILABLE})
        self.assertEqual(reply.headers["Retry-After"], "5")
        self.assertLess(reply.seconds, MAX_FAULT_SECONDS, figure)
        return figure

    def assertNotReady(self, reply, label):
        """Readiness answers a quick 503 naming the database and nothing else; returns the figure to print."""
        figure = f"{label}: {reply.status} {reply.body.decode()} in {reply.seconds * 1000:.0f} ms"
        self.assertEqual(reply.status, 503, figure)
        self.assertEqual(reply.headers["Content-Type"], "application/json")
        self.assertEqual(reply.json(), DATABASE_NOT_READY)
        self.assertEqual(reply.headers["Retry-After"], "5")
        self.assertLess(reply.seconds, MAX_FAULT_SECONDS, figure)
        return figure

    def assertAnswersUnavailable(self, server, user_id, token):
        """Health, an authenticated endpoint and login all answer 503 (a token is not reported invalid)."""
        return [
            self.assertNotReady(server.request("GET", "/api/health/"), "GET /api/health/"),
            self.assertUnavailable(
                server.request("GET", f"/api/profile/{user_id}/", headers={"Authorization": f"Token {token}"}),
                "GET /api/profile/{id}/ with a token",
            ),
            self.assertUnavailable(
                server.request("POST", "/api/login/", {"username": "kevin", "password": "asdasd24"}),
                "POST /api/login/",
            ),
        ]


def report(*figures):
    print("", *(f"  {figure}" for figure in figures), sep="\n", file=sys.stderr)


class UnreachableDatabaseTests(ServerFaultMixin, SimpleTestCase):
    def test_requests_answer_json_503_quickly_when_postgresql_is_unreachable(self):
        server = self.start_server(f"postgres://postgres@127.0.0.1:{free_port()}/coderr")

        figures = self.assertAnswersUnavailable(server, 1, SOME_TOKEN)

        report(*figures)
        # Liveness needs no database.
        self.assertEqual(server.request("GET", "/api/ping/").status, 200)
        self.assertNotIn("Traceback", server.log())


class SilentDatabaseTests(ServerFaultMixin, SimpleTestCase):
    def test_requests_answer_json_503_within_the_connect_timeout_when_postgresql_does_not_answer(self):
        # A listener that never accepts: connections open, and then nothing comes back, like a hung server.
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(16)
            server = self.start_server(f"postgres://postgres@127.0.0.1:{silent.getsockname()[1]}/coderr")

            figure = self.assertNotReady(server.request("GET", "/api/health/"), "GET /api/health/ (silent database)")

        report(figure)
        self.assertNotIn("Traceback", server.log())


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
        token, user_id = registration.json()["token"], registration.json()["user_id"]
        self.assertEqual(self.server.request("GET", "/api/health/").json(), READY)

        self.proxy.stop()
        figures = self.assertAnswersUnavailable(self.server, user_id, token)
        self.proxy.start()
        recovery_seconds = self.wait_until_healthy()

        report(*figures, f"recovered {recovery_seconds * 1000:.0f} ms after the database returned")
        # The outage logged nobody out: the same token works again.
        profile = self.server.request("GET", f"/api/profile/{user_id}/", headers={"Authorization": f"Token {token}"})
        self.assertEqual(profile.status, 200, profile.body)
        self.assertEqual(profile.json()["username"], "outage")
        self.assertNotIn("Traceback", self.server.log())
