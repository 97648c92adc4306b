"""DELETE /api/reviews/{id}/"""

from core.testing import CoderrTestCase, make_review
from reviews_app.api.permissions import NOT_REVIEW_AUTHOR
from reviews_app.models import Review
from reviews_app.tests.utils import non_authors


class ReviewDeleteTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.author = self.make_customer()
        self.business = self.make_business()
        self.review = make_review(self.author.user, self.business.user)
        self.url = f"/api/reviews/{self.review.pk}/"

    def assertStillThere(self):
        self.assertTrue(Review.objects.filter(pk=self.review.pk).exists())

    def test_anonymous_gets_401(self):
        self.assertStatus(self.anonymous().delete(self.url), 401)
        self.assertStillThere()

    def test_stale_token_gets_401(self):
        self.assertStatus(self.stale_token_client().delete(self.url), 401)
        self.assertStillThere()

    def test_nobody_but_the_author_may_delete(self):
        for label, client in non_authors(self, self.business).items():
            with self.subTest(user=label):
                response = client.delete(self.url)
                self.assertStatus(response, 403)
                self.assertEqual(response.json(), {"detail": NOT_REVIEW_AUTHOR})
        self.assertStillThere()

    def test_unknown_id_is_404(self):
        response = self.author.delete(f"/api/reviews/{self.review.pk + 1000}/")
        self.assertStatus(response, 404)
        self.assertIn("detail", response.json())
        self.assertStillThere()

    def test_author_deletes_the_review_with_204_and_no_body(self):
        response = self.author.delete(self.url)
        self.assertStatus(response, 204)
        self.assertEqual(response.content, b"")
        self.assertFalse(Review.objects.filter(pk=self.review.pk).exists())

    def test_after_deleting_the_author_may_review_again(self):
        self.assertStatus(self.author.delete(self.url), 204)
        response = self.author.post("/api/reviews/", {"business_user": self.business.user.pk, "rating": 5})
        self.assertStatus(response, 201)
        self.assertEqual(Review.objects.get().rating, 5)
