"""GET /api/offers/{id}/"""

from core.testing import CoderrTestCase, image_upload, make_offer
from offer_app.tests.utils import offer_body


def url(offer_id):
    return f"/api/offers/{offer_id}/"


class OfferRetrieveTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.owner = self.make_business(first_name="Max", last_name="Weber")
        self.offer = make_offer(self.owner.user)

    def test_anonymous_gets_the_offer_in_the_list_shape(self):
        response = self.anonymous().get(url(self.offer.pk))
        self.assertStatus(response, 200)
        basic, standard, premium = self.offer.details.all()
        self.assertEqual(
            response.json(),
            {
                **offer_body(self.offer),
                "id": self.offer.pk,
                "user": self.owner.user.pk,
                "title": "Website Design",
                "image": None,
                "description": "Modern, responsive websites.",
                "details": [
                    {"id": basic.pk, "url": f"http://testserver/api/offerdetails/{basic.pk}/"},
                    {"id": standard.pk, "url": f"http://testserver/api/offerdetails/{standard.pk}/"},
                    {"id": premium.pk, "url": f"http://testserver/api/offerdetails/{premium.pk}/"},
                ],
                "min_price": 299.99,
                "min_delivery_time": 7,
                "user_details": {"first_name": "Max", "last_name": "Weber", "username": self.owner.user.username},
            },
        )

    def test_image_is_an_absolute_url(self):
        self.owner.patch(url(self.offer.pk), {"image": image_upload()}, format="multipart")
        response = self.anonymous().get(url(self.offer.pk))
        self.assertStatus(response, 200)
        self.assertEqual(response.json(), offer_body(self.offer))
        self.assertRegex(response.json()["image"], r"^http://testserver/media/offer_images/\w+\.png$")

    def test_stale_token_is_treated_as_anonymous(self):
        response = self.stale_token_client().get(url(self.offer.pk))
        self.assertStatus(response, 200)
        self.assertEqual(response.json(), offer_body(self.offer))

    def test_everyone_sees_the_same_offer(self):
        for client in (self.make_customer(), self.owner, self.make_business(), self.make_staff()):
            with self.subTest(user=client.user.username):
                response = client.get(url(self.offer.pk))
                self.assertStatus(response, 200)
                self.assertEqual(response.json(), offer_body(self.offer))

    def test_list_parameters_do_not_filter_one_offer(self):
        response = self.anonymous().get(url(self.offer.pk), {"creator_id": "abc", "max_price": "1"})
        self.assertStatus(response, 200)
        self.assertEqual(response.json(), offer_body(self.offer))

    def test_unknown_offer_answers_json_404(self):
        response = self.anonymous().get(url(self.offer.pk + 1000))
        self.assertStatus(response, 404)
        self.assertIn("detail", response.json())

    def test_costs_the_offer_and_its_packages_plus_the_token(self):
        with self.assertNumQueries(2):
            self.assertStatus(self.anonymous().get(url(self.offer.pk)), 200)
        client = self.make_customer()
        with self.assertNumQueries(3):
            self.assertStatus(client.get(url(self.offer.pk)), 200)
