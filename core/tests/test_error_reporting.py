"""Unexpected errors reach Sentry: a real gunicorn with SENTRY_DSN pointing at a receiver the test runs.

The receiver is a small HTTP server on 127.0.0.1 that accepts what the SDK sends (envelopes, gzip-compressed)
and keeps them for the test to read.
"""

import gzip
import http.server
import json
import shutil
import sys
import tempfile
import threading
import time

from django.test import SimpleTestCase

from core.api.exceptions import SERVER_ERROR
from core.tests.fault_wsgi import PLANTED_ERROR
from core.tests.servers import LOCALHOST, GunicornServer, manage, server_env

SECRET_TOKEN = "0123456789abcdef0123456789abcdef-sentry-secret"
REQUEST_ID = "sentry-test-request-1"
MAX_WAIT_SECONDS = 15


class SentryReceiver:
    """Accepts POST /api/<project>/envelope/ and keeps each envelope's raw bytes and parsed items."""

    def __init__(self):
        self.envelopes = []
        self.arrived = threading.Condition()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Encoding") == "gzip":
                    body = gzip.decompress(body)
                with receiver.arrived:
                    receiver.envelopes.append((self.path, body))
                    receiver.arrived.notify_all()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((LOCALHOST, 0), Handler)
        self.port = self.server.server_address[1]
        self.dsn = f"http://publickey@{LOCALHOST}:{self.port}/1"
        self.thread = threading.Thread(target=self.server.serve_forever, name="sentry-receiver", daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

    def wait_for_event(self, timeout):
        deadline = time.monotonic() + timeout
        with self.arrived:
            while True:
                for path, body in self.envelopes:
                    for item_type, payload in envelope_items(body):
                        if item_type == "event":
                            return path, body, payload
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return None
                self.arrived.wait(remaining)


def envelope_items(body):
    """(type, JSON payload) of each item: a header line, then per item a header line and its payload."""
    lines = body.split(b"\n")
    items, index = [], 1
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        header = json.loads(lines[index])
        length = header.get("length")
        rest = b"\n".join(lines[index + 1 :])
        if length is not None:
            payload, rest = rest[:length], rest[length + 1 :]
            lines, index = [b"", *rest.split(b"\n")], 1
        else:
            payload, index = lines[index + 1], index + 2
        items.append((header.get("type"), json.loads(payload) if payload.startswith(b"{") else payload))
    return items


class SentryTests(SimpleTestCase):
    def test_an_unexpected_error_arrives_as_an_event_with_the_request_id_and_without_the_token(self):
        tmp_dir = tempfile.mkdtemp(prefix="coderr-sentry-")
        self.addCleanup(shutil.rmtree, tmp_dir, ignore_errors=True)
        receiver = SentryReceiver().start()
        self.addCleanup(receiver.stop)
        env = server_env(
            f"sqlite:///{tmp_dir}/db.sqlite3",
            SENTRY_DSN=receiver.dsn,
            SENTRY_ENVIRONMENT="ci",
            SENTRY_RELEASE="coderr@test",
            SENTRY_TRACES_SAMPLE_RATE="0",
            LOG_FORMAT="json",
        )
        manage(env, "migrate", "--noinput")
        server = GunicornServer(env, tmp_dir, app="core.tests.fault_wsgi:application_with_planted_bug()")
        self.addCleanup(server.stop)
        server.start()

        reply = server.request(
            "GET",
            "/api/no-such-route/",
            headers={"Authorization": f"Token {SECRET_TOKEN}", "X-Request-ID": REQUEST_ID},
        )
        arrived = receiver.wait_for_event(MAX_WAIT_SECONDS)

        self.assertEqual(reply.status, 500, reply.body)
        self.assertEqual(reply.json(), {"detail": SERVER_ERROR})
        self.assertIsNotNone(arrived, f"no event within {MAX_WAIT_SECONDS}s:\n{server.log()}")
        path, raw, event = arrived
        print(f"\n  Sentry event received at {path}: {len(raw)} bytes", file=sys.stderr)
        self.assertEqual(path, "/api/1/envelope/")
        [exception] = event["exception"]["values"]
        self.assertEqual(exception["type"], "RuntimeError")
        self.assertEqual(exception["value"], PLANTED_ERROR)
        self.assertEqual(event["tags"]["request_id"], REQUEST_ID)
        self.assertEqual((event["environment"], event["release"]), ("ci", "coderr@test"))
        # No personal data: the token is nowhere, the Authorization header at most as "[Filtered]", no user.
        self.assertNotIn(SECRET_TOKEN.encode(), raw)
        headers = event.get("request", {}).get("headers", {})
        self.assertIn(headers.get("Authorization"), (None, "[Filtered]"))
        self.assertNotIn("user", event)
        # The same request's log lines carry the id the event is tagged with.
        error_lines = [json.loads(line) for line in server.log().splitlines() if '"coderr.errors"' in line]
        self.assertEqual([line["request_id"] for line in error_lines], [REQUEST_ID])
