"""core.db.sqlite_backend: writers of several connections queue on a file lock and start as soon as it is free."""

import tempfile
import threading
import time
from pathlib import Path
from unittest import skipUnless

from django.db import connection
from django.test import SimpleTestCase

from core.db.sqlite_backend.base import DatabaseWrapper

HOLD = 0.3  # seconds the first writer keeps its transaction open


@skipUnless(connection.vendor == "sqlite", "the SQLite backend only")
class WriterQueueTests(SimpleTestCase):
    def setUp(self):
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        self.settings = {**connection.settings_dict, "NAME": str(Path(folder.name) / "db.sqlite3")}
        setup = self.connect()
        setup.cursor().execute("CREATE TABLE t (x INTEGER)")
        setup.close()

    def connect(self):
        wrapper = DatabaseWrapper(self.settings, alias="writer-queue-test")
        wrapper.inc_thread_sharing()  # each connection is used by one thread, not the one that made it
        self.addCleanup(wrapper.close)
        return wrapper

    def write(self, wrapper, value, hold, times):
        wrapper.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        times[f"began {value}"] = time.monotonic()
        wrapper.cursor().execute("INSERT INTO t VALUES (%s)", [value])
        time.sleep(hold)
        wrapper.commit()
        times[f"committed {value}"] = time.monotonic()
        wrapper.set_autocommit(True)

    def test_a_waiting_writer_begins_right_after_the_first_commits(self):
        first, second, times = self.connect(), self.connect(), {}
        threads = [
            threading.Thread(target=self.write, args=(first, 1, HOLD, times)),
            threading.Thread(target=lambda: (time.sleep(0.05), self.write(second, 2, 0, times))),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        self.assertGreaterEqual(times["began 2"], times["committed 1"])
        # SQLite's busy handler alone would wake the second writer 50-100 ms late (it sleeps in steps).
        self.assertLess(times["began 2"] - times["committed 1"], 0.03)
        rows = self.connect().cursor().execute("SELECT x FROM t ORDER BY x").fetchall()
        self.assertEqual(rows, [(1,), (2,)])

    def test_autocommit_reads_take_no_writer_lock(self):
        # There are no request transactions: a read is one statement in autocommit and never waits for a writer.
        writer, reader, times = self.connect(), self.connect(), {}
        thread = threading.Thread(target=self.write, args=(writer, 1, HOLD, times))
        thread.start()
        time.sleep(0.05)
        started = time.monotonic()
        count = reader.cursor().execute("SELECT COUNT(*) FROM t").fetchone()
        self.assertLess(time.monotonic() - started, 0.1)
        self.assertEqual(count, (0,))  # the writer has not committed yet
        thread.join()
