"""PATCH /api/profile/{user_id}/ — fields, permissions and validation (images: test_profile_image_upload.py)."""

import re
from unittest import mock

from django.contrib.auth import get_user_model

from auth_app.api.serializers import EMAIL_TAKEN
from core.testing import MEDIA_HOST, CoderrTestCase, fill_profile, image_upload, iso, stored_files
from profile_app.api.permissions import NOT_PROFILE_OWNER
from profile_app.api.serializers import ProfileSerializer
from profile_app.api.views import PROFILE_NOT_FOUND
from profile_app.models import Profile

User = get_user_model()

EDIT = {
    "first_name": "Max",
    "last_name": "Weber",
    "location": "Hamburg",
    "tel": "040 987654",
    "description": "Logos and landing pages.",
    "working_hours": "10-18",
    "email": "max.weber@example.com",
}


def url(user_id):
    return f"/api/profile/{user_id}/"


def snapshot(user_id):
    """Everything a profile edit could touch, as stored."""
    profile = Profile.objects.select_related("user").get(user_id=user_id)
    user = profile.user
    return {
        "user": (user.username, user.first_name, user.last_name, user.email, user.type, user.password),
        "profile": (
            profile.file.name,
            profile.location,
            profile.tel,
            profile.description,
            profile.working_hours,
            profile.created_at,
        ),
    }


class ProfileUpdatePermissionTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.owner = self.make_business()
        fill_profile(self.owner.user, first_name="Kevin", location="Berlin")
        self.before = snapshot(self.owner.user.pk)

    def test_anonymous_gets_401_and_nothing_changes(self):
        response = self.anonymous().patch(url(self.owner.user.pk), EDIT)
        self.assertStatus(response, 401)
        self.assertEqual(snapshot(self.owner.user.pk), self.before)

    def test_stale_token_gets_401(self):
        self.assertStatus(self.stale_token_client().patch(url(self.owner.user.pk), EDIT), 401)

    def test_other_users_get_403_and_nothing_changes(self):
        for name, client in [
            ("other business", self.make_business()),
            ("customer", self.make_customer()),
            ("staff", self.make_staff()),
        ]:
            with self.subTest(name):
                response = client.patch(url(self.owner.user.pk), EDIT)
                self.assertStatus(response, 403)
                self.assertEqual(response.json(), {"detail": NOT_PROFILE_OWNER})
                self.assertEqual(snapshot(self.owner.user.pk), self.before)

    def test_other_user_sending_an_image_gets_403_and_no_file_is_stored(self):
        response = self.make_customer().patch(url(self.owner.user.pk), {"file": image_upload()}, format="multipart")
        self.assertStatus(response, 403)
        self.assertEqual(stored_files(), set())

    def test_unknown_user_id_is_404(self):
        response = self.owner.patch(url(self.owner.user.pk + 1000), EDIT)
        self.assertStatus(response, 404)
        self.assertEqual(response.json(), {"detail": PROFILE_NOT_FOUND})

    def test_put_is_not_allowed(self):
        response = self.owner.put(url(self.owner.user.pk), EDIT)
        self.assertStatus(response, 405)
        self.assertEqual(snapshot(self.owner.user.pk), self.before)


class ProfileUpdateTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.client = self.make_business(username="kevin", email="kevin@example.com")
        self.user = self.client.user
        self.profile = Profile.objects.get(user=self.user)

    def test_json_patch_answers_the_full_profile_and_writes_user_and_profile(self):
        response = self.client.patch(url(self.user.pk), EDIT, format="json")
        self.assertStatus(response, 200)
        self.assertEqual(
            response.json(),
            {
                "user": self.user.pk,
                "username": "kevin",
                "first_name": "Max",
                "last_name": "Weber",
                "file": None,
                "location": "Hamburg",
                "tel": "040 987654",
                "description": "Logos and landing pages.",
                "working_hours": "10-18",
                "type": "business",
                "email": "max.weber@example.com",
                "created_at": iso(self.profile.created_at),
            },
        )
        user = User.objects.get(pk=self.user.pk)
        profile = Profile.objects.get(pk=self.user.pk)
        self.assertEqual((user.first_name, user.last_name, user.email), ("Max", "Weber", "max.weber@example.com"))
        self.assertEqual(
            (profile.location, profile.tel, profile.description, profile.working_hours),
            ("Hamburg", "040 987654", "Logos and landing pages.", "10-18"),
        )

    def test_customer_can_edit_their_profile_too(self):
        customer = self.make_customer(username="andrey", email="andrey@example.com")
        profile = Profile.objects.get(user=customer.user)
        response = customer.patch(url(customer.user.pk), {"location": "Wien", "first_name": "Andrey"})
        self.assertStatus(response, 200)
        self.assertEqual(
            response.json(),
            {
                "user": customer.user.pk,
                "username": "andrey",
                "first_name": "Andrey",
                "last_name": "",
                "file": None,
                "location": "Wien",
                "tel": "",
                "description": "",
                "working_hours": "",
                "type": "customer",
                "email": "andrey@example.com",
                "created_at": iso(profile.created_at),
            },
        )

    def test_multipart_patch_with_image_and_fields_as_the_frontend_sends_it(self):
        response = self.client.patch(url(self.user.pk), {**EDIT, "file": image_upload("me.png")}, format="multipart")
        self.assertStatus(response, 200)
        profile = Profile.objects.select_related("user").get(pk=self.user.pk)
        self.assertRegex(profile.file.name, r"^profile_images/[0-9a-f]{32}\.png$")
        self.assertEqual(
            response.json(),
            {
                "user": self.user.pk,
                "username": "kevin",
                "first_name": "Max",
                "last_name": "Weber",
                "file": f"{MEDIA_HOST}/media/{profile.file.name}",
                "location": "Hamburg",
                "tel": "040 987654",
                "description": "Logos and landing pages.",
                "working_hours": "10-18",
                "type": "business",
                "email": "max.weber@example.com",
                "created_at": iso(self.profile.created_at),
            },
        )
        self.assertEqual((profile.user.first_name, profile.location), ("Max", "Hamburg"))
        self.assertEqual(stored_files(), {profile.file.name})

    def test_multipart_patch_without_a_file_keeps_the_image(self):
        self.client.patch(url(self.user.pk), {"file": image_upload()}, format="multipart")
        name = Profile.objects.get(pk=self.user.pk).file.name
        response = self.client.patch(url(self.user.pk), {"location": "Köln", "file": ""}, format="multipart")
        self.assertStatus(response, 200)
        self.assertEqual(response.json()["file"], f"{MEDIA_HOST}/media/{name}")
        self.assertEqual(Profile.objects.get(pk=self.user.pk).file.name, name)

    def test_partial_patch_leaves_the_other_fields_alone(self):
        fill_profile(self.user, first_name="Kevin", location="Berlin", tel="030 1")
        response = self.client.patch(url(self.user.pk), {"tel": "030 2"})
        self.assertStatus(response, 200)
        body = response.json()
        self.assertEqual((body["first_name"], body["location"], body["tel"]), ("Kevin", "Berlin", "030 2"))

    def test_read_only_fields_are_ignored(self):
        fill_profile(self.user, location="Berlin")
        before = snapshot(self.user.pk)
        other = self.make_customer()
        for field, value in [
            ("user", other.user.pk),
            ("username", "hacker"),
            ("type", "customer"),
            ("created_at", "2000-01-01T00:00:00Z"),
        ]:
            for fmt in ("json", "multipart"):
                with self.subTest(field=field, format=fmt):
                    response = self.client.patch(url(self.user.pk), {field: value}, format=fmt)
                    self.assertStatus(response, 200)
                    self.assertEqual(snapshot(self.user.pk), before)
                    self.assertEqual(response.json()["user"], self.user.pk)
                    self.assertEqual(response.json()["username"], "kevin")
                    self.assertEqual(response.json()["type"], "business")
                    self.assertEqual(response.json()["created_at"], iso(self.profile.created_at))
        self.assertEqual(Profile.objects.get(pk=other.user.pk).location, "")

    def test_read_only_fields_sent_with_real_changes_are_ignored_while_the_changes_apply(self):
        response = self.client.patch(
            url(self.user.pk), {"username": "hacker", "type": "customer", "user": 999, "location": "Bonn"}
        )
        self.assertStatus(response, 200)
        user = User.objects.get(pk=self.user.pk)
        self.assertEqual((user.username, user.type), ("kevin", "business"))
        self.assertEqual(Profile.objects.get(pk=self.user.pk).location, "Bonn")

    def test_blank_strings_are_accepted(self):
        fill_profile(
            self.user, first_name="K", last_name="W", location="L", tel="1", description="D", working_hours="W"
        )
        blanks = dict.fromkeys(["first_name", "last_name", "location", "tel", "description", "working_hours"], "")
        for fmt in ("json", "multipart"):
            with self.subTest(format=fmt):
                response = self.client.patch(url(self.user.pk), blanks, format=fmt)
                self.assertStatus(response, 200)
                self.assertEqual({key: response.json()[key] for key in blanks}, blanks)
        profile = Profile.objects.select_related("user").get(pk=self.user.pk)
        self.assertEqual((profile.user.first_name, profile.location, profile.working_hours), ("", "", ""))

    def test_email_taken_by_another_user_in_another_letter_case_is_400(self):
        self.make_customer(email="Taken@Example.com")
        before = snapshot(self.user.pk)
        response = self.client.patch(url(self.user.pk), {"email": "taken@EXAMPLE.COM", "location": "Bonn"})
        self.assertFieldError(response, "email")
        self.assertEqual(response.json(), {"email": [EMAIL_TAKEN]})
        self.assertEqual(snapshot(self.user.pk), before)

    def test_own_email_in_another_letter_case_is_accepted(self):
        response = self.client.patch(url(self.user.pk), {"email": "Kevin@Example.com"})
        self.assertStatus(response, 200)
        # The domain is normalised to lower case, as at registration.
        self.assertEqual(response.json()["email"], "Kevin@example.com")
        self.assertEqual(User.objects.get(pk=self.user.pk).email, "Kevin@example.com")

    def test_email_lost_to_a_concurrent_edit_is_400_and_stores_no_image(self):
        self.make_customer(email="taken@example.com")
        before = snapshot(self.user.pk)
        # Skip the serializer's check, as a request that raced another one past it would: the database
        # constraint decides.
        with mock.patch.object(ProfileSerializer, "validate_email", lambda serializer, value: value):
            response = self.client.patch(
                url(self.user.pk), {"email": "TAKEN@example.com", "file": image_upload()}, format="multipart"
            )
        self.assertStatus(response, 400)
        self.assertEqual(response.json(), {"email": [EMAIL_TAKEN]})
        self.assertEqual(snapshot(self.user.pk), before)
        self.assertEqual(stored_files(), set())

    def test_invalid_input_is_400_naming_the_field_and_changes_nothing(self):
        before = snapshot(self.user.pk)
        for field, value in [
            ("email", "not-an-email"),
            ("email", ""),
            ("email", None),
            ("first_name", "x" * 151),
            ("last_name", None),
            ("tel", "1" * 51),
            ("location", "x" * 256),
            ("working_hours", "x" * 256),
            ("description", ["a list"]),
            ("file", "http://example.com/not-a-file.png"),
        ]:
            with self.subTest(field=field, value=value):
                response = self.client.patch(url(self.user.pk), {"location": "Bonn", field: value}, format="json")
                self.assertFieldError(response, field)
                self.assertEqual(snapshot(self.user.pk), before)

    def test_a_body_that_is_not_an_object_is_400(self):
        response = self.client.patch(url(self.user.pk), [EDIT], format="json")
        self.assertFieldError(response, "non_field_errors")

    def test_surrounding_whitespace_is_trimmed(self):
        response = self.client.patch(url(self.user.pk), {"first_name": "  Max  ", "location": " Bonn "})
        self.assertStatus(response, 200)
        self.assertEqual((response.json()["first_name"], response.json()["location"]), ("Max", "Bonn"))

    def test_the_token_still_works_after_an_email_change(self):
        self.client.patch(url(self.user.pk), {"email": "new@example.com"})
        self.assertStatus(self.client.get(url(self.user.pk)), 200)
        self.assertTrue(re.fullmatch(r"new@example\.com", User.objects.get(pk=self.user.pk).email))
