"""GET /api/profile/{user_id}/"""

from django.core.files.base import ContentFile

from core.testing import MEDIA_HOST, CoderrTestCase, fill_profile, image_bytes, iso
from core.views import NOT_FOUND
from profile_app.api.views import PROFILE_NOT_FOUND
from profile_app.models import Profile


def url(user_id):
    return f"/api/profile/{user_id}/"


class ProfileRetrieveTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.business = self.make_business(username="kevin", email="kevin@example.com")
        self.customer = self.make_customer(username="andrey", email="andrey@example.com")

    def test_anonymous_gets_401(self):
        response = self.anonymous().get(url(self.business.user.pk))
        self.assertStatus(response, 401)
        self.assertEqual(list(response.json()), ["detail"])

    def test_stale_token_gets_401(self):
        self.assertStatus(self.stale_token_client().get(url(self.business.user.pk)), 401)

    def test_business_profile_has_the_exact_flat_shape(self):
        profile = fill_profile(
            self.business.user,
            first_name="Kevin",
            last_name="Weber",
            location="Berlin",
            tel="+49 30 123456",
            description="Web design since 2010.",
            working_hours="9-17",
        )
        response = self.business.get(url(self.business.user.pk))
        self.assertStatus(response, 200)
        self.assertEqual(
            response.json(),
            {
                "user": self.business.user.pk,
                "username": "kevin",
                "first_name": "Kevin",
                "last_name": "Weber",
                "file": None,
                "location": "Berlin",
                "tel": "+49 30 123456",
                "description": "Web design since 2010.",
                "working_hours": "9-17",
                "type": "business",
                "email": "kevin@example.com",
                "created_at": iso(profile.created_at),
            },
        )

    def test_fresh_customer_profile_has_empty_strings_and_null_file(self):
        profile = Profile.objects.get(user=self.customer.user)
        response = self.customer.get(url(self.customer.user.pk))
        self.assertStatus(response, 200)
        self.assertEqual(
            response.json(),
            {
                "user": self.customer.user.pk,
                "username": "andrey",
                "first_name": "",
                "last_name": "",
                "file": None,
                "location": "",
                "tel": "",
                "description": "",
                "working_hours": "",
                "type": "customer",
                "email": "andrey@example.com",
                "created_at": iso(profile.created_at),
            },
        )

    def test_user_is_an_integer_and_created_at_is_utc_iso_8601(self):
        body = self.customer.get(url(self.customer.user.pk)).json()
        self.assertIs(type(body["user"]), int)
        self.assertRegex(body["created_at"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")

    def test_any_authenticated_user_can_read_another_users_profile(self):
        response = self.customer.get(url(self.business.user.pk))
        self.assertStatus(response, 200)
        self.assertEqual(response.json()["username"], "kevin")

    def test_staff_profile_has_an_empty_type(self):
        staff = self.make_staff(username="admin")
        response = self.customer.get(url(staff.user.pk))
        self.assertStatus(response, 200)
        self.assertEqual((response.json()["username"], response.json()["type"]), ("admin", ""))

    def test_image_is_an_absolute_url_that_loads(self):
        profile = Profile.objects.get(user=self.business.user)
        profile.file.save("avatar.png", ContentFile(image_bytes("PNG")))
        response = self.customer.get(url(self.business.user.pk))
        self.assertStatus(response, 200)
        self.assertEqual(response.json()["file"], f"{MEDIA_HOST}/media/{profile.file.name}")
        image = self.anonymous().get(response.json()["file"])
        self.assertEqual(image.status_code, 200)
        self.assertEqual(b"".join(image.streaming_content), image_bytes("PNG"))

    def test_unknown_user_id_is_404(self):
        response = self.customer.get(url(self.business.user.pk + 1000))
        self.assertStatus(response, 404)
        self.assertEqual(response.json(), {"detail": PROFILE_NOT_FOUND})

    def test_id_too_large_for_the_database_is_404_not_500(self):
        response = self.customer.get(url(10**30))
        self.assertStatus(response, 404)
        self.assertEqual(response.json(), {"detail": PROFILE_NOT_FOUND})

    def test_non_integer_id_is_a_json_404(self):
        response = self.customer.get("/api/profile/abc/")
        self.assertStatus(response, 404)
        self.assertEqual(response.json(), {"detail": NOT_FOUND})

    def test_costs_the_token_lookup_and_one_query(self):
        # The token lookup, and the profile joined with its user; no request transaction.
        with self.assertNumQueries(2):
            self.assertStatus(self.customer.get(url(self.business.user.pk)), 200)
