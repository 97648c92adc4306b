"""Results cached under a token that every write to their data replaces: exact, and shared by all app servers.

A `DataVersion` subclass is a one-row table. Every write to the data it covers replaces the row's token in
the writing transaction (`changed()`; the subclass's app says which writes call it, mostly by signals). A
reader reads the token first (one row by primary key, a prepared statement) and looks its result up in the
cache under that token, computing and storing it on a miss (`cached()`). Once a write has committed, every
later read sees the new token and computes afresh, in every process: a new or deleted row shows in the very
next answer. A result stored under an old token by a read that overlapped the write is never read again.

Tokens are random rather than counted up, so no token comes back: a rolled-back write leaves the old token,
which still describes the data, and a recreated database (the benchmark's) starts from a new one while the
cache (Redis) keeps the old database's entries.

The cache is the default one (core.cache): Redis when REDIS_URL is set, so that all servers share each
result, else the process's memory, which is still exact because the token is read from the database. While
the cache is unavailable, or without the row (a test database flushed by TransactionTestCase), results are
computed on every read.

Writes that send no signals (bulk_create, QuerySet.update, raw SQL) must call `changed()` themselves.
"""

import contextlib
import hashlib
import secrets

from django.db import models

from core.cache import CacheUnavailable, guarded_cache
from core.db.prepared import PreparedQuery

ROW = 1
# Entries under a replaced token are dead weight: they expire, or the in-memory cache culls them.
CACHE_SECONDS = 3600


def new_token():
    return secrets.randbits(63)  # fits a signed 64-bit column


_TOKEN_QUERIES = {}


class DataVersion(models.Model):
    """A one-row table whose token is replaced with every write to the data it covers (see the module docstring)."""

    token = models.BigIntegerField(default=new_token)

    class Meta:
        abstract = True

    @classmethod
    def changed(cls):
        """Replace the token, inside the writing transaction: results cached under the old one are not read again."""
        if not cls.objects.filter(pk=ROW).update(token=new_token()):
            cls.objects.get_or_create(pk=ROW)

    @classmethod
    def cached(cls, name, compute):
        """`compute()`'s result for the data as it is now, from the cache when the token has not changed since.

        `name` tells results apart: any value with a stable repr (a tuple of filters and their values).
        """
        token = cls.current_token()
        if token is None:
            return compute()
        digest = hashlib.blake2b(repr(name).encode(), digest_size=16).hexdigest()
        key = f"{cls._meta.label_lower}:{token}:{digest}"
        try:
            value = guarded_cache.get(key)
        except CacheUnavailable:
            return compute()
        if value is None:
            value = compute()
            with contextlib.suppress(CacheUnavailable):
                guarded_cache.set(key, value, CACHE_SECONDS)
        return value

    @classmethod
    def current_token(cls):
        """The token as the database holds it now, or None without the row."""
        query = _TOKEN_QUERIES.get(cls)
        if query is None:
            query = _TOKEN_QUERIES[cls] = PreparedQuery(lambda: cls.objects.filter(pk=ROW).values("token"))
        row = query.first()
        return None if row is None else row["token"]
