"""The Review model: the database itself refuses a second review of the same business user and ratings outside 1–5."""

from django.db import IntegrityError, transaction

from core.testing import CoderrTestCase, make_review
from reviews_app.models import Review


class ReviewConstraintTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.customer = self.make_user("customer")
        self.business = self.make_user("business")

    def test_database_refuses_a_second_review_of_the_same_business_user(self):
        make_review(self.customer, self.business)
        with self.assertRaises(IntegrityError), transaction.atomic():
            make_review(self.customer, self.business)
        self.assertEqual(Review.objects.count(), 1)

    def test_database_refuses_ratings_outside_one_to_five(self):
        for rating in (0, 6):
            with self.subTest(rating=rating), self.assertRaises(IntegrityError), transaction.atomic():
                make_review(self.customer, self.business, rating=rating)
        self.assertFalse(Review.objects.exists())

    def test_ratings_one_and_five_are_stored(self):
        make_review(self.customer, self.business, rating=1)
        make_review(self.make_user("customer"), self.business, rating=5)
        self.assertEqual(sorted(Review.objects.values_list("rating", flat=True)), [1, 5])

    def test_a_review_reads_as_its_id_and_rating(self):
        review = make_review(self.customer, self.business, rating=3)
        self.assertEqual(str(review), f"Review {review.pk}: 3/5")
