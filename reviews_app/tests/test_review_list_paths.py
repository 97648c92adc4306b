"""The review list's prepared statements, derived from ReviewFilter, answer what ReviewFilter's queryset answers."""

import itertools
from datetime import timedelta

from django.http import QueryDict
from django.utils import timezone
from rest_framework.exceptions import ValidationError

from core.testing import CoderrTestCase, make_review
from reviews_app.api.filters import ReviewFilter
from reviews_app.api.representations import REVIEW_LIST, REVIEW_SHAPE
from reviews_app.models import Review

ORDERINGS = ("", "updated_at", "-updated_at", "rating", "-rating", "rating,-updated_at")


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
        filterset = ReviewFilter(params, queryset=Review.objects.order_by("-updated_at", "-id"))
        self.assertTrue(filterset.is_valid(), filterset.errors)
        return REVIEW_SHAPE.read(filterset.qs)

    def prepared_rows(self, params, *, prepared=True):
        selection = REVIEW_LIST.select(params)
        self.assertIs(selection.prepared, prepared, params.urlencode())
        return REVIEW_LIST.rows(selection, REVIEW_SHAPE.values)

    def test_every_combination_of_filters_and_ordering_matches_the_filter_set(self):
        filters = {"business_user_id": self.businesses[1].pk, "reviewer_id": self.reviewer.pk}
        cases = 0
        for used in itertools.chain.from_iterable(itertools.combinations(filters, n) for n in range(3)):
            for ordering in ORDERINGS:
                params = QueryDict(mutable=True)
                params.update({name: str(filters[name]) for name in used})
                params["ordering"] = ordering
                with self.subTest(params=params.urlencode()):
                    rows = self.prepared_rows(params)
                    self.assertEqual(rows, self.through_filter_set(params))
                    self.assertTrue(rows)
                cases += 1
        self.assertEqual(cases, 4 * 6)

    def test_empty_parameters_mean_no_filter(self):
        params = QueryDict("business_user_id=&reviewer_id=&ordering=")
        self.assertEqual(self.prepared_rows(params), self.through_filter_set(params))
        self.assertEqual(len(self.prepared_rows(params)), Review.objects.count())

    def test_ids_beyond_what_a_statement_binds_go_through_the_filter_sets_queryset(self):
        for query in (f"reviewer_id={2**40}", f"business_user_id={2**63}"):
            with self.subTest(query=query):
                params = QueryDict(query)
                self.assertEqual(self.prepared_rows(params, prepared=False), self.through_filter_set(params))

    def test_malformed_parameters_are_refused_by_the_filter_set(self):
        for query in ("business_user_id=abc", "business_user_id=1.5", "ordering=description"):
            with self.subTest(query=query), self.assertRaises(ValidationError):
                REVIEW_LIST.select(QueryDict(query))
