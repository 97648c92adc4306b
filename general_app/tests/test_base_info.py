"""GET /api/base-info/"""

from unittest import mock

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.cache import CacheUnavailable
from core.testing import CoderrTestCase, make_offer
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

    def test_statistics_are_counted_in_one_statement_once_per_change_of_the_data(self):
        self.add_data()
        customer = self.make_customer()
        # The data version, then the one statement that counts.
        with self.assertNumQueries(2):
            self.assertStatus(self.anonymous().get(URL), 200)
        # Until the data changes, the data version alone: the statistics come from the cache.
        with self.assertNumQueries(1):
            self.assertStatus(self.anonymous().get(URL), 200)
        # A sent token costs its lookup on top.
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


class StatisticsFreshnessTests(CoderrTestCase):
    """Every write that changes a statistic shows in the next answer; other writes leave the cached one."""

    def setUp(self):
        super().setUp()
        self.business = self.make_user("business")
        self.offer = make_offer(self.business)
        self.review = Review.objects.create(reviewer=self.make_user("customer"), business_user=self.business, rating=4)
        self.assertEqual(self.statistics(), ({"review_count": 1, "average_rating": 4.0, **self.two(1, 1)}, True))

    @staticmethod
    def two(business_profile_count, offer_count):
        return {"business_profile_count": business_profile_count, "offer_count": offer_count}

    def statistics(self):
        """(the answer, whether the request counted)."""
        with CaptureQueriesContext(connection) as queries:
            response = self.anonymous().get(URL)
        self.assertStatus(response, 200)
        return response.json(), any("SELECT COUNT(*)" in query["sql"] for query in queries.captured_queries)

    def test_a_new_review_a_new_rating_and_a_deleted_review_show_at_once(self):
        Review.objects.create(reviewer=self.make_user("customer"), business_user=self.business, rating=5)
        self.assertEqual(self.statistics(), ({"review_count": 2, "average_rating": 4.5, **self.two(1, 1)}, True))
        self.review.rating = 1
        self.review.save()
        self.assertEqual(self.statistics(), ({"review_count": 2, "average_rating": 3.0, **self.two(1, 1)}, True))
        self.review.delete()
        self.assertEqual(self.statistics(), ({"review_count": 1, "average_rating": 5.0, **self.two(1, 1)}, True))

    def test_new_and_deleted_offers_show_at_once_and_an_edit_keeps_the_cached_answer(self):
        second = make_offer(self.business)
        self.assertEqual(self.statistics(), ({"review_count": 1, "average_rating": 4.0, **self.two(1, 2)}, True))
        second.title = "Renamed"
        second.save()
        self.assertEqual(self.statistics(), ({"review_count": 1, "average_rating": 4.0, **self.two(1, 2)}, False))
        self.offer.delete()
        self.assertEqual(self.statistics(), ({"review_count": 1, "average_rating": 4.0, **self.two(1, 1)}, True))

    def test_business_users_counted_as_they_come_change_type_and_go(self):
        other = self.make_user("business")
        self.assertEqual(self.statistics(), ({"review_count": 1, "average_rating": 4.0, **self.two(2, 1)}, True))
        other.type = "customer"
        other.save()
        self.assertEqual(self.statistics(), ({"review_count": 1, "average_rating": 4.0, **self.two(1, 1)}, True))
        # A login saves last_login alone: the cached answer stays.
        self.business.save(update_fields=["last_login"])
        self.assertEqual(self.statistics(), ({"review_count": 1, "average_rating": 4.0, **self.two(1, 1)}, False))
        # The deleted business user takes the offer and the review along.
        self.business.delete()
        self.assertEqual(self.statistics(), ({"review_count": 0, "average_rating": 0, **self.two(0, 0)}, True))

    def test_statistics_stay_exact_when_the_cache_is_unavailable(self):
        with (
            mock.patch("core.db.versions.guarded_cache.get", side_effect=CacheUnavailable),
            mock.patch("core.db.versions.guarded_cache.set", side_effect=CacheUnavailable),
        ):
            self.assertEqual(self.statistics()[1], True)
            make_offer(self.business)
            self.assertEqual(self.statistics(), ({"review_count": 1, "average_rating": 4.0, **self.two(1, 2)}, True))
