"""API tokens: one per sign-in, stored only as a digest, expiring when idle, revoked one by one or all at once.

Every way to end a token that README "API tokens" documents is proven here: logout, logout everywhere, idle
expiry, the admin, the shell, deleting or deactivating the user.
"""

import contextlib
import hashlib
from datetime import timedelta
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from core.testing import TEST_PASSWORD, CoderrTestCase, make_offer

INVALID_TOKEN = {"detail": "Invalid token."}
INACTIVE_USER = {"detail": "User inactive or deleted."}
IDLE_TIME = timedelta(days=14)


@contextlib.contextmanager
def at(moment):
    """The application's clock (django.utils.timezone.now, which knox and the authentication read) shows `moment`."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


class TokenTestCase(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.user = self.make_user("customer")
        # Probed on someone else's profile, so a 401 cannot be confused with "your profile is gone".
        self.other = self.make_user("business")

    def login(self, **headers):
        response = APIClient().post(
            "/api/login/", {"username": self.user.username, "password": TEST_PASSWORD}, format="json", **headers
        )
        self.assertStatus(response, 200)
        return response.json()["token"]

    def with_token(self, token):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    def probe(self, token):
        """An authenticated request with the token: GET another user's profile."""
        return self.with_token(token).get(f"/api/profile/{self.other.pk}/")

    def assertWorks(self, token):
        self.assertStatus(self.probe(token), 200)

    def assertRevoked(self, token, body=INVALID_TOKEN):
        response = self.probe(token)
        self.assertStatus(response, 401)
        self.assertEqual(response.json(), body)
        self.assertEqual(response["WWW-Authenticate"], "Token")


class SignInTests(TokenTestCase):
    def test_registration_and_every_login_issue_a_new_token_and_all_of_them_work(self):
        registration = APIClient().post(
            "/api/registration/",
            {
                "username": "signins",
                "email": "signins@example.com",
                "password": TEST_PASSWORD,
                "repeated_password": TEST_PASSWORD,
                "type": "business",
            },
            format="json",
        )
        self.assertStatus(registration, 201)
        self.user = AuthToken.objects.get(digest=hash_token(registration.json()["token"])).user

        tokens = [registration.json()["token"], self.login(), self.login()]

        self.assertEqual(len(set(tokens)), 3)
        self.assertEqual(AuthToken.objects.filter(user=self.user).count(), 3)
        for token in tokens:
            self.assertTokenOf(token, self.user)
            self.assertWorks(token)

    def test_two_sign_ins_of_one_account_hold_two_working_tokens(self):
        first, second = self.login(), self.login()

        self.assertNotEqual(first, second)
        self.assertWorks(first)
        self.assertWorks(second)
        self.assertEqual(self.with_token(first).get("/api/orders/").json(), [])
        self.assertEqual(self.with_token(second).get("/api/orders/").json(), [])

    def test_the_database_holds_no_usable_key(self):
        token = self.login()
        self.assertWorks(token)

        # Every column of every row of every table, as text: the key appears nowhere.
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                for row in cursor.fetchall():
                    for value in row:
                        text = value.hex() if isinstance(value, bytes | memoryview) else str(value)
                        self.assertNotIn(token, text, table)
        # What is stored: the SHA-512 digest of the key, and its first 15 characters to find it by.
        stored = AuthToken.objects.get(user=self.user)
        self.assertEqual(stored.digest, hashlib.sha512(token.encode()).hexdigest())
        self.assertEqual(stored.token_key, token[:15])

    def test_a_key_differing_only_after_the_stored_prefix_is_refused(self):
        token = self.login()
        forged = token[:15] + "0" * (len(token) - 15)

        self.assertRevoked(forged)


class LogoutTests(TokenTestCase):
    def test_logout_revokes_only_the_calling_token(self):
        first, second = self.login(), self.login()

        response = self.with_token(first).post("/api/logout/")

        self.assertStatus(response, 204)
        self.assertEqual(response.content, b"")
        self.assertRevoked(first)
        self.assertWorks(second)
        self.assertEqual(list(AuthToken.objects.values_list("digest", flat=True)), [hash_token(second)])

    def test_logout_all_ends_every_sign_in_of_the_account_and_no_one_elses(self):
        first, second = self.login(), self.login()
        others = self.client_for(self.other)

        response = self.with_token(first).post("/api/logout/all/")

        self.assertStatus(response, 204)
        self.assertEqual(response.content, b"")
        self.assertRevoked(first)
        self.assertRevoked(second)
        self.assertFalse(AuthToken.objects.filter(user=self.user).exists())
        self.assertStatus(others.get(f"/api/profile/{self.other.pk}/"), 200)

    def test_logout_with_a_revoked_token_is_401(self):
        token = self.login()
        self.with_token(token).post("/api/logout/")

        for path in ("/api/logout/", "/api/logout/all/"):
            with self.subTest(path):
                response = self.with_token(token).post(path)
                self.assertStatus(response, 401)
                self.assertEqual(response.json(), INVALID_TOKEN)

    def test_login_after_logout_returns_a_new_token_and_only_the_new_one_works(self):
        old = self.login()
        self.with_token(old).post("/api/logout/")

        new = self.login()

        self.assertNotEqual(new, old)
        self.assertWorks(new)
        self.assertRevoked(old)

    def test_login_works_while_the_client_still_sends_its_revoked_token(self):
        old = self.login()
        self.with_token(old).post("/api/logout/")

        new = self.login(HTTP_AUTHORIZATION=f"Token {old}")

        self.assertNotEqual(new, old)


class IdleExpiryTests(TokenTestCase):
    def setUp(self):
        super().setUp()
        self.start = timezone.now()
        make_offer(self.other)

    def test_the_idle_time_is_fourteen_days_by_default(self):
        self.assertEqual(settings.TOKEN_IDLE_DAYS, 14)
        with at(self.start):
            token = self.login()
        self.assertEqual(AuthToken.objects.get(digest=hash_token(token)).expiry, self.start + IDLE_TIME)

    def test_an_idle_expired_token_gets_401_on_orders_and_counts_as_anonymous_on_offers(self):
        with at(self.start):
            token = self.login()
        anonymous = APIClient().get("/api/offers/")

        with at(self.start + IDLE_TIME + timedelta(seconds=1)):
            orders = self.with_token(token).get("/api/orders/")
            offers = self.with_token(token).get("/api/offers/")

        self.assertStatus(orders, 401)
        self.assertEqual(orders.json(), INVALID_TOKEN)
        self.assertEqual(orders["WWW-Authenticate"], "Token")
        self.assertStatus(offers, 200)
        self.assertEqual(offers.json(), anonymous.json())
        self.assertEqual(offers.json()["count"], 1)

    def test_a_token_is_still_valid_at_the_last_moment_of_its_idle_time(self):
        with at(self.start):
            token = self.login()

        with at(self.start + IDLE_TIME), self.captureOnCommitCallbacks(execute=True):
            response = self.with_token(token).get("/api/orders/")

        self.assertStatus(response, 200)

    def test_a_token_in_use_is_renewed_so_only_idleness_ends_it(self):
        with at(self.start):
            token = self.login()
        used = self.start + timedelta(days=10)
        with at(used), self.captureOnCommitCallbacks(execute=True):
            self.assertStatus(self.with_token(token).get("/api/orders/"), 200)
        self.assertEqual(AuthToken.objects.get(digest=hash_token(token)).expiry, used + IDLE_TIME)

        # 20 days after sign-in, but only 10 after the last use: still valid; then 14 idle days end it.
        with at(self.start + timedelta(days=20)):
            self.assertStatus(self.with_token(token).get("/api/orders/"), 200)
        with at(used + IDLE_TIME + timedelta(seconds=1)):
            self.assertStatus(self.with_token(token).get("/api/orders/"), 401)

    def test_the_renewal_is_written_at_most_once_per_minute_per_token(self):
        with at(self.start):
            token = self.login()
            other_token = self.login()
        seconds = [0, 10, 59, 60, 61, 62, 90, 121, 122, 300]

        renewals = []
        for second in seconds:
            with (
                at(self.start + timedelta(seconds=second)),
                CaptureQueriesContext(connection) as queries,
                self.captureOnCommitCallbacks(execute=True),
            ):
                self.assertStatus(self.with_token(token).get("/api/orders/"), 200)
                self.assertStatus(self.with_token(other_token).get("/api/offers/"), 200)
            updates = [query["sql"] for query in queries if query["sql"].startswith("UPDATE")]
            renewals.append(len(updates))
            for sql in updates:
                self.assertIn('"knox_authtoken"', sql)

        # A token's expiry is written when it would move by more than 60 s, i.e. more than a minute after the
        # last write: at 61 s, 122 s and 300 s, for both tokens alike (a public GET renews too), never at 60 s.
        self.assertEqual(dict(zip(seconds, renewals, strict=True)), {
            0: 0, 10: 0, 59: 0, 60: 0, 61: 2, 62: 0, 90: 0, 121: 0, 122: 2, 300: 2,
        })  # fmt: skip
        for key in (token, other_token):
            stored = AuthToken.objects.get(digest=hash_token(key))
            self.assertEqual(stored.expiry, self.start + timedelta(seconds=300) + IDLE_TIME)

    def test_a_renewal_due_when_the_token_is_revoked_finds_nothing_to_write(self):
        with at(self.start):
            token = self.login()

        with at(self.start + timedelta(days=1)), self.captureOnCommitCallbacks(execute=True) as callbacks:
            response = self.with_token(token).post("/api/logout/")

        self.assertStatus(response, 204)
        self.assertEqual(len(callbacks), 1)
        self.assertFalse(AuthToken.objects.exists())

    def test_login_deletes_the_accounts_expired_tokens(self):
        with at(self.start):
            expired = self.login()
        with at(self.start + timedelta(days=7)):
            live = self.login()
        other = self.client_for(self.other)
        AuthToken.objects.filter(user=self.other).update(expiry=self.start)

        with at(self.start + IDLE_TIME + timedelta(days=1)):
            new = self.login()

        self.assertEqual(
            sorted(AuthToken.objects.filter(user=self.user).values_list("digest", flat=True)),
            sorted([hash_token(live), hash_token(new)]),
        )
        self.assertNotIn(hash_token(expired), AuthToken.objects.values_list("digest", flat=True))
        # Another account's tokens, expired or not, are not this login's business.
        self.assertTrue(AuthToken.objects.filter(digest=hash_token(other.token)).exists())


class RevocationTests(TokenTestCase):
    def test_deleting_the_user_revokes_all_their_tokens(self):
        first, second = self.login(), self.login()

        self.user.delete()

        self.assertFalse(AuthToken.objects.exists())
        self.assertRevoked(first)
        self.assertRevoked(second)

    def test_deactivating_the_user_revokes_all_their_tokens_and_reactivating_revives_none(self):
        first, second = self.login(), self.login()

        self.user.is_active = False
        self.user.save(update_fields=["is_active"])

        self.assertFalse(AuthToken.objects.filter(user=self.user).exists())
        self.assertRevoked(first)
        self.assertRevoked(second)
        self.user.is_active = True
        self.user.save(update_fields=["is_active"])
        self.assertRevoked(first)

    def test_a_user_deactivated_without_save_is_refused_at_once(self):
        token = self.login()

        type(self.user).objects.filter(pk=self.user.pk).update(is_active=False)

        self.assertRevoked(token, body=INACTIVE_USER)

    def test_the_shell_command_from_the_readme_revokes_a_users_tokens(self):
        first, second = self.login(), self.login()

        call_command(
            "shell",
            verbosity=0,
            command=(
                "from knox.models import AuthToken; "
                f"AuthToken.objects.filter(user__username={self.user.username!r}).delete()"
            ),
        )

        self.assertRevoked(first)
        self.assertRevoked(second)
        self.assertWorks(self.login())


class TokenAdminTests(TokenTestCase):
    def setUp(self):
        super().setUp()
        self.admin = Client()
        self.admin.force_login(self.make_user("", is_staff=True, is_superuser=True))

    def test_the_admin_lists_a_users_tokens_without_their_keys_or_digests(self):
        tokens = [self.login(), self.login()]
        other = self.client_for(self.other).token

        pages = {
            "user page": self.admin.get(reverse("admin:auth_app_user_change", args=[self.user.pk])),
            "token list": self.admin.get(reverse("admin:knox_authtoken_changelist"), {"q": self.user.username}),
        }

        self.assertEqual(pages["token list"].context["cl"].result_count, 2)
        self.assertEqual({token.user_id for token in pages["token list"].context["cl"].result_list}, {self.user.pk})
        self.assertIn("2 live, 0 expired: list or revoke", pages["user page"].content.decode())
        for name, page in pages.items():
            with self.subTest(name):
                self.assertStatus(page, 200)
                content = page.content.decode()
                for key in [*tokens, other]:
                    self.assertNotIn(key, content)
                    self.assertNotIn(key[:15], content)

    def test_the_admin_cannot_make_or_change_a_token(self):
        token = self.login()
        stored = AuthToken.objects.get(digest=hash_token(token))

        add = self.admin.get(reverse("admin:knox_authtoken_add"))
        change = self.admin.post(reverse("admin:knox_authtoken_change", args=[stored.pk]), {"user": self.other.pk})

        self.assertStatus(add, 403)
        self.assertStatus(change, 403)
        self.assertEqual(AuthToken.objects.get(digest=hash_token(token)).user, self.user)

    def test_deleting_a_token_in_the_admin_revokes_that_sign_in_only(self):
        token, kept = self.login(), self.login()
        stored = AuthToken.objects.get(digest=hash_token(token))

        response = self.admin.post(reverse("admin:knox_authtoken_delete", args=[stored.pk]), {"post": "yes"})

        self.assertStatus(response, 302)
        self.assertRevoked(token)
        self.assertWorks(kept)

    def test_the_admin_revokes_every_token_of_a_user_at_once_from_the_list(self):
        tokens = [self.login(), self.login()]
        other = self.client_for(self.other).token

        response = self.admin.post(
            reverse("admin:knox_authtoken_changelist"),
            {"action": "delete_selected", "_selected_action": [hash_token(token) for token in tokens], "post": "yes"},
        )

        self.assertStatus(response, 302)
        for token in tokens:
            self.assertRevoked(token)
        self.assertStatus(self.with_token(other).get(f"/api/profile/{self.other.pk}/"), 200)
