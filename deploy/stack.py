"""A local Coderr fleet: nginx on 127.0.0.1:8080 in front of two app servers, on this machine's PostgreSQL and Redis.

    python deploy/stack.py start    # make stack: start every part, return once each answers (or undo and fail)
    python deploy/stack.py stop     # make stack-stop: stop exactly what start started, by its PID files
    python deploy/stack.py status   # make stack-status
    python deploy/stack.py test     # make stack-test: the fleet tests (deploy/tests/) against the running stack

The parts, each with a directory of its own under .stack/ (its PID file, log and working directory):

- s3     moto's S3-compatible server on 127.0.0.1:9000 (from requirements-dev), bucket `coderr-media` with a
         public-read bucket policy. It keeps objects in memory: media vanish when the stack stops.
- app1   gunicorn (deploy/gunicorn.conf.py) on 127.0.0.1:8001, working directory .stack/app1
- app2   the same on 127.0.0.1:8002, working directory .stack/app2; no file is shared with app1 (media on S3)
- nginx  deploy/nginx.conf on 127.0.0.1:8080: /api/, /admin/ to both app servers, /static/ from the files
         `manage.py release` collected, /media/ from the bucket

Before the app servers start, `manage.py release` migrates the database `coderr_stack` (created when missing)
and collects the static files, once. Every process runs in a session of its own, so that stopping it (a
signal to its process group) also ends its workers, and nothing else. nginx comes from Debian's packages
(`apt-get install -y nginx`); this script never installs system packages. Ports and URLs can be changed with
the CODERR_STACK_* environment variables below.
"""

import argparse
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
STATE = Path(os.environ.get("CODERR_STACK_DIR", ROOT / ".stack"))
HOST = "127.0.0.1"
PROXY_PORT = int(os.environ.get("CODERR_STACK_PROXY_PORT", 8080))
APP_PORTS = (int(os.environ.get("CODERR_STACK_APP1_PORT", 8001)), int(os.environ.get("CODERR_STACK_APP2_PORT", 8002)))
S3_PORT = int(os.environ.get("CODERR_STACK_S3_PORT", 9000))
DATABASE_NAME = os.environ.get("CODERR_STACK_DATABASE", "coderr_stack")
POSTGRES = os.environ.get("CODERR_STACK_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("CODERR_STACK_REDIS_URL", "redis://127.0.0.1:6379/0")
BUCKET = "coderr-media"
S3_KEYS = ("coderr-stack", "coderr-stack-secret")
# Low, so that the fleet test of the shared login throttle needs few (slow, password-hashing) logins.
LOGIN_RATE = 5
MAX_REQUEST_BODY_BYTES = 6 * 1024 * 1024
PROXY_URL = f"http://{HOST}:{PROXY_PORT}"
STATIC_ROOT = STATE / "static"

START_TIMEOUT = {"s3": 30, "app": 90, "nginx": 15}
RELEASE_TIMEOUT = 600
STOP_TIMEOUT = 20

NGINX_MISSING = """nginx is not installed. It comes from Debian's packages:

    sudo apt-get install -y nginx

(make stack never installs system packages itself; .ci/run installs nginx in CI.)"""


class StackError(Exception):
    """A part could not be started or stopped; the message says which and why."""


@dataclass(frozen=True)
class Part:
    name: str
    port: int
    # A word of the process's command line: a PID file whose PID now belongs to another program is stale.
    marker: str

    @property
    def dir(self):
        return STATE / self.name

    @property
    def pid_file(self):
        return self.dir / "pid"

    @property
    def log_file(self):
        return self.dir / f"{self.name}.log"

    @property
    def url(self):
        return f"http://{HOST}:{self.port}"


S3 = Part("s3", S3_PORT, "moto_server")
APPS = (Part("app1", APP_PORTS[0], "gunicorn"), Part("app2", APP_PORTS[1], "gunicorn"))
NGINX = Part("nginx", PROXY_PORT, "nginx")
PARTS = (S3, *APPS, NGINX)


# --- processes ------------------------------------------------------------------------------------------------


def alive(pid):
    """True while `pid` runs (a zombie that nobody reaped yet does not count)."""
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return False
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def group_alive(pgid):
    """True while any process of the process group `pgid` runs (zombies aside): it may still hold the socket."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[2] == str(pgid) and fields[0] != "Z":
            return True
    return False


def running_pid(part):
    """The PID from the part's PID file if that process still runs and is the part's program, else None."""
    try:
        pid = int(part.pid_file.read_text())
    except (OSError, ValueError):
        return None
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return None
    return pid if alive(pid) and part.marker in command else None


def spawn(part, argv, env, cwd):
    """Start `argv` in a new session (so its process group holds it and its workers only); write its PID file."""
    part.dir.mkdir(parents=True, exist_ok=True)
    with part.log_file.open("ab") as log:
        log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(map(str, argv))}\n".encode())
        log.flush()
        process = subprocess.Popen(
            [str(arg) for arg in argv],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    part.pid_file.write_text(f"{process.pid}\n")
    return process.pid


def signal_group(pid, sig):
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def stop_part(part, sig=signal.SIGTERM, timeout=STOP_TIMEOUT):
    """Stop the part's process group: `sig`, then SIGKILL after `timeout` seconds. True if it was running."""
    pid = running_pid(part)
    if pid is None:
        part.pid_file.unlink(missing_ok=True)
        return False
    signal_group(pid, sig)
    deadline = time.monotonic() + timeout
    while (alive(pid) or group_alive(pid)) and time.monotonic() < deadline:
        time.sleep(0.1)
    if alive(pid) or group_alive(pid):
        signal_group(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while (alive(pid) or group_alive(pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
    part.pid_file.unlink(missing_ok=True)
    return True


def kill_part(part):
    """SIGKILL the part's whole process group at once (a machine dying); returns the PID it had.

    Returns once no process of the group is left, so nothing holds the listening socket any more.
    """
    pid = running_pid(part)
    if pid is None:
        raise StackError(f"{part.name} is not running")
    signal_group(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while (alive(pid) or group_alive(pid)) and time.monotonic() < deadline:
        time.sleep(0.01)
    part.pid_file.unlink(missing_ok=True)
    return pid


def log_tail(part, lines=30):
    if not part.log_file.exists():
        return "(no log)"
    return "\n".join(part.log_file.read_text(errors="replace").splitlines()[-lines:])


# --- checks ------------------------------------------------------------------------------------------------------


def port_open(port, timeout=0.5):
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def http_status(url, timeout=3):
    """The HTTP status `url` answers with, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (OSError, ValueError):
        return None


def answers(part):
    if part is S3:
        return http_status(f"{part.url}/{BUCKET}") == 200
    return http_status(f"{part.url}/api/ping/") == 200


def wait_until_answers(part, pid, timeout):
    deadline = time.monotonic() + timeout
    while not answers(part):
        if not alive(pid):
            raise StackError(f"{part.name} exited while starting. Its log ({part.log_file}):\n{log_tail(part)}")
        if time.monotonic() > deadline:
            raise StackError(f"{part.name} did not answer within {timeout}s. Its log:\n{log_tail(part)}")
        time.sleep(0.2)


def nginx_binary():
    return shutil.which("nginx") or next((path for path in ("/usr/sbin/nginx",) if Path(path).exists()), None)


def redis_answers():
    address = REDIS_URL.split("://", 1)[1].split("/", 1)[0]
    host, _, port = address.rpartition("@")[2].partition(":")
    try:
        with socket.create_connection((host, int(port or 6379)), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def ensure_database():
    """Create the stack's database when it is missing."""
    import psycopg
    from psycopg import sql

    try:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3) as connection:
            exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
            if not exists:
                connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE_NAME)))
                print(f"Created the PostgreSQL database {DATABASE_NAME}.")
    except psycopg.OperationalError as exc:
        raise StackError(f"PostgreSQL at {POSTGRES} does not answer: {exc}") from exc


# --- configuration ----------------------------------------------------------------------------------------------


def secret_key():
    """One SECRET_KEY for every app server of the stack (kept in .stack/ so that restarts keep sessions)."""
    path = STATE / "secret_key"
    if not path.exists():
        STATE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def app_env(part=APPS[0]):
    """The environment of an app server (and of `manage.py release`) of the stack.

    Every setting the stack depends on is given, since python-decouple falls back to the developer's `.env`.
    """
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="core.settings",
        PYTHONPATH=str(ROOT),
        DEBUG="False",
        SECRET_KEY=secret_key(),
        ALLOWED_HOSTS=f"{HOST},localhost",
        CSRF_TRUSTED_ORIGINS=PROXY_URL,
        DATABASE_URL=f"{POSTGRES}/{DATABASE_NAME}",
        REDIS_URL=REDIS_URL,
        CACHE_KEY_PREFIX="coderr-stack",
        THROTTLING_ENABLED="True",
        THROTTLE_ANON_RATE="10000000/day",
        THROTTLE_USER_RATE="10000000/day",
        THROTTLE_LOGIN_RATE=f"{LOGIN_RATE}/min",
        THROTTLE_REGISTRATION_RATE="100000/min",
        # nginx appends the client's address to X-Forwarded-For and always sets X-Forwarded-Proto.
        NUM_PROXIES="1",
        USE_X_FORWARDED_PROTO="True",
        SECURE_SSL_REDIRECT="False",
        SECURE_HSTS_SECONDS="0",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        MAX_REQUEST_BODY_BYTES=str(MAX_REQUEST_BODY_BYTES),
        SERVE_MEDIA="False",
        MEDIA_ROOT=str(part.dir / "media"),
        STATIC_ROOT=str(STATIC_ROOT),
        MEDIA_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME=BUCKET,
        AWS_S3_ENDPOINT_URL=S3.url,
        AWS_S3_REGION_NAME="us-east-1",
        AWS_ACCESS_KEY_ID=S3_KEYS[0],
        AWS_SECRET_ACCESS_KEY=S3_KEYS[1],
        AWS_S3_ADDRESSING_STYLE="path",
        # Browsers load images through nginx, which reads them from the bucket (deploy/nginx.conf).
        AWS_S3_CUSTOM_DOMAIN=f"{HOST}:{PROXY_PORT}/media",
        AWS_S3_URL_PROTOCOL="http:",
        GUNICORN_BIND=f"{HOST}:{part.port}",
        WEB_CONCURRENCY="2",
        GUNICORN_GRACEFUL_TIMEOUT="5",
    )
    return env


def render_nginx():
    """deploy/nginx.conf filled in for the stack, inside a main configuration whose paths all lie in .stack/nginx."""
    directory = NGINX.dir
    temp = directory / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    site = string.Template((DEPLOY / "nginx.conf").read_text()).safe_substitute(
        CODERR_LISTEN=f"{HOST}:{PROXY_PORT}",
        CODERR_SERVER_NAME=HOST,
        CODERR_UPSTREAMS=" ".join(f"server {app.url.split('//')[1]} max_fails=1 fail_timeout=5s;" for app in APPS),
        CODERR_STATIC_ROOT=str(STATIC_ROOT),
        CODERR_CLIENT_MAX_BODY_SIZE=str(MAX_REQUEST_BODY_BYTES),
        CODERR_MEDIA_ORIGIN=f"{S3.url}/{BUCKET}/",
        CODERR_LOG_DIR=str(directory),
    )
    if re.search(r"\$\{CODERR_[A-Z_]+\}", site):
        raise StackError("deploy/nginx.conf has a placeholder this script does not fill in")
    (directory / "coderr.conf").write_text(site)
    user = ""
    if os.geteuid() == 0:
        # A root master hands requests to unprivileged workers, which must be able to write the temp paths.
        import grp
        import pwd

        nobody = pwd.getpwnam("nobody")
        user = f"user nobody {grp.getgrgid(nobody.pw_gid).gr_name};"
        for path in (temp, *(temp / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"))):
            path.mkdir(exist_ok=True)
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
    mime_types = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    main = f"""# Written by deploy/stack.py; the site itself is deploy/nginx.conf.
{user}
worker_processes 2;
pid {directory}/nginx.pid;
error_log {directory}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    {mime_types}
    default_type application/octet-stream;
    sendfile on;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {directory}/coderr.conf;
}}
"""
    (directory / "nginx.conf").write_text(main)
    return directory / "nginx.conf"


# --- start, stop, status ----------------------------------------------------------------------------------------


def start_s3():
    pid = spawn(S3, [BIN / "moto_server", "-H", HOST, "-p", S3.port], env=dict(os.environ), cwd=S3.dir)
    deadline = time.monotonic() + START_TIMEOUT["s3"]
    while not port_open(S3.port):
        if not alive(pid) or time.monotonic() > deadline:
            raise StackError(f"the S3 server did not start. Its log:\n{log_tail(S3)}")
        time.sleep(0.2)
    create_bucket()
    wait_until_answers(S3, pid, START_TIMEOUT["s3"])


def s3_client():
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=S3.url,
        region_name="us-east-1",
        aws_access_key_id=S3_KEYS[0],
        aws_secret_access_key=S3_KEYS[1],
    )


def create_bucket():
    """The media bucket, readable by anyone (what a public media bucket's policy says)."""
    client = s3_client()
    with contextlib.suppress(client.exceptions.BucketAlreadyOwnedByYou):
        client.create_bucket(Bucket=BUCKET)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
        ],
    }
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(policy))


def release():
    result = subprocess.run(
        [sys.executable, "manage.py", "release"],
        cwd=ROOT,
        env=app_env(),
        capture_output=True,
        text=True,
        timeout=RELEASE_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        raise StackError(f"manage.py release failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    print(result.stdout.strip().splitlines()[-1])


def spawn_app(part):
    """Start one app server in its own, empty working directory (it needs none of the checkout's files)."""
    part.dir.mkdir(parents=True, exist_ok=True)
    argv = [BIN / "gunicorn", "-c", DEPLOY / "gunicorn.conf.py"]
    return spawn(part, argv, env=app_env(part), cwd=part.dir)


def start_app(part):
    """Start one app server and wait until it answers (used by the fleet tests to restart a killed one)."""
    wait_until_answers(part, spawn_app(part), START_TIMEOUT["app"])


def start_nginx(binary):
    config = render_nginx()
    check = subprocess.run(
        [binary, "-t", "-q", "-p", NGINX.dir, "-c", config], capture_output=True, text=True, check=False
    )
    if check.returncode != 0:
        raise StackError(f"nginx refuses the configuration {config}:\n{check.stderr}")
    argv = [binary, "-p", NGINX.dir, "-c", config, "-g", "daemon off;"]
    pid = spawn(NGINX, argv, env=dict(os.environ), cwd=NGINX.dir)
    wait_until_answers(NGINX, pid, START_TIMEOUT["nginx"])


def preflight():
    binary = nginx_binary()
    if binary is None:
        raise StackError(NGINX_MISSING)
    if not (BIN / "moto_server").exists():
        raise StackError(f"{BIN / 'moto_server'} is missing: install the development requirements (make).")
    if not redis_answers():
        raise StackError(f"Redis at {REDIS_URL} does not answer.")
    busy = [f"{part.name} ({HOST}:{part.port})" for part in PARTS if port_open(part.port)]
    if busy:
        raise StackError(f"These ports are taken by another program: {', '.join(busy)}.")
    return binary


def start():
    running = [part for part in PARTS if running_pid(part)]
    if running:
        if len(running) == len(PARTS) and all(answers(part) for part in PARTS):
            print(f"The stack is already running: {PROXY_URL}/")
            return 0
        names = ", ".join(part.name for part in running)
        raise StackError(f"The stack is partly running ({names}): run `make stack-stop` first.")
    binary = preflight()
    STATE.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        ensure_database()
        start_s3()
        release()
        pids = {part: spawn_app(part) for part in APPS}
        for part, pid in pids.items():
            wait_until_answers(part, pid, START_TIMEOUT["app"])
        start_nginx(binary)
    except BaseException:
        stop(quiet=True)
        raise
    print(f"The stack answers after {time.monotonic() - started:.1f}s:")
    print_status()
    print(f"\nAPI {PROXY_URL}/api/, admin {PROXY_URL}/admin/; `make stack-stop` stops it. Logs and PIDs: {STATE}/")
    return 0


def stop(quiet=False):
    for part in reversed(PARTS):
        if stop_part(part) and not quiet:
            print(f"Stopped {part.name}.")
    leftovers = [part.name for part in PARTS if running_pid(part)]
    if leftovers:
        raise StackError(f"Still running: {', '.join(leftovers)}")
    if not quiet:
        print("Nothing of the stack is running.")
    return 0


def print_status():
    ok = True
    for part in PARTS:
        pid = running_pid(part)
        answering = pid is not None and answers(part)
        ok = ok and answering
        state = "answers" if answering else ("runs, does not answer" if pid else "stopped")
        print(f"  {part.name:6} {part.url:24} pid {pid or '-':<8} {state}")
    return ok


def status():
    return 0 if print_status() else 3


def run_tests():
    if not all(running_pid(part) and answers(part) for part in PARTS):
        print_status()
        raise StackError("The stack is not (fully) running: `make stack` first.")
    import unittest

    os.environ["CODERR_STACK_URL"] = PROXY_URL
    sys.path.insert(0, str(DEPLOY))
    suite = unittest.defaultTestLoader.discover(str(DEPLOY / "tests"), top_level_dir=str(DEPLOY / "tests"))
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    return 0 if result.wasSuccessful() else 1


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("start", "stop", "status", "test"))
    command = parser.parse_args(argv).command
    try:
        return {"start": start, "stop": stop, "status": status, "test": run_tests}[command]()
    except StackError as exc:
        print(f"make stack: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
