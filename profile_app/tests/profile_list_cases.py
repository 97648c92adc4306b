"""The cases both profile lists share; test_profile_list_business.py and ..._customer.py run them."""

from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.testing import MEDIA_HOST, fill_profile, image_bytes, iso
from profile_app.models import Profile


class ProfileListCases:
    """Mixed into a CoderrTestCase that sets `url`, `user_type` (listed) and `other_type` (not listed)."""

    url = None
    user_type = None
    other_type = None

    def setUp(self):
        super().setUp()
        self.viewer = self.make_customer()

    def test_anonymous_gets_401(self):
        self.assertStatus(self.anonymous().get(self.url), 401)

    def test_stale_token_gets_401(self):
        self.assertStatus(self.stale_token_client().get(self.url), 401)

    def test_lists_only_this_type_as_a_bare_array_in_user_id_order_without_email(self):
        self.make_user(self.other_type)
        second = self.make_user(self.user_type, username="zoe", email="zoe@example.com")
        first = self.make_user(self.user_type, username="adam", email="adam@example.com")
        self.make_user("", username="admin", is_staff=True, is_superuser=True)
        fill_profile(first, first_name="Adam", last_name="Ant", location="Bonn", tel="1", working_hours="8-16")
        profile = Profile.objects.get(user=second)
        profile.file.save("zoe.png", ContentFile(image_bytes()))
        fill_profile(second, description="Hello")
        expected = [
            {
                "user": second.pk,
                "username": "zoe",
                "first_name": "",
                "last_name": "",
                "file": f"{MEDIA_HOST}/media/{profile.file.name}",
                "location": "",
                "tel": "",
                "description": "Hello",
                "working_hours": "",
                "type": self.user_type,
                "created_at": iso(profile.created_at),
            },
            {
                "user": first.pk,
                "username": "adam",
                "first_name": "Adam",
                "last_name": "Ant",
                "file": None,
                "location": "Bonn",
                "tel": "1",
                "description": "",
                "working_hours": "8-16",
                "type": self.user_type,
                "created_at": iso(Profile.objects.get(user=first).created_at),
            },
        ]
        if self.user_type == self.viewer.user.type:
            expected.insert(0, self.profile_of(self.viewer.user))
        response = self.viewer.get(self.url)
        self.assertStatus(response, 200)
        self.assertEqual(response.json(), expected)

    def profile_of(self, user):
        profile = Profile.objects.get(user=user)
        return {
            "user": user.pk,
            "username": user.username,
            "first_name": "",
            "last_name": "",
            "file": None,
            "location": "",
            "tel": "",
            "description": "",
            "working_hours": "",
            "type": user.type,
            "created_at": iso(profile.created_at),
        }

    def test_every_kind_of_authenticated_user_may_read_it(self):
        for client in (self.make_customer(), self.make_business(), self.make_staff()):
            with self.subTest(client.user.type or "staff"):
                self.assertStatus(client.get(self.url), 200)

    def test_staff_without_a_type_do_not_appear(self):
        staff = self.make_staff()
        usernames = [item["username"] for item in staff.get(self.url).json()]
        self.assertNotIn(staff.user.username, usernames)

    def test_query_count_does_not_grow_with_the_list(self):
        first = self.make_user(self.user_type)
        Profile.objects.get(user=first).file.save("a.png", ContentFile(image_bytes()))
        with CaptureQueriesContext(connection) as one:
            self.assertStatus(self.viewer.get(self.url), 200)
        for _ in range(29):
            self.make_user(self.user_type)
        with CaptureQueriesContext(connection) as thirty:
            response = self.viewer.get(self.url)
        self.assertGreaterEqual(len(response.json()), 30)
        self.assertEqual(len(thirty), len(one))
        # Token lookup and the list joined with the users (a read-only view outside the request transaction).
        with self.assertNumQueries(2):
            self.viewer.get(self.url)

    def test_post_is_not_allowed(self):
        self.assertStatus(self.viewer.post(self.url, {}), 405)
