"""SQLite backend tuned for several server processes sharing one database file.

1. Transactions are writes: reads run in autocommit (there are no request transactions), and every
   `transaction.atomic()` belongs to a write service. Write transactions must be IMMEDIATE (settings'
   `transaction_mode`): a deferred transaction that reads and then writes cannot wait for a concurrent
   writer and fails with "database is locked". In WAL mode the autocommit reads take no lock at all.
2. Writers queue on an operating-system file lock before BEGIN IMMEDIATE. SQLite's own busy handler polls
   with growing sleeps (up to 100 ms), so under concurrent writes a waiting writer sleeps long after the
   lock is free (measured: p99 of 725 ms for POST /api/orders/ with 2 workers). `flock` wakes the next
   writer as soon as the previous one commits.
"""

import fcntl

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    _writer_lock_file = None
    _holds_writer_lock = False

    def _start_transaction_under_autocommit(self):
        mode = self.transaction_mode
        if mode == "IMMEDIATE" and not self.is_in_memory_db():
            self._acquire_writer_lock()
        try:
            self.cursor().execute(f"BEGIN {mode}" if mode else "BEGIN")
        except BaseException:
            self._release_writer_lock()
            raise

    def _commit(self):
        try:
            super()._commit()
        finally:
            self._release_writer_lock()

    def _rollback(self):
        try:
            super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self):
        try:
            super()._close()
        finally:
            self._release_writer_lock()
            if self._writer_lock_file is not None:
                self._writer_lock_file.close()
                self._writer_lock_file = None

    def _acquire_writer_lock(self):
        if self._writer_lock_file is None:
            self._writer_lock_file = open(f"{self.settings_dict['NAME']}.writer-lock", "a+b")  # noqa: SIM115
        fcntl.flock(self._writer_lock_file, fcntl.LOCK_EX)
        self._holds_writer_lock = True

    def _release_writer_lock(self):
        if self._holds_writer_lock:
            self._holds_writer_lock = False
            fcntl.flock(self._writer_lock_file, fcntl.LOCK_UN)
