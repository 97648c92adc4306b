"""gunicorn settings of a Coderr app server: `gunicorn core.wsgi:application -c deploy/gunicorn.conf.py`.

Every value comes from the environment or `.env` (python-decouple, like core/settings.py); options given on
the command line win (`make serve` passes --bind). Starting a server never migrates or collects static files:
`make release` does that once per deploy (README, "Deploying to several machines").

Logging: gunicorn's own lines (start, worker boots and timeouts) come out in the app's format, and its access
log is off unless GUNICORN_ACCESS_LOG names a file ("-" for stdout): the app writes one access line per
request itself (the `coderr.access` logger, with the request id), so a second one from gunicorn would only
duplicate it.
"""

import sys
from pathlib import Path

import decouple

ROOT = Path(__file__).resolve().parent.parent
# gunicorn takes every module-level name that is one of its settings (`config` is one): hence `decouple.config`.
# The server may run from another working directory (`make stack` gives each its own).
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Read by gunicorn by their names: the app's log format for gunicorn's lines, prometheus-client's worker files.
from core.gunicorn_response import install as single_write_responses  # noqa: E402
from core.observability.gunicorn import child_exit, logger_class, on_starting  # noqa: E402, F401


def post_worker_init(worker):
    """Each response leaves in one write, so that a dying server never sends half of one (core/gunicorn_response.py)."""
    single_write_responses()


wsgi_app = "core.wsgi:application"
proc_name = "coderr"
bind = decouple.config("GUNICORN_BIND", default="127.0.0.1:8000")
# Sync workers: one request at a time each, the model the benchmarks measure; about 2 per core.
workers = decouple.config("WEB_CONCURRENCY", default=2, cast=int)
worker_class = "sync"
# A worker silent for this long is killed and replaced (its request answers 502 at the proxy, which retries
# idempotent requests on another server).
timeout = decouple.config("GUNICORN_TIMEOUT", default=30, cast=int)
# On SIGTERM (a deploy, systemctl stop) workers finish their requests for at most this long.
graceful_timeout = decouple.config("GUNICORN_GRACEFUL_TIMEOUT", default=20, cast=int)
# Replace each worker after about this many requests, at staggered times, so that slow leaks cannot grow.
max_requests = decouple.config("GUNICORN_MAX_REQUESTS", default=1000, cast=int)
max_requests_jitter = decouple.config("GUNICORN_MAX_REQUESTS_JITTER", default=100, cast=int)
# Seconds an idle keep-alive connection stays open (sync workers close every connection after its request).
keepalive = 5
accesslog = decouple.config("GUNICORN_ACCESS_LOG", default="") or None
errorlog = "-"
loglevel = decouple.config("GUNICORN_LOG_LEVEL", default="info")
pidfile = decouple.config("GUNICORN_PID_FILE", default="") or None
# The proxies whose X-Forwarded-* headers gunicorn believes (Django reads them through NUM_PROXIES and
# USE_X_FORWARDED_PROTO, see deploy/nginx.conf).
forwarded_allow_ips = decouple.config("FORWARDED_ALLOW_IPS", default="127.0.0.1")
# Workers' heartbeat files in memory: a slow or full /tmp must not make the master think workers hang.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None
# gunicorn's control socket is one path per user: several servers on one machine would fight over it.
control_socket_disable = True
