"""Simultaneous identical POST /api/reviews/ requests: exactly one review, the others the friendly 400."""

import sys
import threading
from collections import Counter
from unittest import mock, skipUnless

from django.core.cache import cache
from django.db import connection, connections
from django.test import TransactionTestCase, override_settings
from rest_framework.test import APIClient
from rest_framework.validators import UniqueTogetherValidator

from core.testing import FAST_HASHERS, CoderrTestCase
from reviews_app.models import Review
from reviews_app.services import ALREADY_REVIEWED, AlreadyReviewed, review_create

URL = "/api/reviews/"
THREADS = 20
ROUNDS = 10
DUPLICATE_BODY = {"non_field_errors": [ALREADY_REVIEWED]}


@skipUnless(connection.vendor == "postgresql", "needs concurrent writers; SQLite serialises them")
@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class ReviewCreateRaceTests(TransactionTestCase):
    def setUp(self):
        cache.clear()
        self.customer = CoderrTestCase.make_user("customer")
        self.token = CoderrTestCase.client_for(self.customer).token

    def post_at_once(self, business_user_id):
        """THREADS identical POSTs released together by a barrier; returns [(status, body)]."""
        barrier = threading.Barrier(THREADS)
        results = []

        def post():
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.token}")
            try:
                barrier.wait(timeout=30)
                response = client.post(URL, {"business_user": business_user_id, "rating": 4, "description": "Race."})
                results.append((response.status_code, response.json()))
            except Exception as exc:  # a crashed thread must fail the test, not vanish
                results.append(("crash", repr(exc)))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=post) for _ in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        self.assertFalse(any(thread.is_alive() for thread in threads), "a request hung")
        return results

    def run_rounds(self, label):
        """ROUNDS races, each on a fresh business user; checks every round and prints the totals."""
        totals = Counter()
        constraint_decided = []

        def counting_review_create(**fields):
            # Counts the requests that passed the serializer's check and lost at the unique constraint.
            try:
                return review_create(**fields)
            except AlreadyReviewed:
                constraint_decided.append(1)
                raise

        with mock.patch("reviews_app.api.views.review_create", counting_review_create):
            for round_number in range(ROUNDS):
                business = CoderrTestCase.make_user("business")
                results = self.post_at_once(business.pk)
                statuses = Counter(status for status, _ in results)
                totals.update(statuses)
                with self.subTest(round=round_number):
                    self.assertEqual(len(results), THREADS)
                    self.assertEqual(statuses, Counter({201: 1, 400: THREADS - 1}), results)
                    self.assertEqual(
                        [body for status, body in results if status == 400], [DUPLICATE_BODY] * (THREADS - 1)
                    )
                    review = Review.objects.get(reviewer=self.customer, business_user=business)
                    self.assertEqual([body["id"] for status, body in results if status == 201], [review.pk])

        print(
            f"\nreview race ({label}): {ROUNDS} rounds x {THREADS} threads: 201s={totals[201]} 400s={totals[400]} "
            f"(of which {len(constraint_decided)} decided by the database constraint) "
            f"500s={totals[500]} other={sum(totals.values()) - totals[201] - totals[400] - totals[500]}",
            file=sys.stderr,
        )
        self.assertEqual(Review.objects.count(), ROUNDS)
        return len(constraint_decided)

    def test_simultaneous_identical_reviews_create_exactly_one_per_round(self):
        self.run_rounds("serializer check and constraint")

    def test_the_constraint_alone_turns_every_loser_into_the_friendly_400(self):
        # Without the serializer's check every loser reaches the INSERT, so each one is decided by the constraint.
        with mock.patch.object(UniqueTogetherValidator, "__call__", return_value=None):
            constraint_decided = self.run_rounds("constraint only")
        self.assertEqual(constraint_decided, ROUNDS * (THREADS - 1))
