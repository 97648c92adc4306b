"""POST /api/registration/"""

from unittest import mock

from django.contrib.auth import get_user_model
from knox.models import AuthToken

from auth_app.api.serializers import EMAIL_TAKEN, PASSWORDS_DIFFER, USERNAME_TAKEN, RegistrationSerializer
from core.testing import CoderrTestCase
from profile_app.models import Profile

User = get_user_model()

URL = "/api/registration/"
PASSWORD = "Kx9!vTq2#mPz"


def payload(**overrides):
    return {
        "username": "maxweber",
        "email": "max@example.com",
        "password": PASSWORD,
        "repeated_password": PASSWORD,
        "type": "business",
        **overrides,
    }


class RegistrationTests(CoderrTestCase):
    def assertNothingCreated(self):
        self.assertFalse(User.objects.filter(username__iexact="maxweber").exists())
        self.assertEqual(AuthToken.objects.count(), 0)
        self.assertEqual(Profile.objects.count(), User.objects.count())

    def test_registers_each_type_with_user_profile_and_token(self):
        for user_type in ("business", "customer"):
            with self.subTest(user_type):
                username = f"new{user_type}"
                response = self.anonymous().post(
                    URL, payload(username=username, email=f"{username}@example.com", type=user_type)
                )
                self.assertStatus(response, 201)
                user = User.objects.get(username=username)
                token = response.json()["token"]
                self.assertTokenOf(token, user)
                self.assertEqual(
                    response.json(),
                    {
                        "token": token,
                        "user_id": user.pk,
                        "username": username,
                        "email": f"{username}@example.com",
                        "type": user_type,
                    },
                )
                self.assertEqual(user.type, user_type)
                self.assertTrue(user.check_password(PASSWORD))
                self.assertTrue(Profile.objects.filter(user=user).exists())

    def test_the_new_token_opens_the_new_users_profile(self):
        body = self.anonymous().post(URL, payload()).json()
        client = self.anonymous()
        client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
        response = client.get(f"/api/profile/{body['user_id']}/")
        self.assertStatus(response, 200)
        self.assertEqual((response.json()["username"], response.json()["type"]), ("maxweber", "business"))

    def test_the_email_domain_is_normalised(self):
        response = self.anonymous().post(URL, payload(email="Max@EXAMPLE.com"))
        self.assertStatus(response, 201)
        self.assertEqual(response.json()["email"], "Max@example.com")

    def test_a_stale_token_does_not_block_registration(self):
        self.assertStatus(self.stale_token_client().post(URL, payload()), 201)

    def test_a_missing_field_is_400_naming_it(self):
        for field in ("username", "email", "password", "repeated_password", "type"):
            with self.subTest(field):
                body = payload()
                del body[field]
                response = self.anonymous().post(URL, body)
                self.assertFieldError(response, field)
                self.assertEqual(response.json()[field], ["This field is required."])
                self.assertNothingCreated()

    def test_invalid_values_are_400_naming_the_field(self):
        for field, value in [
            ("type", "admin"),
            ("type", ""),
            ("type", None),
            ("username", ""),
            ("username", "max weber!"),
            ("username", "x" * 151),
            ("email", "not-an-email"),
            ("email", ""),
        ]:
            with self.subTest(field=field, value=value):
                self.assertFieldError(self.anonymous().post(URL, payload(**{field: value})), field)
                self.assertNothingCreated()

    def test_different_passwords_are_400_on_repeated_password(self):
        response = self.anonymous().post(URL, payload(repeated_password=PASSWORD + "x"))
        self.assertStatus(response, 400)
        self.assertEqual(response.json(), {"repeated_password": [PASSWORDS_DIFFER]})
        self.assertNothingCreated()

    def test_weak_passwords_are_400_on_password(self):
        for label, password in [
            ("too short", "Ab1!"),
            ("too common", "password123"),
            ("entirely numeric", "8301947261538"),
            ("too similar to the username", "maxweber1"),
        ]:
            with self.subTest(label):
                response = self.anonymous().post(URL, payload(password=password, repeated_password=password))
                self.assertFieldError(response, "password")
                self.assertEqual(list(response.json()), ["password"])
                self.assertNothingCreated()

    def test_a_taken_username_in_any_letter_case_is_400(self):
        self.make_user(username="MaxWeber")
        response = self.anonymous().post(URL, payload(username="maxWEBER", email="other@example.com"))
        self.assertStatus(response, 400)
        self.assertEqual(response.json(), {"username": [USERNAME_TAKEN]})
        self.assertEqual(User.objects.filter(username__iexact="maxweber").count(), 1)

    def test_a_taken_email_in_any_letter_case_is_400(self):
        self.make_user(username="someone", email="Max@Example.com")
        response = self.anonymous().post(URL, payload(email="MAX@example.COM"))
        self.assertStatus(response, 400)
        self.assertEqual(response.json(), {"email": [EMAIL_TAKEN]})
        self.assertNothingCreated()

    def test_a_registration_that_loses_a_race_is_400_naming_the_taken_field(self):
        # Skip the serializer's checks, as a request that raced another one past them would: the database
        # constraints decide, and nothing is half-created.
        for field, existing in [
            ("username", {"username": "MAXWEBER", "email": "first@example.com"}),
            ("email", {"username": "first", "email": "MAX@example.com"}),
        ]:
            with self.subTest(field):
                user = self.make_user(**existing)
                with (
                    mock.patch.object(RegistrationSerializer, "validate_username", lambda self, value: value),
                    mock.patch.object(RegistrationSerializer, "validate_email", lambda self, value: value),
                ):
                    response = self.anonymous().post(URL, payload())
                self.assertStatus(response, 400)
                self.assertEqual(response.json(), {field: [USERNAME_TAKEN if field == "username" else EMAIL_TAKEN]})
                self.assertEqual(User.objects.count(), 1)
                self.assertEqual(AuthToken.objects.count(), 0)
                user.delete()

    def test_the_21st_registration_from_one_address_within_a_minute_is_429(self):
        for index in range(20):
            response = self.anonymous().post(URL, payload(username=f"user{index}", email=f"u{index}@example.com"))
            self.assertStatus(response, 201)
        response = self.anonymous().post(URL, payload())
        self.assertStatus(response, 429)
        self.assertEqual(list(response.json()), ["detail"])
        self.assertLessEqual(int(response["Retry-After"]), 60)
        self.assertFalse(User.objects.filter(username="maxweber").exists())
