"""POST /api/reviews/"""

from unittest import mock

from django.db import IntegrityError
from rest_framework.validators import UniqueTogetherValidator

from auth_app.api.permissions import ONLY_CUSTOMERS
from core.api.exceptions import CONFLICT
from core.testing import CoderrTestCase, iso, make_review
from reviews_app.api.serializers import (
    ALREADY_REVIEWED,
    NOT_A_BUSINESS_USER,
    RATING_OUT_OF_RANGE,
)
from reviews_app.models import Review

URL = "/api/reviews/"


class ReviewCreateTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.customer = self.make_customer()
        self.business = self.make_business()

    def payload(self, **overrides):
        return {"business_user": self.business.user.pk, "rating": 4, "description": "Fast and friendly.", **overrides}

    def assertNoReview(self):
        self.assertFalse(Review.objects.exists())

    # --- who may create --------------------------------------------------------------------------------

    def test_anonymous_gets_401(self):
        self.assertStatus(self.anonymous().post(URL, self.payload()), 401)
        self.assertNoReview()

    def test_stale_token_gets_401(self):
        self.assertStatus(self.stale_token_client().post(URL, self.payload()), 401)
        self.assertNoReview()

    def test_business_user_cannot_review(self):
        response = self.make_business().post(URL, self.payload())
        self.assertStatus(response, 403)
        self.assertEqual(response.json(), {"detail": ONLY_CUSTOMERS})
        self.assertNoReview()

    def test_staff_cannot_review(self):
        self.assertStatus(self.make_staff().post(URL, self.payload()), 403)
        self.assertNoReview()

    # --- happy path ------------------------------------------------------------------------------------

    def test_customer_creates_a_review_and_gets_the_full_item(self):
        response = self.customer.post(URL, self.payload())
        self.assertStatus(response, 201)
        review = Review.objects.get()
        self.assertEqual(
            response.json(),
            {
                "id": review.pk,
                "business_user": self.business.user.pk,
                "reviewer": self.customer.user.pk,
                "rating": 4,
                "description": "Fast and friendly.",
                "created_at": iso(review.created_at),
                "updated_at": iso(review.updated_at),
            },
        )
        self.assertEqual(
            (review.business_user_id, review.reviewer_id, review.rating, review.description),
            (self.business.user.pk, self.customer.user.pk, 4, "Fast and friendly."),
        )

    def test_numbers_sent_as_strings_are_coerced(self):
        response = self.customer.post(URL, self.payload(business_user=str(self.business.user.pk), rating="5"))
        self.assertStatus(response, 201)
        self.assertEqual(response.json()["rating"], 5)
        self.assertEqual(Review.objects.get().rating, 5)

    def test_description_may_be_left_out(self):
        response = self.customer.post(URL, {"business_user": self.business.user.pk, "rating": 3})
        self.assertStatus(response, 201)
        self.assertEqual(response.json()["description"], "")

    def test_sent_reviewer_and_timestamps_are_ignored(self):
        other = self.make_user("customer")
        response = self.customer.post(URL, self.payload(reviewer=other.pk, id=999, created_at="2000-01-01T00:00:00Z"))
        self.assertStatus(response, 201)
        review = Review.objects.get()
        self.assertEqual(review.reviewer_id, self.customer.user.pk)
        self.assertNotEqual(review.pk, 999)
        self.assertNotEqual(review.created_at.year, 2000)

    def test_multipart_form_is_accepted(self):
        response = self.customer.post(URL, self.payload(), format="multipart")
        self.assertStatus(response, 201)

    def test_the_customer_can_review_other_business_users_and_others_this_one(self):
        other_business = self.make_business()
        self.assertStatus(self.customer.post(URL, self.payload()), 201)
        self.assertStatus(self.customer.post(URL, self.payload(business_user=other_business.user.pk)), 201)
        self.assertStatus(self.make_customer().post(URL, self.payload()), 201)
        self.assertEqual(Review.objects.count(), 3)

    # --- invalid input ---------------------------------------------------------------------------------

    def test_rating_outside_one_to_five_is_400(self):
        for rating in (0, 6, -1, "0", "6", 4.5, "4.5", "four", True, 10**30):
            with self.subTest(rating=rating):
                response = self.customer.post(URL, self.payload(rating=rating))
                self.assertStatus(response, 400)
                self.assertEqual(response.json(), {"rating": [RATING_OUT_OF_RANGE]})
        self.assertNoReview()

    def test_missing_or_null_rating_is_400(self):
        body = self.payload()
        del body["rating"]
        self.assertEqual(self.customer.post(URL, body).json(), {"rating": ["This field is required."]})
        self.assertEqual(
            self.customer.post(URL, self.payload(rating=None)).json(), {"rating": ["This field may not be null."]}
        )
        self.assertNoReview()

    def test_reviewing_someone_who_is_not_a_business_user_is_400(self):
        targets = {
            "customer": self.make_user("customer").pk,
            "staff": self.make_user("", is_staff=True).pk,
            "oneself": self.customer.user.pk,
            "unknown id": 999999,
            "huge id": 10**30,
            "text": "abc",
            "list": [self.business.user.pk],
        }
        for label, target in targets.items():
            with self.subTest(target=label):
                response = self.customer.post(URL, self.payload(business_user=target))
                self.assertStatus(response, 400)
                self.assertEqual(response.json(), {"business_user": [NOT_A_BUSINESS_USER]})
        self.assertNoReview()

    def test_missing_business_user_is_400(self):
        body = self.payload()
        del body["business_user"]
        response = self.customer.post(URL, body)
        self.assertStatus(response, 400)
        self.assertEqual(response.json(), {"business_user": ["This field is required."]})
        self.assertNoReview()

    def test_malformed_json_is_400(self):
        response = self.customer.post(URL, "{not json", content_type="application/json")
        self.assertStatus(response, 400)
        self.assertIn("detail", response.json())
        self.assertNoReview()

    # --- one review per business user --------------------------------------------------------------------

    def test_second_review_of_the_same_business_user_is_400(self):
        first = make_review(self.customer.user, self.business.user, rating=2, description="Late.")
        response = self.customer.post(URL, self.payload())
        self.assertStatus(response, 400)
        self.assertEqual(response.json(), {"non_field_errors": [ALREADY_REVIEWED]})
        self.assertEqual(list(Review.objects.values_list("pk", "rating", "description")), [(first.pk, 2, "Late.")])

    def test_duplicate_caught_by_the_database_constraint_is_the_same_400(self):
        # What the losing request of a race sees: the serializer's check passed, the INSERT hits the constraint.
        make_review(self.customer.user, self.business.user)
        with mock.patch.object(UniqueTogetherValidator, "__call__", return_value=None):
            response = self.customer.post(URL, self.payload())
        self.assertStatus(response, 400)
        self.assertEqual(response.json(), {"non_field_errors": [ALREADY_REVIEWED]})
        # The failed INSERT ran in a savepoint: the connection is still usable.
        self.assertEqual(Review.objects.count(), 1)

    def test_other_integrity_errors_are_not_reported_as_duplicates(self):
        # Another constraint than the one-review rule fails inside review_create().
        with mock.patch.object(Review.objects, "create", side_effect=IntegrityError("boom")):
            response = self.customer.post(URL, self.payload())
        self.assertStatus(response, 409)
        self.assertEqual(response.json(), {"detail": CONFLICT})
        self.assertNoReview()

    # --- queries ---------------------------------------------------------------------------------------

    def test_create_query_budget(self):
        # Token, business user, duplicate check, then review_create()'s savepoint, INSERT, the statistics'
        # data version (general_app.signals), release; re-read.
        with self.assertNumQueries(8):
            self.assertStatus(self.customer.post(URL, self.payload()), 201)
