"""GET /api/base-info/"""

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.testing import CoderrTestCase
from general_app.api.statistics import average_to_one_decimal
from offer_app.models import Offer
from reviews_app.models import Review

URL = "/api/base-info/"


class BaseInfoTests(CoderrTestCase):
    def add_data(self, ratings=(4, 5, 5)):
        """Two business users with three offers, a staff user and one customer review per rating."""
        self.business = self.make_user("business")
        other_business = self.make_user("business")
        self.make_user("", is_staff=True)
        for owner, title in ((self.business, "Logo"), (self.business, "Website"), (other_business, "App")):
            Offer.objects.create(user=owner, title=title, description="Good work.")
        for rating in ratings:
            Review.objects.create(reviewer=self.make_user("customer"), business_user=self.business, rating=rating)

    def test_empty_platform_answers_zeros(self):
        response = self.anonymous().get(URL)
        self.assertStatus(response, 200)
        self.assertEqual(
            response.json(), {"review_count": 0, "average_rating": 0, "business_profile_count": 0, "offer_count": 0}
        )
        self.assertIn(b'"average_rating":0,', response.content)

    def test_statistics_count_reviews_business_users_and_offers(self):
        self.add_data(ratings=(4, 5, 5))
        response = self.anonymous().get(URL)
        self.assertStatus(response, 200)
        self.assertEqual(
            response.json(), {"review_count": 3, "average_rating": 4.7, "business_profile_count": 2, "offer_count": 3}
        )
        self.assertIn(b'"average_rating":4.7,', response.content)

    def test_average_rating_is_rounded_half_up_to_one_decimal(self):
        cases = {(4, 4, 4, 5): 4.3, (1, 2): 1.5, (1, 1, 2): 1.3, (2, 2, 3): 2.3, (5, 5): 5.0, (1,): 1.0}
        for ratings, expected in cases.items():
            with self.subTest(ratings=ratings):
                Review.objects.all().delete()
                business = self.make_user("business")
                for rating in ratings:
                    Review.objects.create(reviewer=self.make_user("customer"), business_user=business, rating=rating)
                self.assertEqual(self.anonymous().get(URL).json()["average_rating"], expected)

    def test_rounding_helper(self):
        self.assertEqual(average_to_one_decimal(None, 0), 0)
        self.assertEqual(average_to_one_decimal(17, 4), 4.3)
        self.assertEqual(average_to_one_decimal(14, 3), 4.7)
        self.assertEqual(average_to_one_decimal(13, 3), 4.3)
        self.assertEqual(average_to_one_decimal(5, 1), 5.0)

    def test_any_caller_may_read_it_even_with_a_stale_token(self):
        self.add_data()
        expected = self.anonymous().get(URL).json()
        for label, client in {
            "stale token": self.stale_token_client(),
            "customer": self.make_customer(),
            "business": self.make_business(),
            "staff": self.make_staff(),
        }.items():
            with self.subTest(caller=label):
                response = client.get(URL)
                self.assertStatus(response, 200)
                self.assertEqual(response.json()["review_count"], expected["review_count"])

    def test_writes_are_not_allowed(self):
        client = self.make_customer()
        for method in ("post", "put", "patch", "delete"):
            with self.subTest(method=method), transaction.atomic():
                # The view runs outside a request transaction; DRF's error path marks the innermost atomic
                # block for rollback, which here must be this one and not the test case's own.
                response = getattr(client, method)(URL, {})
                self.assertStatus(response, 405)
                self.assertIn("detail", response.json())

    def test_statistics_take_one_statement(self):
        self.add_data()
        with self.assertNumQueries(1):
            self.assertStatus(self.anonymous().get(URL), 200)
        # A sent token costs its lookup on top.
        customer = self.make_customer()
        with self.assertNumQueries(2):
            self.assertStatus(customer.get(URL), 200)

    def test_query_count_does_not_grow_with_the_data(self):
        self.add_data(ratings=(3,))
        with CaptureQueriesContext(connection) as few:
            self.anonymous().get(URL)
        self.add_data(ratings=(1, 2, 3, 4, 5) * 6)
        with CaptureQueriesContext(connection) as many:
            response = self.anonymous().get(URL)
        self.assertEqual(len(many), len(few))
        self.assertEqual(response.json()["review_count"], 31)
