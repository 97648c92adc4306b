"""A tab that still holds a token which is no longer valid (the user logged out elsewhere): the frontend sends it
on every request, so the public pages must ignore it, the header's profile call must fail (the frontend then
shows the login page), and login and registration must work with it.
"""

from core.testing import TEST_PASSWORD, make_offer
from core.tests.journeys.pages import ERROR, PACKAGE, JourneyTestCase, offer_form, offer_list_query


class ReturningVisitorTests(JourneyTestCase):
    def test_a_revoked_token_is_ignored_on_public_pages_and_sends_the_user_to_login(self):
        seller = self.make_user("business", username="noah")
        offer = make_offer(seller)
        stale = self.frontend()
        registered = stale.register("mia", "mia@example.com", TEST_PASSWORD, "customer")
        other_tab = self.frontend()
        other_tab.remember(registered["token"], registered["user_id"])
        other_tab.post("/api/logout/", None, None, status=204)

        stale.get(f"/api/profile/{stale.user_id}/", ERROR, status=401)
        self.assertEqual(stale.get("/api/base-info/", {"offer_count": 1})["business_profile_count"], 1)
        self.assertEqual(stale.get(offer_list_query(), {"count": 1})["results"][0]["id"], offer.pk)
        stale.get(f"/api/offers/{offer.pk}/", {"id": offer.pk})
        package = offer.details.first()
        stale.get(f"/api/offerdetails/{package.pk}/", PACKAGE | {"id": package.pk})
        stale.post("/api/offers/", offer_form("Too late", "The token is gone."), ERROR, status=401)

        answer = stale.log_in("mia", TEST_PASSWORD)
        self.assertNotEqual(answer["token"], registered["token"])
        self.assertEqual(stale.landing()["offer_count"], 1)

        newcomer = self.frontend()
        newcomer.remember(registered["token"], registered["user_id"])
        self.assertEqual(newcomer.register("leo", "leo@example.com", TEST_PASSWORD, "business")["username"], "leo")
