"""GET /api/reviews/{id}/"""

from core.testing import CustomerAndBusinessTestCase, iso, make_review


class ReviewDetailTests(CustomerAndBusinessTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.review = make_review(cls.customer_user, cls.business_user, rating=5, description="Excellent.")
        cls.url = f"/api/reviews/{cls.review.pk}/"

    def test_anonymous_gets_401(self):
        self.assertStatus(self.anonymous().get(self.url), 401)

    def test_stale_token_gets_401(self):
        self.assertStatus(self.stale_token_client().get(self.url), 401)

    def test_every_authenticated_user_reads_the_exact_review(self):
        for client in (self.customer, self.business, self.make_customer(), self.make_business(), self.make_staff()):
            with self.subTest(user=client.user.username):
                response = client.get(self.url)
                self.assertStatus(response, 200)
                self.assertEqual(
                    response.json(),
                    {
                        "id": self.review.pk,
                        "business_user": self.business.user.pk,
                        "reviewer": self.customer.user.pk,
                        "rating": 5,
                        "description": "Excellent.",
                        "created_at": iso(self.review.created_at),
                        "updated_at": iso(self.review.updated_at),
                    },
                )

    def test_unknown_id_is_404(self):
        for path in (f"/api/reviews/{self.review.pk + 1000}/", f"/api/reviews/{10**30}/"):
            with self.subTest(path=path):
                response = self.customer.get(path)
                self.assertStatus(response, 404)
                self.assertIn("detail", response.json())

    def test_non_integer_id_is_a_json_404(self):
        response = self.customer.get("/api/reviews/abc/")
        self.assertStatus(response, 404)
        self.assertIn("detail", response.json())

    def test_read_takes_token_lookup_and_one_select(self):
        with self.assertNumQueries(2):
            self.assertStatus(self.customer.get(self.url), 200)
