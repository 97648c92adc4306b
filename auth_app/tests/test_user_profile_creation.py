"""Every account gets its profile, however it is made."""

from django.contrib.auth import get_user_model
from django.core.management import call_command

from core.testing import CoderrTestCase
from profile_app.models import Profile

User = get_user_model()


class UserProfileCreationTests(CoderrTestCase):
    def test_create_user_makes_the_profile(self):
        user = User.objects.create_user(username="anna", email="anna@example.com", password="x", type="customer")
        self.assertTrue(Profile.objects.filter(user=user).exists())

    def test_create_superuser_makes_a_profile_with_no_type(self):
        admin = User.objects.create_superuser(username="admin", email="admin@example.com", password="x")
        profile = Profile.objects.select_related("user").get(user=admin)
        self.assertEqual(profile.user.type, "")

    def test_the_createsuperuser_command_makes_a_profile(self):
        call_command("createsuperuser", interactive=False, username="root", email="root@example.com", verbosity=0)
        self.assertTrue(Profile.objects.filter(user__username="root").exists())

    def test_saving_an_existing_user_again_creates_no_second_profile(self):
        user = self.make_user()
        user.first_name = "Anna"
        user.save()
        self.assertEqual(Profile.objects.filter(user=user).count(), 1)

    def test_the_superusers_profile_is_readable_but_in_neither_list(self):
        admin = User.objects.create_superuser(username="admin", email="admin@example.com", password="x")
        client = self.make_customer()
        self.assertStatus(client.get(f"/api/profile/{admin.pk}/"), 200)
        for user_type in ("business", "customer"):
            usernames = [item["username"] for item in client.get(f"/api/profiles/{user_type}/").json()]
            self.assertNotIn("admin", usernames)
