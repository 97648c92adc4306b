"""POST /api/login/"""

from knox.models import AuthToken

from auth_app.api.serializers import IDENTIFIER_REQUIRED, INVALID_CREDENTIALS
from core.testing import TEST_PASSWORD, CoderrTestCase

URL = "/api/login/"
INVALID = {"non_field_errors": [INVALID_CREDENTIALS]}


class LoginTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.user = self.make_user("business", username="kevin", email="kevin@example.com")

    def assertLoggedIn(self, response, user=None):
        """The exact body of a login of `user`, whose token is a new live token of theirs."""
        user = user or self.user
        self.assertStatus(response, 200)
        body = response.json()
        self.assertTokenOf(body["token"], user)
        self.assertEqual(
            body,
            {
                "token": body["token"],
                "user_id": user.pk,
                "username": user.username,
                "email": user.email,
                "type": user.type,
            },
        )

    def test_login_by_username_answers_the_exact_body_and_creates_the_token(self):
        response = self.anonymous().post(URL, {"username": "kevin", "password": TEST_PASSWORD})
        self.assertLoggedIn(response)
        self.assertEqual(AuthToken.objects.filter(user=self.user).count(), 1)

    def test_login_by_email_answers_the_same_body(self):
        response = self.anonymous().post(URL, {"email": "kevin@example.com", "password": TEST_PASSWORD})
        self.assertLoggedIn(response)

    def test_customers_log_in_too(self):
        customer = self.make_user("customer", username="andrey")
        response = self.anonymous().post(URL, {"username": "andrey", "password": TEST_PASSWORD})
        self.assertLoggedIn(response, customer)

    def test_identifiers_match_in_any_letter_case(self):
        for body in ({"username": "KEVIN"}, {"email": "Kevin@EXAMPLE.com"}, {"username": "kevin@example.com"}):
            with self.subTest(body):
                response = self.anonymous().post(URL, {**body, "password": TEST_PASSWORD})
                self.assertStatus(response, 200)
                self.assertEqual(response.json()["user_id"], self.user.pk)

    def test_an_identifier_with_an_at_sign_that_is_a_username_logs_in_that_user(self):
        owner = self.make_user("customer", username="kevin@example.com", email="someone@example.com")
        response = self.anonymous().post(URL, {"username": "kevin@example.com", "password": TEST_PASSWORD})
        self.assertStatus(response, 200)
        self.assertEqual(response.json()["user_id"], owner.pk)

    def test_wrong_password_and_unknown_accounts_get_the_same_400(self):
        for label, body in [
            ("wrong password", {"username": "kevin", "password": "wrong-Password-1"}),
            ("unknown username", {"username": "nobody", "password": TEST_PASSWORD}),
            ("unknown email", {"email": "nobody@example.com", "password": TEST_PASSWORD}),
            ("password with one character too many", {"username": "kevin", "password": TEST_PASSWORD + "x"}),
        ]:
            with self.subTest(label):
                response = self.anonymous().post(URL, body)
                self.assertStatus(response, 400)
                self.assertEqual(response.json(), INVALID)
        self.assertFalse(AuthToken.objects.exists())

    def test_an_inactive_account_gets_the_same_400(self):
        self.user.is_active = False
        self.user.save()
        response = self.anonymous().post(URL, {"username": "kevin", "password": TEST_PASSWORD})
        self.assertStatus(response, 400)
        self.assertEqual(response.json(), INVALID)

    def test_missing_identifier_or_password_is_400_naming_the_field(self):
        response = self.anonymous().post(URL, {"password": TEST_PASSWORD})
        self.assertEqual(response.json(), {"username": [IDENTIFIER_REQUIRED]})
        response = self.anonymous().post(URL, {"username": "", "email": "", "password": TEST_PASSWORD})
        self.assertEqual(response.json(), {"username": [IDENTIFIER_REQUIRED]})
        self.assertFieldError(self.anonymous().post(URL, {"username": "kevin"}), "password")

    def test_every_login_issues_a_new_token_and_the_earlier_ones_stay_valid(self):
        first = self.anonymous().post(URL, {"username": "kevin", "password": TEST_PASSWORD}).json()["token"]
        second = self.anonymous().post(URL, {"email": "kevin@example.com", "password": TEST_PASSWORD}).json()["token"]
        self.assertNotEqual(first, second)
        self.assertTokenOf(first, self.user)
        self.assertTokenOf(second, self.user)
        self.assertEqual(AuthToken.objects.filter(user=self.user).count(), 2)

    def test_a_stale_token_does_not_block_login(self):
        response = self.stale_token_client().post(URL, {"username": "kevin", "password": TEST_PASSWORD})
        self.assertStatus(response, 200)

    def test_the_21st_login_from_one_address_within_a_minute_is_429(self):
        for attempt in range(20):
            password = TEST_PASSWORD if attempt % 2 else "wrong-Password-1"
            response = self.anonymous().post(URL, {"username": "kevin", "password": password})
            self.assertIn(response.status_code, (200, 400))
        response = self.anonymous().post(URL, {"username": "kevin", "password": TEST_PASSWORD})
        self.assertStatus(response, 429)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(list(response.json()), ["detail"])
        self.assertTrue(1 <= int(response["Retry-After"]) <= 60)

    def test_the_login_throttle_counts_per_address(self):
        for _ in range(20):
            self.anonymous().post(URL, {"username": "kevin", "password": "wrong"}, REMOTE_ADDR="10.0.0.1")
        response = self.anonymous().post(URL, {"username": "kevin", "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.2")
        self.assertStatus(response, 200)
