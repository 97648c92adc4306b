"""The login throttle holds across server processes only when Redis keeps the counters.

Each test starts gunicorn with two workers and sends three times the login limit, one request per connection
and one at a time, alternating between the two workers (see GunicornServer.request_pair). The access log names
the worker that answered each request, which proves both took part.
"""

import sys
from unittest import skipUnless

import redis

from core.tests.servers import REDIS_PORT, ServerTestCase, manage, port_open, server_env

LOGIN_LIMIT = 10
SENT = 3 * LOGIN_LIMIT
WORKERS = 2
# A separate Redis database, and a key prefix per server, so nothing collides with other users of Redis.
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/15"
# The throttle runs before the view, so the body does not matter to it; one that fails validation before the
# password hasher runs keeps every request cheap.
LOGIN_ATTEMPT = {"username": "", "password": "guess"}


def report(label, let_through, workers):
    print(
        f"\n  login throttle {label}: {let_through} of {SENT} let through (limit {LOGIN_LIMIT}, "
        f"requests per worker {sorted(workers.values())})",
        file=sys.stderr,
    )


@skipUnless(port_open(REDIS_PORT), "Redis is not reachable at 127.0.0.1:6379")
class LoginThrottleAcrossWorkersTests(ServerTestCase):
    tmp_prefix = "coderr-throttle-"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        manage(server_env(cls.database_url), "migrate", "--noinput")

    def start_server(self, **env):
        env = server_env(self.database_url, THROTTLE_LOGIN_RATE=f"{LOGIN_LIMIT}/min", **env)
        return self.start_gunicorn(env, workers=WORKERS)

    def send_login_attempts(self, server):
        replies = []
        for _ in range(SENT // WORKERS):
            replies.extend(server.request_pair("POST", "/api/login/", LOGIN_ATTEMPT))
        let_through = [reply for reply in replies if reply.status != 429]
        for reply in let_through:
            self.assertEqual(reply.status, 400, reply.body)
        workers = server.served_by("/api/login/", expected=SENT)
        self.assertEqual(sorted(workers.values()), [SENT // WORKERS] * WORKERS, workers)
        return len(let_through), [reply for reply in replies if reply.status == 429], workers

    def test_with_redis_the_workers_share_one_login_limit(self):
        server = self.start_server(REDIS_URL=REDIS_URL)
        self.addCleanup(delete_redis_keys, server.env["CACHE_KEY_PREFIX"])

        let_through, throttled, workers = self.send_login_attempts(server)

        report("with Redis", let_through, workers)
        # DRF's throttle reads the request history, then writes it back, so two requests checked at the same
        # instant by two workers can both pass: under concurrent load the bound is about the limit + 1. These
        # requests are sent one at a time, so the count is exact.
        self.assertEqual(let_through, LOGIN_LIMIT)
        self.assertEqual(len(throttled), SENT - LOGIN_LIMIT)
        # Django's cache key is <prefix>:<version>:<key>; DRF keys the login scope by the client address.
        prefix = server.env["CACHE_KEY_PREFIX"]
        self.assertIn(f"{prefix}:1:throttle_login_127.0.0.1", redis_keys(prefix))

    def test_a_throttled_login_is_json_with_a_retry_after_header(self):
        server = self.start_server(REDIS_URL=REDIS_URL)
        self.addCleanup(delete_redis_keys, server.env["CACHE_KEY_PREFIX"])

        _, throttled, _ = self.send_login_attempts(server)

        reply = throttled[-1]
        self.assertEqual(reply.headers["Content-Type"], "application/json")
        self.assertEqual(list(reply.json()), ["detail"])
        self.assertRegex(reply.json()["detail"], r"^Request was throttled\. Expected available in \d+ seconds?\.$")
        self.assertTrue(reply.headers["Retry-After"].isdigit(), reply.headers["Retry-After"])
        self.assertTrue(1 <= int(reply.headers["Retry-After"]) <= 60, reply.headers["Retry-After"])

    def test_without_redis_each_worker_counts_on_its_own(self):
        server = self.start_server(REDIS_URL="")

        let_through, _, workers = self.send_login_attempts(server)

        report("without Redis", let_through, workers)
        # Each process has its own LocMemCache: every worker lets the limit through.
        self.assertGreater(let_through, LOGIN_LIMIT)
        self.assertEqual(let_through, WORKERS * LOGIN_LIMIT)


def redis_keys(prefix):
    with redis.Redis.from_url(REDIS_URL) as client:
        return sorted(key.decode() for key in client.scan_iter(match=f"{prefix}:*"))


def delete_redis_keys(prefix):
    with redis.Redis.from_url(REDIS_URL) as client:
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)
