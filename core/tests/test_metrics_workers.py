"""/metrics under gunicorn adds up every worker's counts (prometheus-client's multiprocess mode).

gunicorn runs with the project's gunicorn settings (`-c python:core.observability.gunicorn`), two workers and
PROMETHEUS_MULTIPROC_DIR. Requests go to both workers alternately (GunicornServer.request_pair); gunicorn's
access log names the worker that answered each, which proves both took part.
"""

import os
import signal
import time

from prometheus_client.parser import text_string_to_metric_families

from core.tests.servers import ServerTestCase, manage, server_env
from core.views import NOT_FOUND

WORKERS = 2
PAIRS = 10
TOKEN = "scrape-token-for-the-metrics-test"
SCRAPE = {"Authorization": f"Bearer {TOKEN}"}
OFFERS = {"method": "GET", "route": "api/offers/", "status": "200"}


def samples(reply):
    """{(name, sorted labels): value} of a Prometheus text answer."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(reply.body.decode())
        for sample in family.samples
    }


def value(scraped, name, **labels):
    return scraped.get((name, tuple(sorted(labels.items()))))


class MetricsAcrossWorkersTests(ServerTestCase):
    tmp_prefix = "coderr-metrics-"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.metrics_dir = cls.tmp_dir / "prometheus"
        cls.metrics_dir.mkdir()
        # Left over from an earlier run: gunicorn's start removes the metric files and nothing else.
        (cls.metrics_dir / "counter_999999.db").write_bytes(b"stale")
        (cls.metrics_dir / "README").write_text("not a metrics file")
        env = server_env(cls.database_url, PROMETHEUS_MULTIPROC_DIR=str(cls.metrics_dir), METRICS_TOKEN=TOKEN)
        manage(env, "migrate", "--noinput")
        cls.server = cls.start_class_gunicorn(
            env, workers=WORKERS, extra_args=["--config=python:core.observability.gunicorn"]
        )

    def scrape_from_both_workers(self):
        replies = self.server.request_pair("GET", "/metrics", headers=SCRAPE)
        for reply in replies:
            self.assertEqual(reply.status, 200, reply.body[:500])
        return [samples(reply) for reply in replies]

    def test_each_worker_answers_with_the_counts_of_both(self):
        for scraped in self.scrape_from_both_workers():
            self.assertIsNone(value(scraped, "coderr_http_request_duration_seconds_count", **OFFERS))

        for _ in range(PAIRS):
            for reply in self.server.request_pair("GET", "/api/offers/"):
                self.assertEqual(reply.status, 200, reply.body[:300])
        scraped = self.scrape_from_both_workers()

        workers = self.server.served_by("/api/offers/", expected=2 * PAIRS)
        self.assertEqual(sorted(workers.values()), [PAIRS] * WORKERS, workers)
        for answer in scraped:
            self.assertEqual(value(answer, "coderr_http_request_duration_seconds_count", **OFFERS), 2 * PAIRS)
            # The histogram's buckets are cumulative: its +Inf bucket holds every request.
            self.assertEqual(
                value(answer, "coderr_http_request_duration_seconds_bucket", le="+Inf", **OFFERS), 2 * PAIRS
            )
            # Every offer list reads the database (at least its version token), in either worker.
            self.assertGreaterEqual(value(answer, "coderr_db_queries_total", route="api/offers/") or 0, 2 * PAIRS)
        self.assertFalse((self.metrics_dir / "counter_999999.db").exists())
        self.assertTrue((self.metrics_dir / "README").exists())

    def test_counts_of_a_worker_that_was_replaced_are_kept(self):
        for reply in self.server.request_pair("GET", "/api/base-info/"):
            self.assertEqual(reply.status, 200, reply.body[:300])
        labels = {"method": "GET", "route": "api/base-info/", "status": "200"}
        before = value(self.scrape_from_both_workers()[0], "coderr_http_request_duration_seconds_count", **labels)
        pid = next(iter(self.server.served_by("/api/base-info/", expected=2)))

        os.kill(pid, signal.SIGKILL)  # a gunicorn worker of this test's server
        deadline = time.monotonic() + 30
        while True:
            try:
                scraped = self.scrape_from_both_workers()
                break
            except (OSError, AssertionError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

        for answer in scraped:
            self.assertEqual(value(answer, "coderr_http_request_duration_seconds_count", **labels), before)

    def test_anonymous_callers_and_wrong_tokens_get_a_404(self):
        for headers in ({}, {"Authorization": f"Bearer {TOKEN}-wrong"}, {"Authorization": f"Token {TOKEN}"}):
            with self.subTest(headers=headers):
                reply = self.server.request("GET", "/metrics", headers=headers)

                self.assertEqual(reply.status, 404)
                self.assertEqual(reply.json(), {"detail": NOT_FOUND})
