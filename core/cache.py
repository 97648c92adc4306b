"""The shared cache (Redis when REDIS_URL is set), used so that an outage of it degrades the service, never fails it.

Two things use it, both through `guarded_cache`, and both work without it: the throttles let requests through
(core/api/throttling.py), and results cached under a data version are computed afresh (core/db/versions.py).
Sessions and tokens live in the database. Anything that starts using the cache must go through `guarded_cache`
and decide what to do without it.

After a failed call the cache is skipped for CACHE_FAILURE_BACKOFF seconds, so that while Redis is down or silent
only one request per process and back-off waits for the socket timeout; the next call after the back-off tries
again, so the service recovers by itself. Each process logs the outage when it starts, then at most once a
minute while it lasts, and once when the cache answers again.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from redis.exceptions import RedisError

from core.observability.metrics import dependency_failed

logger = logging.getLogger("coderr.cache")

# What an unreachable, silent or refusing cache raises (redis-py wraps most socket errors, not all).
CACHE_ERRORS = (RedisError, OSError)
OUTAGE_LOG_INTERVAL = 60


class CacheUnavailable(Exception):
    """The cache failed just now, or failed recently and is being skipped."""


class CacheBreaker:
    """Remembers a cache failure for a back-off, and when the outage was last logged (per process)."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reset()

    def reset(self):
        self.skip_until = 0.0
        self.down_since = None
        self.logged_at = None
        self.failures = 0

    def skipping(self):
        return time.monotonic() < self.skip_until

    def failed(self, exc):
        dependency_failed("cache")
        now = time.monotonic()
        with self._lock:
            self.skip_until = now + settings.CACHE_FAILURE_BACKOFF
            self.failures += 1
            if self.down_since is None:
                self.down_since = now
            log = self.logged_at is None or now - self.logged_at >= OUTAGE_LOG_INTERVAL
            if log:
                self.logged_at = now
        if log:
            logger.warning(
                "Cache unavailable (%s): throttles let requests through, cached results are computed afresh; "
                "retrying every %ss",
                exc.__class__.__name__,
                settings.CACHE_FAILURE_BACKOFF,
            )

    def succeeded(self):
        if self.down_since is None:
            return
        with self._lock:
            down_since, failures = self.down_since, self.failures
            self.reset()
        if down_since is not None:
            logger.warning(
                "Cache available again after %.1fs (%s failed calls)", time.monotonic() - down_since, failures
            )


breaker = CacheBreaker()


class GuardedCache:
    """The default cache's get and set, raising CacheUnavailable at once while the breaker skips the cache."""

    def get(self, key, default=None):
        return self._call(cache.get, key, default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT):
        return self._call(cache.set, key, value, timeout)

    @staticmethod
    def _call(method, *args):
        if breaker.skipping():
            raise CacheUnavailable
        try:
            result = method(*args)
        except CACHE_ERRORS as exc:
            breaker.failed(exc)
            raise CacheUnavailable from exc
        breaker.succeeded()
        return result


guarded_cache = GuardedCache()
