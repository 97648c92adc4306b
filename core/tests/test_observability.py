"""What operators see of each request, in-process: its id, its access line, its logs (nothing secret), its metrics."""

import contextlib
import io
import json
import logging
import re
import tempfile
from pathlib import Path
from unittest import mock

from django.db import connection
from django.test import SimpleTestCase, override_settings
from django.test.utils import CaptureQueriesContext
from PIL.PngImagePlugin import PngInfo
from prometheus_client import REGISTRY

from core.api.exceptions import SERVER_ERROR
from core.observability.logs import RequestIdFilter, logging_config, make_formatter
from core.testing import TEST_PASSWORD, CoderrTestCase, image_bytes, make_offer
from core.views import NOT_FOUND

GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")
ACCESS_FIELDS = {
    "time",
    "level",
    "logger",
    "message",
    "method",
    "path",
    "status",
    "duration_ms",
    "user_id",
    "request_id",
}
# A marker in a PNG text chunk: it would show in the logs only if the uploaded bytes were written there.
IMAGE_MARKER = "image-bytes-marker-7f3c"
METRICS_TOKEN = "metrics-token-for-the-tests-0123456789"


@contextlib.contextmanager
def log_output(log_format):
    """Everything any logger emits (DEBUG and up), formatted as in production, in a string buffer."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(make_formatter(log_format))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    loggers = [root, logging.getLogger("django"), logging.getLogger("coderr.access")]
    saved = [logger.level for logger in loggers], root.handlers[:]
    root.handlers = [handler]
    for logger in loggers:
        logger.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.handlers = saved[1]
        for logger, level in zip(loggers, saved[0], strict=True):
            logger.setLevel(level)


def json_lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


class RequestIdTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.client.raise_request_exception = False

    def test_each_request_gets_a_new_id_in_the_response_and_its_access_line(self):
        with log_output("json") as output:
            first = self.client.get("/api/ping/")
            second = self.client.get("/api/ping/")

        self.assertRegex(first["X-Request-ID"], GENERATED_ID)
        self.assertRegex(second["X-Request-ID"], GENERATED_ID)
        self.assertNotEqual(first["X-Request-ID"], second["X-Request-ID"])
        self.assertEqual(
            [line["request_id"] for line in json_lines(output)], [first["X-Request-ID"], second["X-Request-ID"]]
        )

    def test_the_proxys_request_id_is_kept_when_it_is_a_short_token_of_safe_characters(self):
        given = "req-42.Az_9:" + "x" * 116

        response = self.client.get("/api/ping/", HTTP_X_REQUEST_ID=given)

        self.assertEqual(response["X-Request-ID"], given)

    def test_a_request_id_that_is_too_long_or_unsafe_is_replaced(self):
        for given in ["x" * 129, "two words", "line\nbreak", '{"json": 1}', "ümlaut", ""]:
            with self.subTest(given=given):
                response = self.client.get("/api/ping/", HTTP_X_REQUEST_ID=given)

                self.assertRegex(response["X-Request-ID"], GENERATED_ID)

    def test_every_line_logged_for_a_failing_request_carries_its_id_and_the_error_its_traceback(self):
        with (
            mock.patch("core.views.JsonResponse", side_effect=RuntimeError("boom")),
            log_output("json") as output,
        ):
            response = self.client.get("/api/no-such-route/", HTTP_X_REQUEST_ID="failing-request-1")

        self.assertStatus(response, 500)
        self.assertEqual(response.json(), {"detail": SERVER_ERROR})
        lines = json_lines(output)
        self.assertEqual(
            [(line["logger"], line["level"]) for line in lines],
            [("coderr.errors", "ERROR"), ("coderr.access", "INFO"), ("django.request", "ERROR")],
        )
        self.assertEqual({line["request_id"] for line in lines}, {"failing-request-1"})
        self.assertIn("Traceback (most recent call last)", lines[0]["exc_info"])
        self.assertIn("RuntimeError: boom", lines[0]["exc_info"])
        self.assertNotIn("request", lines[2])


class AccessLineTests(CoderrTestCase):
    def test_one_json_line_per_request_with_method_path_status_duration_user_and_request_id(self):
        client = self.make_customer()

        with log_output("json") as output:
            response = client.get(f"/api/profile/{client.user.pk}/", HTTP_X_REQUEST_ID="abc-123")

        self.assertStatus(response, 200)
        [line] = json_lines(output)
        self.assertEqual(set(line), ACCESS_FIELDS)
        self.assertEqual(
            {key: line[key] for key in ACCESS_FIELDS - {"time", "duration_ms", "message"}},
            {
                "level": "INFO",
                "logger": "coderr.access",
                "method": "GET",
                "path": f"/api/profile/{client.user.pk}/",
                "status": 200,
                "user_id": client.user.pk,
                "request_id": "abc-123",
            },
        )
        self.assertIsInstance(line["duration_ms"], float)
        self.assertGreaterEqual(line["duration_ms"], 0)
        self.assertEqual(
            line["message"], f"GET /api/profile/{client.user.pk}/ 200 {line['duration_ms']:.1f}ms user={client.user.pk}"
        )
        self.assertRegex(line["time"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$")

    def test_anonymous_requests_log_no_user_and_the_console_line_is_readable(self):
        with log_output("console") as output:
            self.client.get("/api/offers/?search=x", HTTP_X_REQUEST_ID="r1")

        timestamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}"
        self.assertRegex(
            output.getvalue(), rf"^{timestamp} INFO coderr\.access \[r1\] GET /api/offers/ 200 \d+\.\dms user=None\n$"
        )

    def test_a_path_with_a_line_break_stays_on_one_console_line(self):
        with log_output("console") as output:
            self.client.get("/api/offers/%0Aforged%20line/", HTTP_X_REQUEST_ID="r2")

        [line] = output.getvalue().splitlines()
        self.assertIn(r"GET /api/offers/\x0aforged line/ 404", line)

    def test_an_unknown_log_format_is_refused(self):
        with self.assertRaisesMessage(ValueError, "LOG_FORMAT must be one of console, json, not 'xml'"):
            logging_config(log_format="xml")


class NothingSecretInLogsTests(CoderrTestCase):
    """Registration, login, an authenticated read, an image upload and a 500, with every logger at DEBUG."""

    def run_requests(self):
        self.client.raise_request_exception = False
        secrets = {TEST_PASSWORD, IMAGE_MARKER}
        registration = self.client.post(
            "/api/registration/",
            {
                "username": "secretive",
                "email": "secretive@example.com",
                "password": TEST_PASSWORD,
                "repeated_password": TEST_PASSWORD,
                "type": "business",
            },
        )
        self.assertStatus(registration, 201)
        login = self.client.post("/api/login/", {"username": "secretive", "password": TEST_PASSWORD})
        self.assertStatus(login, 200)
        wrong = self.client.post("/api/login/", {"username": "secretive", "password": TEST_PASSWORD + "x"})
        self.assertStatus(wrong, 400)
        secrets |= {registration.json()["token"], login.json()["token"], TEST_PASSWORD + "x"}
        user_id = login.json()["user_id"]
        authorization = {"HTTP_AUTHORIZATION": f"Token {login.json()['token']}"}
        self.assertStatus(self.client.get(f"/api/profile/{user_id}/", **authorization), 200)
        info = PngInfo()
        info.add_text("Comment", IMAGE_MARKER)
        image = io.BytesIO(image_bytes("PNG", pnginfo=info))
        image.name = "secret.png"
        upload = self.client.patch(f"/api/profile/{user_id}/", {"file": image}, format="multipart", **authorization)
        self.assertStatus(upload, 200)
        with mock.patch("core.views.JsonResponse", side_effect=RuntimeError("failure")):
            self.assertStatus(self.client.get("/api/no-such-route/", **authorization), 500)
        return secrets

    def assertNothingSecretLogged(self, log_format):
        with log_output(log_format) as output:
            secrets = self.run_requests()

        text = output.getvalue()
        # The capture works: six access lines and the 500's traceback are there.
        self.assertEqual(text.count("coderr.access"), 6, text)
        self.assertIn("RuntimeError: failure", text)
        for secret in secrets:
            self.assertNotIn(secret, text)
        # Pillow's DEBUG lines name the PNG chunks it reads (IHDR, tEXt); their contents must not follow.
        for leak in ("HTTP_AUTHORIZATION", "Authorization", "Token ", "PNG\r\n", "\\x89PNG"):
            self.assertNotIn(leak, text)

    def test_no_password_token_authorization_header_or_image_bytes_is_in_the_json_lines(self):
        self.assertNothingSecretLogged("json")

    def test_no_password_token_authorization_header_or_image_bytes_is_in_the_console_lines(self):
        self.assertNothingSecretLogged("console")


class MetricsAccessTests(SimpleTestCase):
    def scrape(self, **headers):
        return self.client.get("/metrics", **headers)

    def assertHidden(self, response):
        self.assertEqual(response.status_code, 404)
        self.assertEqual(response.json(), {"detail": NOT_FOUND})

    def assertServed(self, response):
        self.assertEqual(response.status_code, 200, response.content[:300])
        self.assertTrue(response["Content-Type"].startswith("text/plain; version="), response["Content-Type"])
        self.assertIn(b"# TYPE coderr_http_request_duration_seconds histogram", response.content)

    def test_without_a_token_or_allow_list_nobody_gets_the_metrics(self):
        self.assertHidden(self.scrape())
        self.assertHidden(self.scrape(HTTP_AUTHORIZATION="Bearer "))

    @override_settings(METRICS_TOKEN=METRICS_TOKEN)
    def test_the_metrics_token_as_a_bearer_token_gets_them_and_nothing_else_does(self):
        self.assertServed(self.scrape(HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}"))
        self.assertServed(self.scrape(HTTP_AUTHORIZATION=f"bearer {METRICS_TOKEN}"))
        self.assertHidden(self.scrape())
        self.assertHidden(self.scrape(HTTP_AUTHORIZATION=f"Bearer {METRICS_TOKEN}x"))
        self.assertHidden(self.scrape(HTTP_AUTHORIZATION=f"Token {METRICS_TOKEN}"))
        self.assertHidden(self.scrape(HTTP_AUTHORIZATION=METRICS_TOKEN))

    @override_settings(METRICS_ALLOWED_IPS=["10.0.0.0/8", "192.0.2.7", "::1"])
    def test_clients_in_the_allow_list_get_them_and_others_do_not(self):
        self.assertServed(self.scrape(REMOTE_ADDR="10.20.30.40"))
        self.assertServed(self.scrape(REMOTE_ADDR="192.0.2.7"))
        self.assertServed(self.scrape(REMOTE_ADDR="::1"))
        self.assertHidden(self.scrape(REMOTE_ADDR="192.0.2.8"))
        self.assertHidden(self.scrape(REMOTE_ADDR="127.0.0.1"))
        self.assertHidden(self.scrape(REMOTE_ADDR="not-an-address"))
        # Only the TCP peer counts: a forwarded address proves nothing.
        self.assertHidden(self.scrape(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="10.0.0.1"))


def sample(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0


class RequestMetricsTests(CoderrTestCase):
    def test_each_request_is_counted_by_route_and_status_with_the_statements_it_ran(self):
        offer = make_offer(self.make_user("business"))
        route = "api/offers/<int:pk>/"
        requests_before = sample("coderr_http_request_duration_seconds_count", method="GET", route=route, status="200")
        missing_before = sample("coderr_http_request_duration_seconds_count", method="GET", route=route, status="404")
        queries_before = sample("coderr_db_queries_total", route=route)

        with CaptureQueriesContext(connection) as queries:
            self.assertStatus(self.client.get(f"/api/offers/{offer.pk}/"), 200)
            self.assertStatus(self.client.get(f"/api/offers/{offer.pk}/"), 200)
            self.assertStatus(self.client.get("/api/offers/999999/"), 404)

        self.assertEqual(
            sample("coderr_http_request_duration_seconds_count", method="GET", route=route, status="200"),
            requests_before + 2,
        )
        self.assertEqual(
            sample("coderr_http_request_duration_seconds_count", method="GET", route=route, status="404"),
            missing_before + 1,
        )
        self.assertEqual(sample("coderr_db_queries_total", route=route), queries_before + len(queries))

    def test_unknown_methods_and_unmatched_paths_share_one_label_each(self):
        before = sample("coderr_http_request_duration_seconds_count", method="other", route="<unmatched>", status="404")

        self.client.generic("BREW", "/no-such-page")

        self.assertEqual(
            sample("coderr_http_request_duration_seconds_count", method="other", route="<unmatched>", status="404"),
            before + 1,
        )


class GunicornSettingsTests(SimpleTestCase):
    """core/observability/gunicorn.py, as deploy/gunicorn.conf.py and the metrics test load it into gunicorn."""

    def test_gunicorns_own_lines_come_out_in_the_apps_json_format(self):
        from gunicorn.config import Config

        from core.observability.gunicorn import GunicornLogger

        with mock.patch.dict("os.environ", {"LOG_FORMAT": "json"}):
            logger = GunicornLogger(Config())
        stream = io.StringIO()
        [handler] = logger.error_log.handlers
        handler.setStream(stream)

        logger.info("Booting worker with pid: %s", 42)

        line = json.loads(stream.getvalue())
        self.assertEqual(
            {key: line[key] for key in ("level", "logger", "message", "request_id")},
            {"level": "INFO", "logger": "gunicorn.error", "message": "Booting worker with pid: 42", "request_id": "-"},
        )

    def test_the_metrics_directory_is_cleared_of_metric_files_at_start_and_dead_workers_are_marked(self):
        from core.observability.gunicorn import child_exit, on_starting

        with tempfile.TemporaryDirectory() as directory:
            path = Path(directory)
            for name in ("counter_11.db", "histogram_11.db", "gauge_livesum_12.db", "notes.txt"):
                (path / name).write_text("x")
            with mock.patch.dict("os.environ", {"PROMETHEUS_MULTIPROC_DIR": directory}):
                on_starting(server=None)
                self.assertEqual(sorted(entry.name for entry in path.iterdir()), ["notes.txt"])
                (path / "gauge_livesum_12.db").write_text("x")
                (path / "counter_12.db").write_text("x")
                child_exit(server=None, worker=mock.Mock(pid=12))

            # A dead worker's live gauges go; its counters stay in the sums.
            self.assertEqual(sorted(entry.name for entry in path.iterdir()), ["counter_12.db", "notes.txt"])


class SentryTagTests(SimpleTestCase):
    def test_events_of_a_request_are_tagged_with_its_id_and_others_are_left_alone(self):
        from core.observability.logs import request_id
        from core.observability.sentry import tag_request_id

        self.assertEqual(tag_request_id({"tags": {"a": "b"}}, {}), {"tags": {"a": "b"}})
        token = request_id.set("abc-1")
        try:
            self.assertEqual(tag_request_id({"tags": {"a": "b"}}, {}), {"tags": {"a": "b", "request_id": "abc-1"}})
            self.assertEqual(tag_request_id({}, {}), {"tags": {"request_id": "abc-1"}})
        finally:
            request_id.reset(token)
