"""Every operation of the API × every kind of caller → the status the contract gives; refused writes change nothing.

The callers are anonymous, customers A and B, business users X and Y, staff and an invalid token. A has
ordered a package of X's offer and reviewed X. Each cell runs in a savepoint that is rolled back, so every
cell meets the same objects: a deletion, an edit or a logout in one cell cannot decide the next.

A write the matrix refuses must leave its rows exactly as they were; a write it allows must change them,
which proves that the rows compared are the ones the operation writes. Every route and method of the URL
conf under /api/ (the schema, the docs and the JSON 404 catch-all aside) must have rows here.
"""

import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from knox.models import AuthToken

from core.testing import TEST_PASSWORD, CoderrTestCase, User, api_routes, make_offer, package_of
from core.views import api_not_found
from offer_app.models import Offer, OfferDetail
from offer_app.tests.utils import offer_payload
from order_app.models import Order
from order_app.services import order_create
from profile_app.models import Profile
from reviews_app.models import Review

CALLERS = ("anonymous", "customer A", "customer B", "business X", "business Y", "staff", "invalid token")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Served under /api/ but not operations of the contract.
NOT_OPERATIONS = {"api/schema/", "api/docs/"}


@dataclass(frozen=True)
class Row:
    """One operation on one object: the status per caller (in CALLERS order) and what a refusal must keep."""

    method: str
    route: str
    expected: tuple
    # Path parameter -> the object whose id goes there (an attribute of the test case).
    ids: dict = field(default_factory=dict)
    body: object = None
    # The rows the operation writes, read from the database (a callable taking the test case).
    rows: object = None


def new_account(test):
    password = "Kx9!vTq2#mPz"
    return {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password": password,
        "repeated_password": password,
        "type": "customer",
    }


def tokens(test):
    return sorted(AuthToken.objects.values_list("digest", "user_id"))


def profile_of(name):
    def rows(test):
        user = getattr(test, name)
        return list(Profile.objects.filter(user=user).values()), list(User.objects.filter(pk=user.pk).values())

    return rows


def offer_rows(test):
    return list(Offer.objects.filter(pk=test.offer.pk).values()), list(
        OfferDetail.objects.filter(offer_id=test.offer.pk).order_by("id").values()
    )


def offer_count(test):
    return Offer.objects.count(), OfferDetail.objects.count()


def order_rows(test):
    return list(Order.objects.filter(pk=test.order.pk).values())


def review_rows(test):
    return list(Review.objects.filter(pk=test.review.pk).values())


# Statuses per caller, in CALLERS order: anonymous, A, B, X, Y, staff, invalid token.
PUBLIC = (200, 200, 200, 200, 200, 200, 200)
SIGNED_IN = (401, 200, 200, 200, 200, 200, 401)
ORDER_PARTIES = (401, 200, 404, 200, 404, 404, 401)

MATRIX = [
    Row("POST", "api/registration/", (201,) * 7, body=new_account, rows=lambda test: User.objects.count()),
    Row("POST", "api/login/", PUBLIC, body=lambda test: {"username": test.a.username, "password": TEST_PASSWORD}),
    Row("POST", "api/logout/", (401, 204, 204, 204, 204, 204, 401), rows=tokens),
    Row("POST", "api/logout/all/", (401, 204, 204, 204, 204, 204, 401), rows=tokens),
    Row("GET", "api/profile/<int:user_id>/", SIGNED_IN, ids={"user_id": "a"}),
    Row("GET", "api/profile/<int:user_id>/", SIGNED_IN, ids={"user_id": "x"}),
    Row(
        "PATCH",
        "api/profile/<int:user_id>/",
        (401, 200, 403, 403, 403, 403, 401),
        ids={"user_id": "a"},
        body={"location": "Berlin", "first_name": "Changed"},
        rows=profile_of("a"),
    ),
    Row(
        "PATCH",
        "api/profile/<int:user_id>/",
        (401, 403, 403, 200, 403, 403, 401),
        ids={"user_id": "x"},
        body={"location": "Berlin", "first_name": "Changed"},
        rows=profile_of("x"),
    ),
    Row("GET", "api/profiles/business/", SIGNED_IN),
    Row("GET", "api/profiles/customer/", SIGNED_IN),
    Row("GET", "api/offers/", PUBLIC),
    Row(
        "POST",
        "api/offers/",
        (401, 403, 403, 201, 201, 403, 401),
        body=lambda test: offer_payload(),
        rows=offer_count,
    ),
    Row("GET", "api/offers/<int:pk>/", PUBLIC, ids={"pk": "offer"}),
    Row(
        "PATCH",
        "api/offers/<int:pk>/",
        (401, 403, 403, 200, 403, 403, 401),
        ids={"pk": "offer"},
        body={"title": "Changed title"},
        rows=offer_rows,
    ),
    Row("DELETE", "api/offers/<int:pk>/", (401, 403, 403, 204, 403, 403, 401), ids={"pk": "offer"}, rows=offer_rows),
    Row("GET", "api/offerdetails/<int:pk>/", PUBLIC, ids={"pk": "package"}),
    Row("GET", "api/orders/", SIGNED_IN),
    Row(
        "POST",
        "api/orders/",
        (401, 201, 201, 403, 403, 403, 401),
        body=lambda test: {"offer_detail_id": test.package.pk},
        rows=lambda test: Order.objects.count(),
    ),
    Row("GET", "api/orders/<int:pk>/", ORDER_PARTIES, ids={"pk": "order"}),
    Row(
        "PATCH",
        "api/orders/<int:pk>/",
        (401, 403, 403, 200, 403, 403, 401),
        ids={"pk": "order"},
        body={"status": "completed"},
        rows=order_rows,
    ),
    Row("DELETE", "api/orders/<int:pk>/", (401, 403, 403, 403, 403, 204, 401), ids={"pk": "order"}, rows=order_rows),
    Row("GET", "api/order-count/<int:business_user_id>/", SIGNED_IN, ids={"business_user_id": "x"}),
    Row("GET", "api/completed-order-count/<int:business_user_id>/", SIGNED_IN, ids={"business_user_id": "x"}),
    Row("GET", "api/reviews/", SIGNED_IN),
    Row(
        "POST",
        "api/reviews/",
        (401, 201, 201, 403, 403, 403, 401),
        # Y: nobody has reviewed Y yet, so only the caller decides.
        body=lambda test: {"business_user": test.y.pk, "rating": 5, "description": "Quick and friendly."},
        rows=lambda test: Review.objects.count(),
    ),
    Row("GET", "api/reviews/<int:pk>/", SIGNED_IN, ids={"pk": "review"}),
    Row(
        "PATCH",
        "api/reviews/<int:pk>/",
        (401, 200, 403, 403, 403, 403, 401),
        ids={"pk": "review"},
        body={"rating": 1, "description": "Changed my mind."},
        rows=review_rows,
    ),
    Row("DELETE", "api/reviews/<int:pk>/", (401, 204, 403, 403, 403, 403, 401), ids={"pk": "review"}, rows=review_rows),
    Row("GET", "api/base-info/", PUBLIC),
    Row("GET", "api/health/", PUBLIC),
    Row("GET", "api/ping/", PUBLIC),
]


def api_operations():
    """Every (route, method) the URL conf serves under api/, without the schema, the docs and the catch-all."""
    operations = set()
    for api in api_routes():
        if api.route in NOT_OPERATIONS or api.callback is api_not_found:
            continue
        # Rows could not be written for a regular-expression route, so it could never be matched with them.
        assert api.is_path, f"{api.route}: API routes must be path() routes"
        operations.update((api.route, method) for method in api.methods)
    return operations


@contextmanager
def rolled_back():
    """Runs the block in a savepoint that is rolled back afterwards."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


class PermissionMatrixTests(CoderrTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.a = cls.make_user("customer", username="customer_a")
        cls.b = cls.make_user("customer", username="customer_b")
        cls.x = cls.make_user("business", username="business_x")
        cls.y = cls.make_user("business", username="business_y")
        cls.staff = cls.make_user("", username="staff", is_staff=True, is_superuser=True)
        cls.offer = make_offer(cls.x)
        cls.package = package_of(cls.offer)
        cls.order = order_create(customer=cls.a, offer_detail=cls.package)
        cls.review = Review.objects.create(reviewer=cls.a, business_user=cls.x, rating=4, description="Great work.")

    def setUp(self):
        super().setUp()
        self.clients = {
            "anonymous": self.anonymous(),
            "customer A": self.client_for(self.a),
            "customer B": self.client_for(self.b),
            "business X": self.client_for(self.x),
            "business Y": self.client_for(self.y),
            "staff": self.client_for(self.staff),
            "invalid token": self.stale_token_client(),
        }

    def request(self, row, caller):
        url = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda match: str(getattr(self, row.ids[match[1]]).pk), row.route)
        body = row.body(self) if callable(row.body) else row.body
        send = getattr(self.clients[caller], row.method.lower())
        return send(url) if body is None else send(url, body, format="json")

    def test_every_route_of_the_url_conf_has_rows(self):
        rows = {(row.route, row.method) for row in MATRIX}
        served = api_operations()
        self.assertEqual(sorted(served - rows), [], "operations without rows in MATRIX")
        self.assertEqual(sorted(rows - served), [], "rows in MATRIX for operations that are not served")

    def test_every_row_names_a_status_for_every_caller(self):
        for row in MATRIX:
            with self.subTest(operation=f"{row.method} {row.route}", ids=row.ids):
                self.assertEqual(len(row.expected), len(CALLERS))
                # Login is open to everyone and only hands out the caller's own token.
                if row.method in WRITES and row.route != "api/login/":
                    self.assertIsNotNone(row.rows, "a write needs the rows it changes")

    def test_every_caller_gets_the_contract_status_and_refused_writes_change_nothing(self):
        cells = 0
        for row in MATRIX:
            for caller, expected in zip(CALLERS, row.expected, strict=True):
                cells += 1
                operation = f"{row.method} /{row.route}"
                with self.subTest(operation=operation, ids=row.ids, caller=caller), rolled_back():
                    before = row.rows(self) if row.rows else None
                    response = self.request(row, caller)
                    self.assertStatus(response, expected)
                    if expected >= 400:
                        self.assertIn("detail", response.json())
                    if row.rows is None:
                        continue
                    if expected >= 400:
                        self.assertEqual(row.rows(self), before, "a refused write changed the database")
                    else:
                        self.assertNotEqual(row.rows(self), before, "an allowed write left its rows alone")
        print(
            f"\npermission matrix: {cells} cells checked ({len(MATRIX)} rows × {len(CALLERS)} callers)", file=sys.stderr
        )
