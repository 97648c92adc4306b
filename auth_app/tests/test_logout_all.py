"""POST /api/logout/all/ (an addition to the API contract: README "API tokens")"""

from knox.models import AuthToken

from auth_app.tests.utils import LogoutChecks
from core.testing import CoderrTestCase

URL = "/api/logout/all/"


class LogoutAllTests(LogoutChecks, CoderrTestCase):
    url = URL

    def test_logout_all_answers_204_and_deletes_every_token_of_the_account(self):
        client = self.make_customer()
        self.client_for(client.user)
        other = self.make_customer()

        response = client.post(URL)

        self.assertStatus(response, 204)
        self.assertEqual(response.content, b"")
        self.assertFalse(AuthToken.objects.filter(user=client.user).exists())
        self.assertEqual(list(AuthToken.objects.values_list("user_id", flat=True)), [other.user.pk])

    def test_every_token_of_the_account_stops_working(self):
        first = self.make_business()
        second = self.client_for(first.user)

        first.post(URL)

        for client in (first, second):
            self.assertStatus(client.get(f"/api/profile/{first.user.pk}/"), 401)
