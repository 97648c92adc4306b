"""core/gunicorn_response.py: the same bytes as gunicorn's own responses, in one write where gunicorn makes two."""

import re
import runpy
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.test import SimpleTestCase
from gunicorn.config import Config
from gunicorn.http import wsgi

from core.gunicorn_response import SingleWriteResponse

DATE = re.compile(rb"Date: [^\r]*\r\n")


class Request:
    """What gunicorn's Response reads of a request."""

    def __init__(self, method="GET"):
        self.method = method
        self.version = (1, 1)

    def should_close(self):
        return True


class Socket:
    def __init__(self):
        self.writes = []

    def sendall(self, data):
        self.writes.append(bytes(data))


def respond(response_class, status, headers, body_parts, method="GET"):
    """The socket writes of one response: start_response, a write per body part, close."""
    sock = Socket()
    response = response_class(Request(method), sock, Config())
    response.start_response(status, headers)
    for part in body_parts:
        response.write(part)
    response.close()
    return [DATE.sub(b"Date: -\r\n", data) for data in sock.writes]


class SingleWriteResponseTests(SimpleTestCase):
    def assertSameBytesInOneWrite(self, status, headers, body_parts, method="GET"):
        ours = respond(SingleWriteResponse, status, headers, body_parts, method)
        gunicorns = respond(wsgi.Response, status, headers, body_parts, method)

        self.assertEqual(b"".join(ours), b"".join(gunicorns))
        return ours, gunicorns

    def test_a_response_with_a_length_leaves_in_one_write_where_gunicorn_makes_two(self):
        ours, gunicorns = self.assertSameBytesInOneWrite(
            "200 OK", [("Content-Type", "application/json"), ("Content-Length", "11")], [b'{"id": 7}\r\n']
        )

        self.assertEqual((len(ours), len(gunicorns)), (1, 2))
        self.assertTrue(ours[0].startswith(b"HTTP/1.1 200 OK\r\n"))
        self.assertTrue(ours[0].endswith(b'\r\n\r\n{"id": 7}\r\n'))

    def test_a_chunked_response_sends_its_header_with_the_first_chunk(self):
        ours, gunicorns = self.assertSameBytesInOneWrite("200 OK", [("Content-Type", "text/plain")], [b"ab", b"cd"])

        self.assertEqual((len(ours), len(gunicorns)), (3, 4))
        self.assertTrue(ours[0].endswith(b"\r\n\r\n2\r\nab\r\n"))
        self.assertEqual(ours[1:], [b"2\r\ncd\r\n", b"0\r\n\r\n"])

    def test_responses_without_a_body_send_the_header_at_the_end(self):
        for status, method in (("204 No Content", "DELETE"), ("200 OK", "HEAD"), ("304 Not Modified", "GET")):
            with self.subTest(status=status, method=method):
                ours, _ = self.assertSameBytesInOneWrite(status, [("Content-Length", "0")], [], method)

                self.assertEqual(len(ours), 1)
                self.assertTrue(ours[0].endswith(b"\r\n\r\n"))

    def test_files_are_written_through_write_not_sendfile(self):
        response = SingleWriteResponse(Request(), Socket(), Config())

        self.assertFalse(response.can_sendfile())

    def test_the_deploy_configuration_installs_it_in_each_worker(self):
        config = runpy.run_path(str(Path(settings.BASE_DIR) / "deploy" / "gunicorn.conf.py"))

        with mock.patch.object(wsgi, "Response", wsgi.Response):
            config["post_worker_init"](None)
            installed = wsgi.Response

        self.assertIs(installed, SingleWriteResponse)
