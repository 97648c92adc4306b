"""gunicorn settings that fit the app's logging and metrics: `gunicorn -c python:core.observability.gunicorn`.

A config file of its own (deploy/) can take these over with
`from core.observability.gunicorn import logger_class, on_starting, child_exit`.

- gunicorn's own lines (start, workers booting, timeouts) come out in the app's format (LOG_FORMAT) with the
  request id field. Its access log stays off unless asked for: the app writes one access line per request
  (`coderr.access`), which replaces it.
- PROMETHEUS_MULTIPROC_DIR, when set, is cleared of metric files as gunicorn starts (an earlier run's counts
  would be added to this one's), and each worker that exits is marked dead in it.
"""

import os
from pathlib import Path

import decouple
from gunicorn import glogging

from core.observability.logs import RequestIdFilter, make_formatter


class GunicornLogger(glogging.Logger):
    """gunicorn's error log (its own messages) in the app's format; the access log, if configured, as gunicorn's."""

    def setup(self, cfg):
        super().setup(cfg)
        formatter = make_formatter(decouple.config("LOG_FORMAT", default="console"))
        for handler in self.error_log.handlers:
            handler.setFormatter(formatter)
            handler.addFilter(RequestIdFilter())


def multiproc_dir():
    return decouple.config("PROMETHEUS_MULTIPROC_DIR", default="")


def on_starting(server):
    path = multiproc_dir()
    if path:
        directory = Path(path)
        directory.mkdir(parents=True, exist_ok=True)
        # Only prometheus-client's files: the operator may have pointed it at a directory that holds others.
        for stale in directory.glob("*.db"):
            stale.unlink(missing_ok=True)


def child_exit(server, worker):
    if multiproc_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, multiproc_dir())


# Module-level names are read as gunicorn settings: only these three are meant as such (decouple's `config` is
# imported as a module for that reason).
logger_class = GunicornLogger
# Through decouple like every setting, so that a key in .env reaches prometheus-client in the workers too.
if multiproc_dir():
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = multiproc_dir()
