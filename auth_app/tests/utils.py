"""Checks shared by the auth tests."""


class LogoutChecks:
    """What every logout endpoint answers besides its revoking: 401 without a live token, 405 for GET.

    Mixed into a CoderrTestCase that names the endpoint in `url`.
    """

    url = None

    def test_anonymous_and_stale_tokens_get_401(self):
        for client in (self.anonymous(), self.stale_token_client()):
            response = client.post(self.url)
            self.assertStatus(response, 401)
            self.assertEqual(list(response.json()), ["detail"])

    def test_get_is_not_allowed(self):
        self.assertStatus(self.make_customer().get(self.url), 405)
