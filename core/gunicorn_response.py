"""gunicorn responses written in one piece: the header leaves the worker together with the first body bytes.

gunicorn writes a response's header and its body with two socket writes. A server that dies between them (a
machine failing, SIGKILL) leaves the proxy holding a header without its body: nginx has then begun the answer,
can no longer pass the request to another server, and the client gets a truncated response. On a busy
machine the gap is not just microseconds: the first write wakes nginx, which may run before the worker
writes again. With both in one write, a dying server has sent all of a response or none of it (for anything
smaller than the socket buffer, megabytes, far more than an API answer), and nginx retries the ones it never
received (deploy/tests/test_fleet.py kills an app server under load). It also saves a system call per request.

`install()` (called by deploy/gunicorn.conf.py in each worker) makes gunicorn create these responses. Which
bytes are sent does not change, only how many writes carry them.
"""

from gunicorn.http import wsgi


class _Capture:
    """Stands in for the socket while gunicorn formats the bytes it would send."""

    def __init__(self):
        self.data = b""

    def sendall(self, data):
        self.data += data


class SingleWriteResponse(wsgi.Response):
    """gunicorn's Response, holding the formatted header back until the first body bytes (or the end)."""

    _held = b""

    def _capture(self, write, *args):
        sock, self.sock = self.sock, _Capture()
        try:
            write(*args)
            return self.sock.data
        finally:
            self.sock = sock

    def _take_held(self):
        held, self._held = self._held, b""
        return held

    def send_headers(self):
        if not self.headers_sent:
            self._held = self._capture(super().send_headers)

    def _emit_body(self, data):
        self.sock.sendall(self._take_held() + self._capture(super()._emit_body, data))

    def can_sendfile(self):
        # sendfile() writes the header and the file separately; files are written through write() instead.
        return False

    def close(self):
        self.send_headers()
        held = self._take_held()
        if held:
            self.sock.sendall(held)
        super().close()


def install():
    """gunicorn creates its responses through `gunicorn.http.wsgi.create`, which looks the class up per request."""
    wsgi.Response = SingleWriteResponse
