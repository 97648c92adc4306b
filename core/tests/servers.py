"""Real servers for tests that need separate processes: gunicorn, a stoppable TCP proxy, throwaway databases.

Everything here binds to 127.0.0.1 on a free port and is stopped by the caller's cleanup, also when a test
fails. Servers stay in the test runner's process group, so Ctrl-C or a CI timeout that ends the run ends them too.
"""

import contextlib
import http.client
import json
import os
import re
import secrets
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.test import SimpleTestCase
from psycopg import sql

BASE_DIR = Path(settings.BASE_DIR)
BIN_DIR = Path(sys.executable).parent
LOCALHOST = "127.0.0.1"
POSTGRES_PORT = 5432
REDIS_PORT = 6379
# The access log names the worker that answered, so a test can prove its requests reached every worker.
ACCESS_LOG_FORMAT = "%(p)s %(s)s %(m)s %(U)s"
ACCESS_LOG_LINE = re.compile(r"^<(?P<pid>\d+)> (?P<status>\d{3}) (?P<method>[A-Z]+) (?P<path>\S+)$")


def free_port():
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind((LOCALHOST, 0))
        return probe.getsockname()[1]


def port_open(port, host=LOCALHOST, timeout=0.5):
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def server_env(database_url, **overrides):
    """The environment of a production-like server process.

    Every setting the tests depend on is given explicitly, because python-decouple falls back to the
    developer's `.env` (which may say DEBUG=True or turn on SSL redirects) for keys the environment lacks.
    """
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="core.settings",
        PYTHONDONTWRITEBYTECODE="1",
        DEBUG="False",
        SECRET_KEY=f"test-servers-{secrets.token_urlsafe(40)}",
        ALLOWED_HOSTS=LOCALHOST,
        CSRF_TRUSTED_ORIGINS="",
        DATABASE_URL=database_url,
        DB_CONN_MAX_AGE="60",
        DB_CONNECT_TIMEOUT="3",
        REDIS_URL="",
        CACHE_KEY_PREFIX=f"coderr-test-{secrets.token_hex(6)}",
        THROTTLING_ENABLED="True",
        THROTTLE_ANON_RATE="100000/day",
        THROTTLE_USER_RATE="100000/day",
        THROTTLE_LOGIN_RATE="1000/min",
        THROTTLE_REGISTRATION_RATE="1000/min",
        NUM_PROXIES="0",
        SERVE_MEDIA="False",
        LOG_LEVEL="WARNING",
        SECURE_SSL_REDIRECT="False",
        USE_X_FORWARDED_PROTO="False",
        SECURE_HSTS_SECONDS="0",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="False",
        SECURE_HSTS_PRELOAD="False",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
    )
    env.update(overrides)
    return env


def run_manage(env, *args, timeout=120):
    """Run `manage.py <args>` in a subprocess and return the completed process, whatever its exit code."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def manage(env, *args, timeout=120):
    """Run `manage.py <args>` in a subprocess; fail with its output when it fails."""
    result = run_manage(env, *args, timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    def json(self):
        return json.loads(self.body)


def http_request(port, method, path, body=None, headers=None, timeout=15):
    """One request on its own connection (no keep-alive), so consecutive requests can reach any worker."""
    headers = {"Connection": "close", **(headers or {})}
    if isinstance(body, dict):
        body = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    started = time.monotonic()
    connection = http.client.HTTPConnection(LOCALHOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        content = response.read()
    finally:
        connection.close()
    return Reply(response.status, response.headers, content, time.monotonic() - started)


def _raw_request(port, method, path, body, headers):
    """An HTTP/1.1 request as bytes, split just before the blank line that ends its header."""
    headers = {"Host": f"{LOCALHOST}:{port}", "Connection": "close", **(headers or {})}
    if isinstance(body, dict):
        body = json.dumps(body).encode()
        headers.setdefault("Content-Type", "application/json")
    body = body or b""
    headers["Content-Length"] = str(len(body))
    head = f"{method} {path} HTTP/1.1\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
    return head.encode("latin-1"), b"\r\n" + body


class GunicornServer:
    """`gunicorn core.wsgi:application` on a free 127.0.0.1 port; `start()` returns once every worker answers."""

    def __init__(self, env, log_dir, workers=1, app="core.wsgi:application", extra_args=()):
        self.env = env
        self.workers = workers
        self.app = app
        self.extra_args = list(extra_args)
        self.port = free_port()
        self.access_log = Path(log_dir) / f"access-{self.port}.log"
        self.error_log = Path(log_dir) / f"error-{self.port}.log"
        self.process = None

    def start(self, timeout=30):
        with self.error_log.open("wb") as error_log:
            self.process = subprocess.Popen(
                [
                    str(BIN_DIR / "gunicorn"),
                    self.app,
                    f"--bind={LOCALHOST}:{self.port}",
                    f"--workers={self.workers}",
                    "--worker-class=sync",
                    # Load Django before forking: every worker is ready as soon as it exists.
                    "--preload",
                    "--graceful-timeout=2",
                    "--timeout=30",
                    # The default control socket is one path per user; parallel servers would fight over it.
                    "--no-control-socket",
                    f"--access-logfile={self.access_log}",
                    f"--access-logformat={ACCESS_LOG_FORMAT}",
                    "--error-logfile=-",
                    *self.extra_args,
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=error_log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_every_worker_answers(timeout)
        return self

    def _wait_until_every_worker_answers(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                self.request("GET", "/api/ping/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError(f"gunicorn did not answer within {timeout}s:\n{self.log()}") from None
                time.sleep(0.1)
        if self.workers > 1:
            # Answered by two different workers, or not at all (the tests use at most two).
            self.request_pair("GET", "/api/ping/", timeout=timeout)

    def request(self, method, path, body=None, headers=None, timeout=15):
        return http_request(self.port, method, path, body=body, headers=headers, timeout=timeout)

    def request_pair(self, method, path, body=None, headers=None, timeout=15):
        """Two requests, one after the other, that two different workers answer.

        The first connection sends its request without the blank line that ends the header, so the sync
        worker that accepts it waits for the rest and the second request must be answered by another worker.
        Only then is the first completed. Neither request is handled while the other is.
        """
        head, rest = _raw_request(self.port, method, path, body, headers)
        with socket.create_connection((LOCALHOST, self.port), timeout=timeout) as held:
            held.sendall(head)
            second = self.request(method, path, body=body, headers=headers, timeout=timeout)
            started = time.monotonic()
            held.sendall(rest)
            response = http.client.HTTPResponse(held)
            response.begin()
            first = Reply(response.status, response.headers, response.read(), time.monotonic() - started)
        return first, second

    def access_entries(self):
        """(pid, status, method, path) per answered request, in the order gunicorn logged them."""
        if not self.access_log.exists():
            return []
        entries = []
        for line in self.access_log.read_text().splitlines():
            match = ACCESS_LOG_LINE.match(line.strip())
            if match:
                entries.append((int(match["pid"]), int(match["status"]), match["method"], match["path"]))
        return entries

    def served_by(self, path, expected, timeout=5):
        """How many of the `expected` requests to `path` each worker pid answered.

        A worker logs a request after sending the response, so the last entries may trail the replies a little.
        """
        deadline = time.monotonic() + timeout
        while True:
            pids = Counter(pid for pid, _, _, logged_path in self.access_entries() if logged_path == path)
            if pids.total() >= expected or time.monotonic() > deadline:
                return pids
            time.sleep(0.05)

    def log(self):
        return self.error_log.read_text(errors="replace") if self.error_log.exists() else ""

    def stop(self):
        """Quick shutdown (SIGQUIT: the master ends its workers); SIGTERM would wait for idle workers to notice."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            # Workers whose master is gone notice it and exit by themselves.
            self.process.kill()
            self.process.wait(timeout=10)


class ServerTestCase(SimpleTestCase):
    """Tests with server processes of their own.

    Each class gets a temporary directory `tmp_dir` (the servers' logs, `database_url`: a SQLite file there),
    removed when the class is done. `start_gunicorn` stops its server after the test, `start_class_gunicorn`
    after the class.
    """

    tmp_prefix = "coderr-servers-"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp_dir = Path(tempfile.mkdtemp(prefix=cls.tmp_prefix))
        cls.addClassCleanup(shutil.rmtree, cls.tmp_dir, ignore_errors=True)
        cls.database_url = f"sqlite:///{cls.tmp_dir}/db.sqlite3"

    def start_gunicorn(self, env, **options):
        server = GunicornServer(env, self.tmp_dir, **options)
        self.addCleanup(server.stop)
        return server.start()

    @classmethod
    def start_class_gunicorn(cls, env, **options):
        server = GunicornServer(env, cls.tmp_dir, **options)
        cls.addClassCleanup(server.stop)
        return server.start()


class TcpProxy:
    """Forwards 127.0.0.1:<port> to an upstream port; `stop()` drops the listener and every open connection.

    Stopping it looks, to the application, exactly like the database going away: open connections break and
    new ones are refused. `start()` brings it back on the same port.
    """

    def __init__(self, upstream_port, port=None):
        self.upstream_port = upstream_port
        self.port = port or free_port()
        self._listener = None
        self._thread = None
        self._stopping = threading.Event()
        self._sockets = set()
        self._lock = threading.Lock()

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((LOCALHOST, self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener
        self._stopping.clear()
        self._thread = threading.Thread(target=self._accept_loop, name=f"proxy-{self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._listener is None:
            return
        self._stopping.set()
        self._thread.join(timeout=5)
        self._listener.close()
        self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def _accept_loop(self):
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection((LOCALHOST, self.upstream_port), timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._sockets.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()

    def _pump(self, client, upstream):
        peers = {client: upstream, upstream: client}
        with selectors.DefaultSelector() as selector:
            for sock in peers:
                selector.register(sock, selectors.EVENT_READ)
            try:
                while not self._stopping.is_set():
                    for key, _ in selector.select(timeout=0.2):
                        data = key.fileobj.recv(65536)
                        if not data:
                            return
                        peers[key.fileobj].sendall(data)
            except (OSError, ValueError):
                return
            finally:
                with self._lock:
                    self._sockets.difference_update(peers)
                for sock in peers:
                    _close(sock)


def _close(sock):
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def postgres_admin_connection():
    """An autocommit connection to the server's `postgres` database (for CREATE/DROP DATABASE)."""
    return psycopg.connect(host=LOCALHOST, port=POSTGRES_PORT, user="postgres", dbname="postgres", autocommit=True)


def create_postgres_database(prefix):
    """Create an empty database named `<prefix>_<random>` and return its name."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    with postgres_admin_connection() as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return name


def drop_postgres_database(name):
    with postgres_admin_connection() as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


class ListeningProcess:
    """A server process of the test's own, listening on 127.0.0.1:`port` and logging to `log_file`.

    `kill()` ends exactly this process (SIGKILL by its PID).
    """

    port = None
    log_file = None
    process = None

    def _wait_until_listening(self, name, timeout, poll):
        deadline = time.monotonic() + timeout
        while not port_open(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"{name} did not listen within {timeout}s:\n{self.log()}")
            time.sleep(poll)
        return self

    def log(self):
        return self.log_file.read_text(errors="replace") if self.log_file.exists() else ""

    def kill(self):
        if self.process is None or self.process.poll() is not None:
            return
        self.process.kill()
        self.process.wait(timeout=10)


class S3Server(ListeningProcess):
    """moto's S3-compatible server (`moto_server`) on a free 127.0.0.1 port, holding its objects in memory.

    `kill()` ends exactly this process (SIGKILL by its PID), which to the app looks like the object storage
    going away: connections are refused from then on.
    """

    ACCESS_KEY = "coderr-test"
    SECRET_KEY = "coderr-test-secret"

    def __init__(self, log_dir):
        self.port = free_port()
        self.endpoint_url = f"http://{LOCALHOST}:{self.port}"
        self.log_file = Path(log_dir) / f"s3-{self.port}.log"
        self.process = None

    def start(self, timeout=30):
        with self.log_file.open("wb") as log:
            self.process = subprocess.Popen(
                [str(BIN_DIR / "moto_server"), "-H", LOCALHOST, "-p", str(self.port)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        return self._wait_until_listening("moto_server", timeout, poll=0.1)

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=self.ACCESS_KEY,
            aws_secret_access_key=self.SECRET_KEY,
        )

    def create_public_bucket(self, name):
        """A bucket whose objects anyone may read (the bucket policy a public media bucket has)."""
        client = self.client()
        client.create_bucket(Bucket=name)
        policy = {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{name}/*"}
            ],
        }
        client.put_bucket_policy(Bucket=name, Policy=json.dumps(policy))
        return client


class RedisServer(ListeningProcess):
    """A redis-server of the test's own on a free 127.0.0.1 port, in memory only (no dump, no append-only file).

    `kill()` ends exactly this process (SIGKILL by its PID): to the app, Redis crashed. `start()` again brings up
    an empty Redis on the same port, as a restarted one would be.
    """

    def __init__(self, log_dir, port=None):
        self.port = port or free_port()
        self.url = f"redis://{LOCALHOST}:{self.port}/0"
        self.log_dir = Path(log_dir)
        self.log_file = self.log_dir / f"redis-{self.port}.log"
        self.process = None

    def start(self, timeout=15):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind",
                LOCALHOST,
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.log_dir),
                "--logfile",
                str(self.log_file),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        return self._wait_until_listening("redis-server", timeout, poll=0.05)
