"""Readiness: can this process serve requests? The database, the cache (when REDIS_URL is set), the media storage.

Each check is bounded: the database by DB_CONNECT_TIMEOUT, the cache by CACHE_SOCKET_TIMEOUT, the storage by
HEALTH_CHECK_TIMEOUT (its client may have no timeout of its own: a hung network mount, an object store). What
failed is logged and counted (coderr_dependency_failures_total); the caller only learns which part failed.
"""

import logging
import os
import queue
import threading

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.db import DatabaseError, connection

from core.cache import CACHE_ERRORS
from core.observability.metrics import dependency_failed

logger = logging.getLogger("coderr.health")

OK = "ok"
UNAVAILABLE = "unavailable"
# A key nobody writes: asking whether it exists proves the storage answers, whatever it holds.
STORAGE_PROBE_KEY = "health/probe"
CACHE_PROBE_KEY = "health:probe"


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache():
    cache.set(CACHE_PROBE_KEY, 1, timeout=60)


def check_storage():
    if not StorageProbe.run(settings.HEALTH_CHECK_TIMEOUT):
        raise TimeoutError(f"no answer within {settings.HEALTH_CHECK_TIMEOUT}s")


class StorageProbe:
    """Asks the storage in a thread of its own, so that a hung storage cannot hold the request.

    The thread is kept for the next probe (storage clients such as boto3's are made once per thread). At most
    one probe is out at a time: while a hung one is still waiting, the storage counts as unavailable without
    asking it again.
    """

    _lock = threading.Lock()
    _jobs = None
    _pid = None
    # Set while no probe is out.
    idle = threading.Event()
    idle.set()

    @classmethod
    def run(cls, timeout):
        outcome, done = {}, threading.Event()
        with cls._lock:
            if not cls.idle.is_set():
                return False
            if cls._pid != os.getpid():  # first probe in this process (gunicorn forks after loading the app)
                cls._pid, cls._jobs = os.getpid(), queue.SimpleQueue()
                threading.Thread(target=cls._work, args=(cls._jobs,), name="storage-probe", daemon=True).start()
            cls.idle.clear()
            cls._jobs.put((outcome, done))
        done.wait(timeout)
        if "error" in outcome:
            raise outcome["error"]
        return "ok" in outcome

    @classmethod
    def _work(cls, jobs):
        while True:
            outcome, done = jobs.get()
            try:
                default_storage.exists(STORAGE_PROBE_KEY)
            except Exception as exc:  # whatever the storage backend raises, the caller reports it
                outcome["error"] = exc
            else:
                outcome["ok"] = True
            finally:
                cls.idle.set()
                done.set()


def readiness():
    """{part: "ok" | "unavailable"} for every part this deployment depends on."""
    checks = {"database": (check_database, DatabaseError)}
    if settings.REDIS_URL:
        checks["cache"] = (check_cache, CACHE_ERRORS)
    checks["storage"] = (check_storage, Exception)
    parts = {}
    for part, (check, errors) in checks.items():
        try:
            check()
        except errors as exc:
            logger.warning("Readiness: %s unavailable (%s)", part, exc.__class__.__name__)
            dependency_failed(part)
            parts[part] = UNAVAILABLE
        else:
            parts[part] = OK
    return parts
