"""POST /api/logout/"""

from knox.models import AuthToken

from auth_app.tests.utils import LogoutChecks
from core.testing import TEST_PASSWORD, CoderrTestCase

URL = "/api/logout/"


class LogoutTests(LogoutChecks, CoderrTestCase):
    url = URL

    def test_logout_answers_204_and_deletes_the_token(self):
        client = self.make_customer()
        response = client.post(URL)
        self.assertStatus(response, 204)
        self.assertEqual(response.content, b"")
        self.assertFalse(AuthToken.objects.filter(user=client.user).exists())

    def test_the_old_token_no_longer_works(self):
        client = self.make_business()
        client.post(URL)
        self.assertStatus(client.get(f"/api/profile/{client.user.pk}/"), 401)
        self.assertStatus(client.post(URL), 401)

    def test_other_users_tokens_keep_working(self):
        client, other = self.make_customer(), self.make_customer()
        client.post(URL)
        self.assertStatus(other.get(f"/api/profile/{other.user.pk}/"), 200)

    def test_logging_in_again_issues_a_new_token(self):
        client = self.make_customer()
        client.post(URL)
        response = self.anonymous().post("/api/login/", {"username": client.user.username, "password": TEST_PASSWORD})
        self.assertStatus(response, 200)
        self.assertNotEqual(response.json()["token"], client.token)
        self.assertTokenOf(response.json()["token"], client.user)
        self.assertEqual(AuthToken.objects.filter(user=client.user).count(), 1)
