"""GET /api/offerdetails/{id}/"""

from decimal import Decimal

from core.testing import CoderrTestCase, make_offer
from offer_app.tests.utils import detail_body


def url(package_id):
    return f"/api/offerdetails/{package_id}/"


class OfferDetailRetrieveTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.offer = make_offer(self.make_business().user, packages={"standard": {"price": Decimal("50.00")}})
        self.basic, self.standard, self.premium = self.offer.details.all()

    def test_anonymous_gets_the_package(self):
        response = self.anonymous().get(url(self.basic.pk))
        self.assertStatus(response, 200)
        self.assertEqual(
            response.json(),
            {
                "id": self.basic.pk,
                "title": "Basic",
                "revisions": 2,
                "delivery_time_in_days": 7,
                "price": 299.99,
                "features": ["Responsive Design"],
                "offer_type": "basic",
            },
        )

    def test_unlimited_revisions_and_whole_prices_keep_their_form(self):
        premium = self.anonymous().get(url(self.premium.pk)).json()
        self.assertEqual((premium["revisions"], premium["price"]), (-1, 1000.0))
        self.assertEqual(self.anonymous().get(url(self.standard.pk)).content.count(b'"price":50.0'), 1)

    def test_stale_token_and_every_user_get_the_same_package(self):
        clients = (self.stale_token_client(), self.make_customer(), self.make_business(), self.make_staff())
        for client in clients:
            with self.subTest(client=getattr(client, "user", "stale token")):
                response = client.get(url(self.standard.pk))
                self.assertStatus(response, 200)
                self.assertEqual(response.json(), detail_body(self.standard))

    def test_unknown_package_answers_json_404(self):
        response = self.anonymous().get(url(self.premium.pk + 1000))
        self.assertStatus(response, 404)
        self.assertIn("detail", response.json())

    def test_package_of_a_deleted_offer_is_gone(self):
        self.offer.delete()
        self.assertStatus(self.anonymous().get(url(self.basic.pk)), 404)

    def test_costs_one_query_plus_the_token(self):
        # A read-only view outside the request transaction: no savepoint pair.
        with self.assertNumQueries(1):
            self.assertStatus(self.anonymous().get(url(self.basic.pk)), 200)
        client = self.make_customer()
        with self.assertNumQueries(2):
            self.assertStatus(client.get(url(self.basic.pk)), 200)

    def test_writes_are_not_allowed(self):
        owner = self.make_business()
        for method in ("post", "patch", "put", "delete"):
            with self.subTest(method):
                self.assertStatus(getattr(owner, method)(url(self.basic.pk), {}, format="json"), 405)
