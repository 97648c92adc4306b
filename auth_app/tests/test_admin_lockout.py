"""The admin login locks out an address or an account after ADMIN_LOGIN_FAILURE_LIMIT failures (django-axes).

The API's login is not part of it (its own throttle limits it) and never answers HTML. Across gunicorn
workers: test_admin_lockout_workers.py.
"""

import logging
from datetime import timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import F
from django.test import Client, RequestFactory, override_settings

from core.api.throttling import client_address
from core.testing import TEST_PASSWORD, CoderrTestCase

LOGIN = "/admin/login/"
LOCKED = "Account locked: too many login attempts. Please try again later."
WRONG = "wrong-Password-1"


class AdminLockoutTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.admin = self.make_user("", username="root", is_staff=True, is_superuser=True)
        self.limit = settings.AXES_FAILURE_LIMIT
        # axes logs every failure and lockout as a warning (for the operators); here they are expected.
        axes_log = logging.getLogger("axes")
        self.addCleanup(axes_log.setLevel, axes_log.level)
        axes_log.setLevel(logging.ERROR)

    def admin_login(self, username="root", password=WRONG, address="10.0.0.1", **headers):
        browser = Client(REMOTE_ADDR=address, **headers)
        response = browser.post(LOGIN, {"username": username, "password": password, "next": "/admin/"})
        response.signed_in = "_auth_user_id" in browser.session
        return response

    def fail(self, times, **login):
        for _ in range(times):
            response = self.admin_login(**login)
            self.assertStatus(response, 200)
            self.assertContains(response, "Please enter the correct username and password")

    def assertLockedOut(self, response):
        self.assertStatus(response, 429)
        self.assertEqual(response["Content-Type"], "text/html; charset=utf-8")
        self.assertContains(response, LOCKED, status_code=429)
        self.assertFalse(response.signed_in)

    def test_the_limit_is_five_failures_by_default(self):
        self.assertEqual(self.limit, 5)
        self.assertEqual(settings.AXES_COOLOFF_TIME, timedelta(minutes=15))
        self.assertEqual(settings.AXES_LOCKOUT_PARAMETERS, ["ip_address", "username"])

    def test_the_failure_that_reaches_the_limit_locks_the_login_even_for_the_right_password(self):
        self.fail(self.limit - 1)

        self.assertLockedOut(self.admin_login())
        self.assertLockedOut(self.admin_login(password=TEST_PASSWORD))
        self.assertEqual(AccessAttempt.objects.get().failures_since_start, self.limit + 1)

    def test_a_german_browser_gets_the_lockout_page_in_german(self):
        self.fail(self.limit - 1)

        response = self.admin_login(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")

        self.assertContains(response, "Zu viele fehlgeschlagene Anmeldeversuche", status_code=429)

    def test_an_address_is_locked_for_every_account(self):
        for n in range(self.limit):
            self.admin_login(username=f"guess{n}")

        self.assertLockedOut(self.admin_login(password=TEST_PASSWORD))
        self.assertTrue(self.admin_login(password=TEST_PASSWORD, address="10.0.0.2").signed_in)

    def test_an_account_is_locked_from_every_address(self):
        for n in range(self.limit):
            self.admin_login(address=f"10.0.1.{n}")

        self.assertLockedOut(self.admin_login(password=TEST_PASSWORD, address="10.0.2.1"))

    def test_the_lockout_ends_after_the_cool_off_time(self):
        self.fail(self.limit - 1)
        self.assertLockedOut(self.admin_login())

        AccessAttempt.objects.update(attempt_time=F("attempt_time") - settings.AXES_COOLOFF_TIME)

        response = self.admin_login(password=TEST_PASSWORD)
        self.assertStatus(response, 302)
        self.assertTrue(response.signed_in)

    def test_a_successful_login_below_the_limit_starts_the_count_again(self):
        self.fail(self.limit - 1)
        self.assertTrue(self.admin_login(password=TEST_PASSWORD).signed_in)

        self.fail(self.limit - 1)
        self.assertFalse(self.admin_login().signed_in)
        self.assertLockedOut(self.admin_login(password=TEST_PASSWORD))

    @override_settings(AXES_FAILURE_LIMIT=2, AXES_LOCKOUT_PARAMETERS=[["ip_address", "username"]])
    def test_the_limit_and_the_lockout_parameters_are_configurable(self):
        self.fail(1)
        self.assertLockedOut(self.admin_login())
        # Locked as a pair only: the same account from another address, another account from this one.
        self.assertTrue(self.admin_login(password=TEST_PASSWORD, address="10.0.0.2").signed_in)
        self.assertEqual(self.admin_login(username="other").status_code, 200)

    def test_api_logins_never_count_and_the_api_never_answers_html(self):
        self.fail(self.limit - 1, username="kevin")
        self.assertLockedOut(self.admin_login(username="kevin"))
        kevin = self.make_user("business", username="kevin")

        with override_settings(THROTTLING_ENABLED=False):
            for _ in range(2 * self.limit):
                response = self.anonymous().post("/api/login/", {"username": "kevin", "password": WRONG})
                self.assertStatus(response, 400)
                self.assertEqual(response["Content-Type"], "application/json")
            response = self.anonymous().post(
                "/api/login/", {"username": "kevin", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.1"
            )

        self.assertStatus(response, 200)
        self.assertTokenOf(response.json()["token"], kevin)
        self.assertEqual(AccessAttempt.objects.get().failures_since_start, self.limit)


class ClientAddressTests(CoderrTestCase):
    """The address the admin lockout counts by is the one the API throttles count by."""

    def address(self, **meta):
        return client_address(RequestFactory().post(LOGIN, **meta))

    def test_without_proxies_it_is_the_peer_address(self):
        self.assertEqual(self.address(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.7"), "10.0.0.9")

    @override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "NUM_PROXIES": 1})
    def test_behind_a_proxy_it_is_the_forwarded_address_and_never_a_non_address(self):
        self.assertEqual(
            self.address(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7"), "203.0.113.7"
        )
        self.assertEqual(self.address(REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="not-an-address"), "10.0.0.9")
