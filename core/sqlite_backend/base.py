"""SQLite backend that takes the write lock only for requests that may write.

With ATOMIC_REQUESTS every request runs in a transaction. Write transactions must be IMMEDIATE: a deferred
transaction that reads (the token lookup) and then writes cannot wait for a concurrent writer and fails
with "database is locked". Read-only requests, though, need no lock at all in WAL mode; making them
IMMEDIATE too would serialise every request of every worker. So safe-method requests (flagged by
`general_app.middleware.ReadOnlyRequestMiddleware`) begin DEFERRED and everything else IMMEDIATE.
"""

from contextvars import ContextVar

from django.db.backends.sqlite3 import base

read_only_request = ContextVar("read_only_request", default=False)


class DatabaseWrapper(base.DatabaseWrapper):
    def _start_transaction_under_autocommit(self):
        mode = "DEFERRED" if read_only_request.get() else self.transaction_mode
        self.cursor().execute(f"BEGIN {mode}" if mode else "BEGIN")
