"""GET /api/health/ (readiness: database, cache when configured, media storage) and GET /api/ping/ (liveness)."""

import threading
from unittest import mock

from django.db import OperationalError
from django.test import override_settings
from prometheus_client import REGISTRY

from core.observability.health import StorageProbe
from core.testing import CoderrTestCase
from core.tests.servers import free_port

URL = "/api/health/"
READY = {"status": "ok", "database": "ok", "storage": "ok"}
LOGGED = "WARNING:coderr.health:Readiness: "
INTERNAL_TEXT = "connection to server at 10.0.0.5 failed: password authentication failed"


def failures(dependency):
    return REGISTRY.get_sample_value("coderr_dependency_failures_total", {"dependency": dependency}) or 0


def health_lines(logs):
    """What readiness logged; Django adds an ERROR line for every 5xx answer (django.request)."""
    return [line for line in logs.output if ":coderr.health:" in line]


def not_ready(**parts):
    failing = ", ".join(part for part, state in parts.items() if state == "unavailable")
    return {"detail": f"Not ready: {failing} unavailable.", "status": "unavailable", **parts}


class HealthTests(CoderrTestCase):
    def get_with_failing(self, name, error):
        """The readiness answer while `name` (in core.observability.health) raises `error`, and what was logged."""
        failing = mock.patch(f"core.observability.health.{name}", side_effect=error)
        with failing, self.assertLogs(level="WARNING") as logs:
            return self.anonymous().get(URL), logs

    def assertNotReady(self, response, body):
        self.assertStatus(response, 503)
        self.assertEqual(response.json(), body)
        self.assertEqual(response["Retry-After"], "5")
        self.assertNotIn(INTERNAL_TEXT, response.content.decode())

    def test_every_part_answering_is_a_200_naming_each(self):
        with self.assertNumQueries(1):
            response = self.anonymous().get(URL)

        self.assertStatus(response, 200)
        self.assertEqual(response.json(), READY)

    def test_a_database_that_fails_is_a_503_naming_the_database_without_internals(self):
        before = failures("database")

        response, logs = self.get_with_failing("connection.cursor", OperationalError(INTERNAL_TEXT))

        self.assertNotReady(response, not_ready(database="unavailable", storage="ok"))
        self.assertEqual(health_lines(logs), [f"{LOGGED}database unavailable (OperationalError)"])
        self.assertEqual(failures("database") - before, 1)

    def test_a_storage_that_fails_is_a_503_naming_the_storage(self):
        before = failures("storage")

        response, logs = self.get_with_failing("default_storage.exists", OSError(INTERNAL_TEXT))

        self.assertNotReady(response, not_ready(database="ok", storage="unavailable"))
        self.assertEqual(health_lines(logs), [f"{LOGGED}storage unavailable (OSError)"])
        self.assertEqual(failures("storage") - before, 1)

    @override_settings(HEALTH_CHECK_TIMEOUT=0.2)
    def test_a_storage_that_hangs_is_unavailable_after_the_timeout_and_is_not_asked_again_until_it_answers(self):
        release = threading.Event()
        self.addCleanup(release.set)
        calls = []

        def hanging_exists(name):
            calls.append(name)
            release.wait(10)
            return False

        with (
            mock.patch("core.observability.health.default_storage.exists", side_effect=hanging_exists),
            self.assertLogs(level="WARNING") as logs,
        ):
            first = self.anonymous().get(URL)
            second = self.anonymous().get(URL)
            release.set()
            self.assertTrue(StorageProbe.idle.wait(5))
            third = self.anonymous().get(URL)

        self.assertNotReady(first, not_ready(database="ok", storage="unavailable"))
        self.assertNotReady(second, not_ready(database="ok", storage="unavailable"))
        self.assertEqual(health_lines(logs), [f"{LOGGED}storage unavailable (TimeoutError)"] * 2)
        # The hung probe was not joined by a second one; once it returned, the storage was asked again.
        self.assertEqual(calls, ["health/probe", "health/probe"])
        self.assertStatus(third, 200)
        self.assertEqual(third.json(), READY)

    def test_with_redis_configured_an_unreachable_cache_is_a_503_naming_the_cache(self):
        unreachable = f"redis://127.0.0.1:{free_port()}/0"
        caches = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": unreachable,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }

        with (
            override_settings(REDIS_URL=unreachable, CACHES=caches),
            self.assertLogs(level="WARNING") as logs,
        ):
            response = self.anonymous().get(URL)

        self.assertNotReady(response, not_ready(database="ok", cache="unavailable", storage="ok"))
        self.assertEqual(health_lines(logs), [f"{LOGGED}cache unavailable (ConnectionError)"])

    def test_ping_is_liveness_and_asks_no_dependency(self):
        with (
            mock.patch("core.observability.health.readiness", side_effect=AssertionError("no readiness for ping")),
            self.assertNumQueries(0),
        ):
            response = self.anonymous().get("/api/ping/")

        self.assertStatus(response, 200)
        self.assertEqual(response.json(), {"status": "ok"})
