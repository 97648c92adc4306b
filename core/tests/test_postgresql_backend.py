"""core.db.postgresql_backend: a reused connection is health-checked only after it sat idle between requests.

Each test drives its own connection through request boundaries as Django's request_started and
request_finished signals do (close_if_unusable_or_obsolete), and kills that connection's server process
from the test's own connection, as a database restart would.
"""

from unittest import mock, skipUnless

from django.db import connection
from django.db.utils import OperationalError
from django.test import SimpleTestCase, override_settings

from core.db.postgresql_backend.base import DatabaseWrapper


@skipUnless(connection.vendor == "postgresql", "the PostgreSQL backend only")
class IdleHealthCheckTests(SimpleTestCase):
    databases = {"default"}

    def setUp(self):
        self.wrapper = DatabaseWrapper({**connection.settings_dict, "CONN_MAX_AGE": 60}, alias="idle-check-test")
        self.addCleanup(self.wrapper.close)
        self.clock = 1000.0
        patcher = mock.patch("core.db.postgresql_backend.base.time.monotonic", side_effect=lambda: self.clock)
        patcher.start()
        self.addCleanup(patcher.stop)
        self.request()  # the connection is open and has served a request

    def request(self):
        """One request's statement between the two boundaries, after the given idle time."""
        self.wrapper.close_if_unusable_or_obsolete()
        with self.wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        self.wrapper.close_if_unusable_or_obsolete()
        return pid

    def kill_server_process(self):
        with self.wrapper.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with connection.cursor() as cursor:
            # Waits (up to 5 s) until the process has ended, so the next statement cannot race it.
            cursor.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
        return pid

    def idle(self, seconds):
        self.clock += seconds

    @override_settings(DB_HEALTH_CHECK_AFTER_IDLE=1.0)
    def test_back_to_back_requests_send_no_health_check(self):
        with mock.patch.object(self.wrapper, "is_usable", wraps=self.wrapper.is_usable) as is_usable:
            for _ in range(3):
                self.idle(0.2)
                self.request()
        self.assertEqual(is_usable.call_count, 0)

    @override_settings(DB_HEALTH_CHECK_AFTER_IDLE=1.0)
    def test_a_connection_idle_longer_is_checked_and_replaced_when_its_server_process_is_gone(self):
        killed = self.kill_server_process()
        self.idle(1.5)
        with mock.patch.object(self.wrapper, "is_usable", wraps=self.wrapper.is_usable) as is_usable:
            pid = self.request()
        self.assertEqual(is_usable.call_count, 1)
        self.assertNotEqual(pid, killed)

    @override_settings(DB_HEALTH_CHECK_AFTER_IDLE=1.0)
    def test_a_connection_that_broke_between_busy_requests_fails_one_request_and_is_then_replaced(self):
        # The price of skipping the check: the request that meets the broken connection fails (503 in the API).
        killed = self.kill_server_process()
        self.idle(0.2)
        with self.assertRaises(OperationalError):
            self.request()
        self.wrapper.close_if_unusable_or_obsolete()  # the failed request's end: Django drops the connection
        self.idle(0.2)
        self.assertNotEqual(self.request(), killed)

    @override_settings(DB_HEALTH_CHECK_AFTER_IDLE=0)
    def test_zero_checks_before_every_request_as_django_does(self):
        with mock.patch.object(self.wrapper, "is_usable", wraps=self.wrapper.is_usable) as is_usable:
            for _ in range(3):
                self.idle(0.2)
                self.request()
        self.assertEqual(is_usable.call_count, 3)
