"""A cache (Redis) outage degrades the service, never fails it: the throttles let requests through until it is back.

In-process, the cache is replaced by one that fails; under gunicorn, the test starts a Redis of its own, kills it
by its PID while two workers serve requests, and starts it again on the same port.
"""

import pickle
import shutil
import socket
import statistics
import sys
import time
from unittest import mock, skipUnless

import redis
from django.test import override_settings
from prometheus_client import REGISTRY
from rest_framework.settings import api_settings

from auth_app.api.serializers import INVALID_CREDENTIALS
from core.cache import breaker
from core.testing import TEST_PASSWORD, CoderrTestCase
from core.tests.servers import RedisServer, ServerTestCase, manage, server_env

WRONG_LOGIN = {"username": "nobody", "password": "guess"}
# Refused before the password hasher runs (which takes a few hundred ms on purpose), after the throttles.
CHEAP_LOGIN = {"username": "", "password": "guess"}
CACHE_NOT_READY = {
    "detail": "Not ready: cache unavailable.",
    "status": "unavailable",
    "database": "ok",
    "cache": "unavailable",
    "storage": "ok",
}
# An anonymous login passes three throttles: DRF's anonymous and user ones (per address) and the login scope.
THROTTLES_PER_LOGIN = 3
THROTTLED = r"^Request was throttled\. Expected available in \d+ seconds?\.$"


def cache_failures():
    return REGISTRY.get_sample_value("coderr_dependency_failures_total", {"dependency": "cache"}) or 0


def login_rejections():
    return REGISTRY.get_sample_value("coderr_throttle_rejections_total", {"scope": "login"}) or 0


class FailingCache:
    """Stands in for Django's cache: every call raises what redis-py raises when Redis is down, until `heal()`."""

    def __init__(self):
        self.calls = 0
        self.healthy = False
        self.store = {}

    def heal(self):
        self.healthy = True

    def get(self, key, default=None):
        self.calls += 1
        if not self.healthy:
            raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        return self.store.get(key, default)

    def set(self, key, value, timeout=None):
        self.calls += 1
        if not self.healthy:
            raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        self.store[key] = value


@override_settings(CACHE_FAILURE_BACKOFF=5.0)
class FailOpenThrottleTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        breaker.reset()
        self.addCleanup(breaker.reset)
        self.cache = FailingCache()
        patcher = mock.patch("core.cache.cache", self.cache)
        patcher.start()
        self.addCleanup(patcher.stop)
        # Two logins a minute per client address, so that the third would be refused if anything counted it.
        rates = mock.patch.dict(api_settings.DEFAULT_THROTTLE_RATES, {"login": "2/min"})
        rates.start()
        self.addCleanup(rates.stop)

    def login_statuses(self, attempts):
        return [self.client.post("/api/login/", WRONG_LOGIN).status_code for _ in range(attempts)]

    def test_with_the_cache_down_every_login_is_answered_as_if_nothing_throttled(self):
        failures_before = cache_failures()

        with self.assertLogs("coderr.cache", "WARNING") as logs:
            responses = [self.client.post("/api/login/", WRONG_LOGIN) for _ in range(5)]

        self.assertEqual([response.status_code for response in responses], [400] * 5)
        self.assertEqual(responses[-1].json(), {"non_field_errors": [INVALID_CREDENTIALS]})
        # One call failed; the back-off skipped the cache for every later throttle check.
        self.assertEqual(self.cache.calls, 1)
        self.assertEqual(cache_failures() - failures_before, 1)
        self.assertEqual(
            logs.output,
            [
                "WARNING:coderr.cache:Cache unavailable (ConnectionError): throttles let requests through, "
                "cached results are computed afresh; retrying every 5.0s"
            ],
        )

    @override_settings(CACHE_FAILURE_BACKOFF=0.0)
    def test_an_outage_is_logged_once_however_many_calls_fail(self):
        with self.assertLogs("coderr.cache", "WARNING") as logs:
            statuses = self.login_statuses(5)

        self.assertEqual(statuses, [400] * 5)
        # Without a back-off every throttle check tries the cache.
        self.assertEqual(self.cache.calls, 5 * THROTTLES_PER_LOGIN)
        self.assertEqual(len(logs.output), 1, logs.output)

    @override_settings(CACHE_FAILURE_BACKOFF=0.0)
    def test_the_throttles_count_again_once_the_cache_answers(self):
        with self.assertLogs("coderr.cache", "WARNING"):
            self.assertEqual(self.login_statuses(3), [400] * 3)
        self.cache.heal()
        rejections_before = login_rejections()

        with self.assertLogs("coderr.cache", "WARNING") as logs:
            responses = [self.client.post("/api/login/", WRONG_LOGIN) for _ in range(3)]

        self.assertEqual([response.status_code for response in responses], [400, 400, 429])
        self.assertEqual(list(responses[-1].json()), ["detail"])
        self.assertRegex(responses[-1].json()["detail"], THROTTLED)
        self.assertEqual(login_rejections() - rejections_before, 1)
        self.assertEqual(len(logs.output), 1, logs.output)
        self.assertRegex(
            logs.output[0], r"^WARNING:coderr\.cache:Cache available again after \d+\.\ds \(9 failed calls\)$"
        )

    def test_while_the_back_off_lasts_the_cache_is_not_asked(self):
        with self.assertLogs("coderr.cache", "WARNING"):
            self.login_statuses(1)
        self.cache.heal()

        self.assertEqual(self.login_statuses(3), [400] * 3)
        self.assertEqual(self.cache.calls, 1)

        breaker.skip_until = 0.0  # the back-off is over
        with self.assertLogs("coderr.cache", "WARNING") as logs:
            self.assertEqual(self.login_statuses(3), [400, 400, 429])
        self.assertEqual(len(logs.output), 1, logs.output)
        self.assertIn("Cache available again", logs.output[0])


@skipUnless(shutil.which("redis-server"), "redis-server is not installed")
class RedisOutageUnderGunicornTests(ServerTestCase):
    """Two gunicorn workers, a Redis of the test's own: killed, then started again on its port."""

    WORKERS = 2
    LOGIN_LIMIT = 5
    PAIRS = 50  # 100 requests while Redis is down, half to each worker
    MAX_RECOVERY_SECONDS = 30
    tmp_prefix = "coderr-redis-outage-"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        manage(server_env(cls.database_url), "migrate", "--noinput")

    def start_server(self, redis_url, **env):
        env = server_env(
            self.database_url,
            REDIS_URL=redis_url,
            THROTTLE_LOGIN_RATE=f"{self.LOGIN_LIMIT}/min",
            CACHE_FAILURE_BACKOFF="5",
            **env,
        )
        return self.start_gunicorn(env, workers=self.WORKERS)

    def register(self, server, username):
        reply = server.request(
            "POST",
            "/api/registration/",
            {
                "username": username,
                "email": f"{username}@example.com",
                "password": TEST_PASSWORD,
                "repeated_password": TEST_PASSWORD,
                "type": "customer",
            },
        )
        self.assertEqual(reply.status, 201, f"{reply.body!r}\n{server.log()}")
        return reply.json()

    def requests_of_every_kind(self, user):
        """(method, path, body, headers, expected status): public and authenticated reads, a throttled login."""
        token = {"Authorization": f"Token {user['token']}"}
        return [
            ("GET", "/api/offers/", None, None, 200),
            ("GET", "/api/base-info/", None, None, 200),
            ("GET", f"/api/profile/{user['user_id']}/", None, token, 200),
            ("GET", "/api/orders/", None, token, 200),
            ("POST", "/api/login/", CHEAP_LOGIN, None, 400),
        ]

    def send_pairs(self, server, kinds, pairs):
        replies = []
        for index in range(pairs):
            method, path, body, headers, expected = kinds[index % len(kinds)]
            for reply in server.request_pair(method, path, body=body, headers=headers):
                replies.append((f"{method} {path}", expected, reply))
        return replies

    def assertAnsweredAsWithoutThrottling(self, replies):
        for label, expected, reply in replies:
            self.assertEqual(reply.status, expected, f"{label}: {reply.status} {reply.body[:300]!r}")
        latencies = sorted(reply.seconds * 1000 for _, _, reply in replies)
        return statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]

    def anon_history_length(self, redis_server, prefix):
        """How many requests DRF's anonymous throttle has counted in Redis (its key holds their timestamps)."""
        with redis.Redis.from_url(redis_server.url, socket_timeout=2) as client:
            value = client.get(f"{prefix}:1:throttle_anon_127.0.0.1")
        return 0 if value is None else len(pickle.loads(value))

    def wait_until_both_workers_count_in_redis(self, server, redis_server):
        """Seconds until a pair of requests (one per worker) adds two entries to the throttle's history."""
        started = time.monotonic()
        prefix = server.env["CACHE_KEY_PREFIX"]
        while time.monotonic() - started < self.MAX_RECOVERY_SECONDS:
            before = self.anon_history_length(redis_server, prefix)
            for reply in server.request_pair("GET", "/api/base-info/"):
                self.assertEqual(reply.status, 200, reply.body)
            if self.anon_history_length(redis_server, prefix) - before == self.WORKERS:
                return time.monotonic() - started
            time.sleep(0.1)
        self.fail(f"the workers did not use Redis again within {self.MAX_RECOVERY_SECONDS}s:\n{server.log()}")

    def test_a_killed_redis_turns_no_request_into_an_error_and_the_service_recovers_when_it_returns(self):
        redis_server = RedisServer(self.tmp_dir).start()
        self.addCleanup(redis_server.kill)
        server = self.start_server(redis_server.url)
        user = self.register(server, "outage")
        kinds = self.requests_of_every_kind(user)
        ready = server.request("GET", "/api/health/")
        self.assertEqual(ready.status, 200, ready.body)
        self.assertEqual(ready.json(), {"status": "ok", "database": "ok", "cache": "ok", "storage": "ok"})

        redis_server.kill()
        down = self.send_pairs(server, kinds, self.PAIRS)
        not_ready = server.request("GET", "/api/health/")
        redis_server.start()
        recovery_seconds = self.wait_until_both_workers_count_in_redis(server, redis_server)
        ready_again = server.request("GET", "/api/health/")

        p50, p99 = self.assertAnsweredAsWithoutThrottling(down)
        print(
            f"\n  Redis killed: {len(down)} requests, none 5xx, p50 {p50:.1f} ms, p99 {p99:.1f} ms"
            f"\n  /api/health/ with Redis up: {ready.status} {ready.body.decode()}"
            f"\n  /api/health/ with Redis down: {not_ready.status} {not_ready.body.decode()}"
            f"\n  both workers counted in Redis again {recovery_seconds:.2f} s after it restarted"
            f" (back-off 5 s); /api/health/: {ready_again.status} {ready_again.body.decode()}",
            file=sys.stderr,
        )
        # While Redis was down the login throttle counted nothing: 20 failed logins got their 400, no 429.
        self.assertEqual(sum(1 for label, _, _ in down if label == "POST /api/login/"), 20)
        self.assertEqual(not_ready.status, 503, not_ready.body)
        self.assertEqual(not_ready.headers["Retry-After"], "5")
        self.assertEqual(not_ready.json(), CACHE_NOT_READY)
        self.assertEqual(ready_again.status, 200, ready_again.body)
        # Each worker logged the outage once and the recovery once.
        log = server.log()
        self.assertEqual(log.count("Cache unavailable ("), self.WORKERS, log)
        self.assertEqual(log.count("Cache available again"), self.WORKERS, log)
        self.assertNotIn("Traceback", log)
        # The workers share one login limit again.
        logins = self.send_pairs(server, [("POST", "/api/login/", CHEAP_LOGIN, None, None)], 3 * self.LOGIN_LIMIT)
        statuses = [reply.status for _, _, reply in logins]
        self.assertEqual(statuses.count(400), self.LOGIN_LIMIT, statuses)
        self.assertEqual(statuses.count(429), len(statuses) - self.LOGIN_LIMIT, statuses)

    def test_a_silent_redis_costs_one_socket_timeout_per_worker_and_back_off_not_one_per_request(self):
        timeout = 0.5
        # A listener that never accepts: connections open, then no reply comes, like a hung Redis.
        with socket.socket() as silent:
            silent.bind(("127.0.0.1", 0))
            silent.listen(64)
            server = self.start_server(
                f"redis://127.0.0.1:{silent.getsockname()[1]}/0", CACHE_SOCKET_TIMEOUT=str(timeout)
            )
            user = self.register(server, "silent")
            replies = self.send_pairs(server, self.requests_of_every_kind(user), 20)
            not_ready = server.request("GET", "/api/health/")

        p50, p99 = self.assertAnsweredAsWithoutThrottling(replies)
        slow = sum(1 for _, _, reply in replies if reply.seconds >= timeout)
        print(
            f"\n  Redis silent (socket timeout {timeout} s): {len(replies)} requests, none 5xx, p50 {p50:.1f} ms,"
            f" p99 {p99:.1f} ms, {slow} waited for the timeout"
            f"\n  /api/health/ with Redis silent: {not_ready.status} in {not_ready.seconds * 1000:.0f} ms",
            file=sys.stderr,
        )
        # Registration met the silent Redis first in one worker; after that only a back-off's end costs a wait.
        self.assertLess(max(reply.seconds for _, _, reply in replies), timeout + 2)
        self.assertLess(p50, timeout * 1000)
        self.assertEqual(not_ready.status, 503, not_ready.body)
        self.assertEqual(not_ready.json(), CACHE_NOT_READY)
        self.assertLess(not_ready.seconds, timeout + 2)
        self.assertNotIn("Traceback", server.log())
