"""The review list's prepared statements answer what ReviewFilter answers, for every parameter they take."""

import itertools
from datetime import timedelta

from django.http import QueryDict
from django.utils import timezone

from core.api.representation import serialized_rows
from core.testing import CoderrTestCase
from reviews_app.api.filters import ReviewFilter
from reviews_app.api.representations import ORDERINGS, prepared_review_rows
from reviews_app.api.serializers import ReviewSerializer
from reviews_app.models import Review
from reviews_app.tests.utils import make_review


class PreparedReviewListTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        customers = [self.make_user("customer") for _ in range(3)]
        self.businesses = [self.make_user("business") for _ in range(2)]
        now = timezone.now()
        # Equal ratings and equal timestamps, so the tie-breaker matters too.
        for n, (customer, business) in enumerate(itertools.product(customers, self.businesses)):
            review = make_review(customer, business, rating=1 + n % 3)
            Review.objects.filter(pk=review.pk).update(updated_at=now - timedelta(minutes=n % 2))
        self.reviewer = customers[0]

    def through_filter_set(self, params):
        queryset = Review.objects.order_by("-updated_at", "-id")
        filterset = ReviewFilter(params, queryset=queryset)
        self.assertTrue(filterset.is_valid(), filterset.errors)
        return serialized_rows(filterset.qs, ReviewSerializer)

    def test_every_combination_of_filters_and_ordering_matches_the_filter_set(self):
        filters = {"business_user_id": self.businesses[1].pk, "reviewer_id": self.reviewer.pk}
        cases = 0
        for used in itertools.chain.from_iterable(itertools.combinations(filters, n) for n in range(3)):
            for ordering in ORDERINGS:
                params = QueryDict(mutable=True)
                params.update({name: str(filters[name]) for name in used})
                params["ordering"] = ordering
                with self.subTest(params=params.urlencode()):
                    prepared = prepared_review_rows(params)
                    self.assertIsNotNone(prepared)
                    self.assertEqual(prepared, self.through_filter_set(params))
                    self.assertTrue(prepared or used)  # the unfiltered list is never empty here
                cases += 1
        self.assertEqual(cases, 4 * 5)

    def test_empty_parameters_mean_no_filter(self):
        params = QueryDict("business_user_id=&reviewer_id=&ordering=")
        self.assertEqual(prepared_review_rows(params), self.through_filter_set(params))
        self.assertEqual(len(prepared_review_rows(params)), Review.objects.count())

    def test_what_the_statements_do_not_read_exactly_is_left_to_the_filter_set(self):
        for query in (
            "business_user_id=abc",
            "business_user_id=-1",
            "business_user_id= 1",
            f"reviewer_id={2**63}",
            "ordering=rating,-updated_at",
            "ordering=description",
        ):
            with self.subTest(query=query):
                self.assertIsNone(prepared_review_rows(QueryDict(query)))
