"""GET /api/reviews/"""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.testing import TwoOfEachTestCase, make_review
from reviews_app.models import Review
from reviews_app.tests.utils import review_body

URL = "/api/reviews/"


class ReviewListTests(TwoOfEachTestCase):
    def setUp(self):
        super().setUp()
        self.now = timezone.now()

    def make_dated(self, reviewer, business_user, rating, minutes_ago):
        """A review whose updated_at lies `minutes_ago` in the past (update() skips auto_now)."""
        review = make_review(reviewer, business_user, rating=rating)
        Review.objects.filter(pk=review.pk).update(updated_at=self.now - timedelta(minutes=minutes_ago))
        return review

    def ids(self, response):
        self.assertStatus(response, 200)
        return [item["id"] for item in response.json()]

    # --- who may list ----------------------------------------------------------------------------------

    def test_anonymous_gets_401(self):
        self.assertStatus(self.anonymous().get(URL), 401)

    def test_stale_token_gets_401(self):
        self.assertStatus(self.stale_token_client().get(URL), 401)

    def test_customer_business_and_staff_can_list(self):
        review = make_review(self.customer.user, self.business.user)
        for client in (self.customer, self.business, self.make_staff()):
            with self.subTest(user=client.user.username):
                response = client.get(URL)
                self.assertStatus(response, 200)
                self.assertEqual(response.json(), [review_body(review)])

    # --- shape -----------------------------------------------------------------------------------------

    def test_list_is_a_bare_array_of_every_review_newest_first(self):
        older = self.make_dated(self.customer.user, self.business.user, 5, minutes_ago=10)
        newer = self.make_dated(self.other_customer.user, self.business.user, 3, minutes_ago=1)
        response = self.customer.get(URL)
        self.assertStatus(response, 200)
        self.assertEqual(response.json(), [review_body(newer), review_body(older)])

    def test_empty_list_is_an_empty_array(self):
        response = self.customer.get(URL)
        self.assertStatus(response, 200)
        self.assertEqual(response.json(), [])

    # --- filters ---------------------------------------------------------------------------------------

    def test_business_user_id_filters_reviews_of_that_business_user(self):
        mine = make_review(self.customer.user, self.business.user)
        make_review(self.customer.user, self.other_business.user)
        response = self.customer.get(URL, {"business_user_id": self.business.user.pk, "ordering": "-updated_at"})
        self.assertEqual(self.ids(response), [mine.pk])

    def test_reviewer_id_filters_reviews_written_by_that_user(self):
        mine = make_review(self.customer.user, self.business.user)
        make_review(self.other_customer.user, self.business.user)
        response = self.customer.get(URL, {"reviewer_id": self.customer.user.pk, "ordering": "-updated_at"})
        self.assertEqual(self.ids(response), [mine.pk])

    def test_both_filters_combine(self):
        wanted = make_review(self.customer.user, self.business.user)
        make_review(self.customer.user, self.other_business.user)
        make_review(self.other_customer.user, self.business.user)
        response = self.customer.get(
            URL, {"business_user_id": self.business.user.pk, "reviewer_id": self.customer.user.pk}
        )
        self.assertEqual(self.ids(response), [wanted.pk])

    def test_empty_parameters_mean_no_filter(self):
        first = self.make_dated(self.customer.user, self.business.user, 4, minutes_ago=2)
        second = self.make_dated(self.other_customer.user, self.other_business.user, 4, minutes_ago=1)
        response = self.customer.get(URL + "?business_user_id=&reviewer_id=&ordering=")
        self.assertEqual(self.ids(response), [second.pk, first.pk])

    def test_unknown_ids_match_nothing(self):
        make_review(self.customer.user, self.business.user)
        for params in (
            {"business_user_id": 999999},
            {"reviewer_id": 999999},
            {"business_user_id": 10**30},
            {"reviewer_id": -(10**30)},
            {"reviewer_id": 0},
        ):
            with self.subTest(params=params):
                self.assertEqual(self.ids(self.customer.get(URL, params)), [])

    def test_malformed_filter_values_are_400_naming_the_parameter(self):
        for name in ("business_user_id", "reviewer_id"):
            for value in ("abc", "1.5", "1;DROP"):
                with self.subTest(name=name, value=value):
                    response = self.customer.get(URL, {name: value})
                    self.assertFieldError(response, name)
                    self.assertEqual(response.json(), {name: ["Enter a whole number."]})

    # --- ordering --------------------------------------------------------------------------------------

    def test_ordering_by_updated_at_both_ways(self):
        middle = self.make_dated(self.customer.user, self.business.user, 3, minutes_ago=5)
        oldest = self.make_dated(self.other_customer.user, self.business.user, 5, minutes_ago=9)
        newest = self.make_dated(self.customer.user, self.other_business.user, 1, minutes_ago=1)
        self.assertEqual(
            self.ids(self.customer.get(URL, {"ordering": "updated_at"})), [oldest.pk, middle.pk, newest.pk]
        )
        self.assertEqual(
            self.ids(self.customer.get(URL, {"ordering": "-updated_at"})), [newest.pk, middle.pk, oldest.pk]
        )

    def test_ordering_by_rating_both_ways(self):
        three = self.make_dated(self.customer.user, self.business.user, 3, minutes_ago=1)
        five = self.make_dated(self.other_customer.user, self.business.user, 5, minutes_ago=2)
        one = self.make_dated(self.customer.user, self.other_business.user, 1, minutes_ago=3)
        self.assertEqual(self.ids(self.customer.get(URL, {"ordering": "rating"})), [one.pk, three.pk, five.pk])
        self.assertEqual(self.ids(self.customer.get(URL, {"ordering": "-rating"})), [five.pk, three.pk, one.pk])

    def test_equal_ratings_are_ordered_by_newest_id(self):
        first = self.make_dated(self.customer.user, self.business.user, 4, minutes_ago=1)
        second = self.make_dated(self.other_customer.user, self.business.user, 4, minutes_ago=9)
        low = self.make_dated(self.customer.user, self.other_business.user, 2, minutes_ago=5)
        self.assertEqual(self.ids(self.customer.get(URL, {"ordering": "rating"})), [low.pk, second.pk, first.pk])
        self.assertEqual(self.ids(self.customer.get(URL, {"ordering": "-rating"})), [second.pk, first.pk, low.pk])

    def test_equal_update_times_are_ordered_by_newest_id(self):
        first = make_review(self.customer.user, self.business.user)
        second = make_review(self.other_customer.user, self.business.user)
        Review.objects.update(updated_at=self.now)
        for ordering in ("updated_at", "-updated_at", ""):
            with self.subTest(ordering=ordering):
                self.assertEqual(self.ids(self.customer.get(URL, {"ordering": ordering})), [second.pk, first.pk])

    def test_invalid_ordering_is_400(self):
        for value in ("price", "id", "-created_at", "rating;DROP"):
            with self.subTest(value=value):
                response = self.customer.get(URL, {"ordering": value})
                self.assertStatus(response, 400)
                self.assertEqual(
                    response.json(),
                    {"ordering": [f"Select a valid choice. {value} is not one of the available choices."]},
                )

    # --- queries ---------------------------------------------------------------------------------------

    def count_queries(self, params=None):
        with CaptureQueriesContext(connection) as queries:
            self.assertStatus(self.customer.get(URL, params or {}), 200)
        return len(queries)

    def test_query_count_does_not_grow_with_the_number_of_reviews(self):
        make_review(self.customer.user, self.business.user)
        one = self.count_queries()
        for _ in range(29):
            make_review(self.make_user("customer"), self.business.user)
        self.assertEqual(self.count_queries(), one)
        self.assertEqual(len(self.customer.get(URL).json()), 30)

    def test_list_takes_token_lookup_and_one_select(self):
        make_review(self.customer.user, self.business.user)
        # The token lookup and the list itself (no request transaction).
        with self.assertNumQueries(2):
            self.customer.get(URL, {"business_user_id": self.business.user.pk, "ordering": "-rating"})
