"""PATCH /api/reviews/{id}/"""

from datetime import timedelta

from core.testing import CoderrTestCase, iso, make_review
from reviews_app.api.permissions import NOT_REVIEW_AUTHOR
from reviews_app.api.serializers import RATING_OUT_OF_RANGE
from reviews_app.models import Review


class ReviewUpdateTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.author = self.make_customer()
        self.business = self.make_business()
        self.review = make_review(self.author.user, self.business.user, rating=2, description="Slow.")
        # Back-date the review so a real edit visibly moves updated_at.
        self.long_ago = self.review.updated_at - timedelta(days=3)
        Review.objects.filter(pk=self.review.pk).update(updated_at=self.long_ago)
        self.url = f"/api/reviews/{self.review.pk}/"

    def assertUnchanged(self):
        self.assertEqual(
            Review.objects.filter(pk=self.review.pk).values_list("rating", "description", "updated_at").get(),
            (2, "Slow.", self.long_ago),
        )

    # --- who may edit ----------------------------------------------------------------------------------

    def test_anonymous_gets_401(self):
        self.assertStatus(self.anonymous().patch(self.url, {"rating": 5}), 401)
        self.assertUnchanged()

    def test_stale_token_gets_401(self):
        self.assertStatus(self.stale_token_client().patch(self.url, {"rating": 5}), 401)
        self.assertUnchanged()

    def test_nobody_but_the_author_may_edit(self):
        others = {
            "other customer": self.make_customer(),
            "reviewed business user": self.business,
            "other business user": self.make_business(),
            "staff": self.make_staff(),
        }
        for label, client in others.items():
            with self.subTest(user=label):
                response = client.patch(self.url, {"rating": 5})
                self.assertStatus(response, 403)
                self.assertEqual(response.json(), {"detail": NOT_REVIEW_AUTHOR})
        self.assertUnchanged()

    def test_unknown_id_is_404(self):
        response = self.author.patch(f"/api/reviews/{self.review.pk + 1000}/", {"rating": 5})
        self.assertStatus(response, 404)
        self.assertIn("detail", response.json())

    def test_put_is_not_allowed(self):
        response = self.author.put(self.url, {"business_user": self.business.user.pk, "rating": 5})
        self.assertStatus(response, 405)
        self.assertIn("detail", response.json())
        self.assertUnchanged()

    # --- happy path ------------------------------------------------------------------------------------

    def test_author_changes_rating_and_description(self):
        response = self.author.patch(self.url, {"rating": 5, "description": "Fixed everything, thanks!"})
        self.assertStatus(response, 200)
        review = Review.objects.get(pk=self.review.pk)
        self.assertEqual(
            response.json(),
            {
                "id": self.review.pk,
                "business_user": self.business.user.pk,
                "reviewer": self.author.user.pk,
                "rating": 5,
                "description": "Fixed everything, thanks!",
                "created_at": iso(self.review.created_at),
                "updated_at": iso(review.updated_at),
            },
        )
        self.assertEqual((review.rating, review.description), (5, "Fixed everything, thanks!"))
        self.assertGreater(review.updated_at, self.long_ago)

    def test_one_field_alone_can_change(self):
        self.assertStatus(self.author.patch(self.url, {"description": ""}), 200)
        self.assertStatus(self.author.patch(self.url, {"rating": "3"}), 200)
        self.assertEqual(Review.objects.filter(pk=self.review.pk).values_list("rating", "description").get(), (3, ""))

    def test_business_user_reviewer_and_timestamps_cannot_change(self):
        other_business = self.make_business()
        other_customer = self.make_customer()
        response = self.author.patch(
            self.url,
            {
                "business_user": other_business.user.pk,
                "reviewer": other_customer.user.pk,
                "created_at": "2000-01-01T00:00:00Z",
                "rating": 4,
            },
        )
        self.assertStatus(response, 200)
        review = Review.objects.get(pk=self.review.pk)
        self.assertEqual(
            (review.business_user_id, review.reviewer_id, review.created_at, review.rating),
            (self.business.user.pk, self.author.user.pk, self.review.created_at, 4),
        )
        self.assertEqual(
            (response.json()["business_user"], response.json()["reviewer"]),
            (review.business_user_id, review.reviewer_id),
        )

    # --- invalid input ---------------------------------------------------------------------------------

    def test_rating_outside_one_to_five_is_400(self):
        for rating in (0, 6, "abc", 2.5, None):
            with self.subTest(rating=rating):
                response = self.author.patch(self.url, {"rating": rating, "description": "Changed."})
                self.assertFieldError(response, "rating")
                if rating is not None:
                    self.assertEqual(response.json(), {"rating": [RATING_OUT_OF_RANGE]})
        self.assertUnchanged()

    def test_null_description_is_400(self):
        self.assertFieldError(self.author.patch(self.url, {"description": None}), "description")
        self.assertUnchanged()

    def test_update_query_budget(self):
        # Token, select, then review_update()'s savepoint, UPDATE, the statistics' data version, release.
        with self.assertNumQueries(6):
            self.assertStatus(self.author.patch(self.url, {"rating": 5}), 200)
