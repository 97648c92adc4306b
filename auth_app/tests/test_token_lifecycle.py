"""API tokens: stable from registration until logout, and revoked by logout, the admin, the shell or deletion.

Tokens do not expire; these tests prove every documented way to revoke one (README, "API tokens").
"""

from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.testing import TEST_PASSWORD, CoderrTestCase

INVALID_TOKEN = {"detail": "Invalid token."}
INACTIVE_USER = {"detail": "User inactive or deleted."}


class TokenLifecycleTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.user = self.make_user("customer")
        # Revocation is probed on someone else's profile, so a 401 cannot be confused with "your profile is gone".
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

    def assertRevoked(self, token, body=INVALID_TOKEN):
        response = self.probe(token)
        self.assertStatus(response, 401)
        self.assertEqual(response.json(), body)
        self.assertEqual(response["WWW-Authenticate"], "Token")

    def test_registration_and_every_login_return_the_same_token_until_logout(self):
        registration = APIClient().post(
            "/api/registration/",
            {
                "username": "stable",
                "email": "stable@example.com",
                "password": TEST_PASSWORD,
                "repeated_password": TEST_PASSWORD,
                "type": "business",
            },
            format="json",
        )
        self.assertStatus(registration, 201)
        self.user = Token.objects.get(key=registration.json()["token"]).user

        tokens = {registration.json()["token"], self.login(), self.login()}

        self.assertEqual(len(tokens), 1)
        self.assertEqual(list(Token.objects.filter(user=self.user).values_list("key", flat=True)), list(tokens))
        self.assertStatus(self.probe(tokens.pop()), 200)

    def test_logout_revokes_the_token(self):
        token = self.login()
        self.assertStatus(self.probe(token), 200)

        response = self.with_token(token).post("/api/logout/")

        self.assertStatus(response, 204)
        self.assertEqual(response.content, b"")
        self.assertFalse(Token.objects.filter(user=self.user).exists())
        self.assertRevoked(token)

    def test_logout_with_a_revoked_token_is_401(self):
        token = self.login()
        self.with_token(token).post("/api/logout/")

        response = self.with_token(token).post("/api/logout/")

        self.assertStatus(response, 401)
        self.assertEqual(response.json(), INVALID_TOKEN)

    def test_login_after_logout_returns_a_new_token_and_only_the_new_one_works(self):
        old = self.login()
        self.with_token(old).post("/api/logout/")

        new = self.login()

        self.assertNotEqual(new, old)
        self.assertStatus(self.probe(new), 200)
        self.assertRevoked(old)

    def test_login_works_while_the_client_still_sends_its_revoked_token(self):
        old = self.login()
        self.with_token(old).post("/api/logout/")

        new = self.login(HTTP_AUTHORIZATION=f"Token {old}")

        self.assertNotEqual(new, old)

    def test_a_deleted_users_token_stops_working(self):
        token = self.login()

        self.user.delete()

        self.assertFalse(Token.objects.filter(key=token).exists())
        self.assertRevoked(token)

    def test_a_deactivated_users_token_stops_working(self):
        token = self.login()

        self.user.is_active = False
        self.user.save(update_fields=["is_active"])

        self.assertRevoked(token, body=INACTIVE_USER)

    def test_deleting_the_token_in_the_admin_revokes_it(self):
        token = self.login()
        admin = Client()
        admin.force_login(self.make_user("", is_staff=True, is_superuser=True))

        response = admin.post(f"/admin/authtoken/tokenproxy/{self.user.pk}/delete/", {"post": "yes"})

        self.assertStatus(response, 302)
        self.assertFalse(Token.objects.filter(key=token).exists())
        self.assertRevoked(token)

    def test_the_shell_command_from_the_readme_revokes_a_users_token(self):
        token = self.login()

        call_command(
            "shell",
            verbosity=0,
            command=(
                "from rest_framework.authtoken.models import Token; "
                f"Token.objects.filter(user__username={self.user.username!r}).delete()"
            ),
        )

        self.assertRevoked(token)
        self.assertStatus(self.probe(self.login()), 200)
