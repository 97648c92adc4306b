"""Server-owned fields sent to a writable endpoint change nothing, asserted against the whole database.

Every writable endpoint gets each field of SERVER_OWNED that is not one of its own inputs, one at a time and
then all at once, next to a valid body. The database after that request must be the database after the same
request without them: the same rows changed in the same way, the same rows created. New ids and the
timestamps the request sets are compared as markers, after checking that they are the server's (not an id
or a date that was sent). An order's status change refuses unknown fields by design: there the answer is a
400 naming the field, and the database stays exactly as it was. Every request runs in a savepoint that is
rolled back.
"""

import json
import sys
from datetime import datetime

from django.db import models
from django.utils import timezone
from knox.models import AuthToken

from core.testing import CoderrTestCase, User, make_offer, package_of
from core.tests.test_permission_matrix import rolled_back
from offer_app.models import Offer, OfferDetail
from offer_app.tests.utils import offer_payload
from order_app.models import Order
from order_app.services import order_create
from profile_app.models import Profile
from reviews_app.models import Review

SERVER_OWNED = (
    "user",
    "type",
    "username",
    "is_staff",
    "is_superuser",
    "reviewer",
    "business_user",
    "customer_user",
    "status",
    "id",
    "created_at",
    "updated_at",
    "min_price",
    "offer",
)
TABLES = (User, Profile, AuthToken, Offer, OfferDetail, Order, Review)
SENT_ID = 987654
LONG_AGO = "2001-01-01T00:00:00Z"
PASSWORD = "Kx9!vTq2#mPz"
NEW_ACCOUNT = {
    "username": "newcomer",
    "email": "newcomer@example.com",
    "password": PASSWORD,
    "repeated_password": PASSWORD,
    "type": "customer",
}


def database():
    """Every row of every table the API writes: {model: {pk: values}}."""
    return {model: {row[model._meta.pk.attname]: row for row in model.objects.values()} for model in TABLES}


class MassAssignmentTests(CoderrTestCase):
    cases = 0

    @classmethod
    def setUpTestData(cls):
        cls.a = cls.make_user("customer")
        cls.b = cls.make_user("customer")
        cls.x = cls.make_user("business")
        cls.y = cls.make_user("business")
        cls.offer = make_offer(cls.x)
        cls.other_offer = make_offer(cls.y)
        cls.order = order_create(customer=cls.a, offer_detail=package_of(cls.offer))
        cls.review = Review.objects.create(reviewer=cls.a, business_user=cls.x, rating=4, description="Great work.")

    @classmethod
    def tearDownClass(cls):
        print(f"\nmass assignment: {cls.cases} cases checked", file=sys.stderr)
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        # Everything the fixtures wrote is older; whatever a request writes is at least this new.
        self.started = timezone.now()
        self.customer = self.client_for(self.a)
        self.business = self.client_for(self.x)

    def hostile(self, caller):
        """A value for every server-owned field that would hand the caller something not theirs."""
        customer = caller.user.is_customer
        return {
            "user": (self.b if customer else self.y).pk,
            "type": "business" if customer else "customer",
            "username": "hijacked",
            "is_staff": True,
            "is_superuser": True,
            "reviewer": self.b.pk,
            "business_user": self.y.pk,
            "customer_user": self.b.pk,
            "status": "completed",
            "id": SENT_ID,
            "created_at": LONG_AGO,
            "updated_at": LONG_AGO,
            "min_price": 0.01,
            "offer": self.other_offer.pk,
        }

    # --- the two checks -----------------------------------------------------------------------------------

    def assertIgnored(self, client, method, url, body, *, inputs=(), status, extra=None, fmt="json"):
        """Each server-owned field that is not one of `inputs` (then all of them, and the `extra` bodies)
        leaves the database as `body` alone leaves it."""
        expected = self.outcome(client, method, url, body, status, fmt)
        hostile = {name: value for name, value in self.hostile(client).items() if name not in inputs}
        cases = {name: {**body, name: value} for name, value in hostile.items()}
        cases["all at once"] = {**body, **hostile}
        cases.update(extra or {})
        for label, sent in cases.items():
            with self.subTest(url=url, method=method, sent=label, format=fmt):
                type(self).cases += 1
                self.assertEqual(self.outcome(client, method, url, sent, status, fmt), expected)

    def assertRefused(self, client, method, url, body, *, inputs=()):
        """Each server-owned field that is not one of `inputs` (then all of them) is a 400 naming it, and the
        database stays as it was."""
        hostile = {name: value for name, value in self.hostile(client).items() if name not in inputs}
        cases = {name: ({**body, name: value}, [name]) for name, value in hostile.items()}
        cases["all at once"] = ({**body, **hostile}, list(hostile))
        for label, (sent, named) in cases.items():
            with self.subTest(url=url, method=method, sent=label), rolled_back():
                type(self).cases += 1
                before = database()
                response = getattr(client, method)(url, sent, format="json")
                self.assertStatus(response, 400)
                for name in named:
                    self.assertIn(name, response.json())
                self.assertEqual(database(), before)

    def outcome(self, client, method, url, body, status, fmt):
        """The database after the request, comparable between two requests (see `comparable`)."""
        with rolled_back():
            before = database()
            self.assertStatus(getattr(client, method)(url, body, format=fmt), status)
            return self.comparable(before, database())

    def comparable(self, before, after):
        """`after` with the ids of new rows, the references to them and new timestamps as markers.

        A marker only stands in for a value the server chose: a new row must not have the id that was sent,
        a timestamp set now is newer than the fixtures, and one sent would be older.
        """
        new = {model: set(rows) - set(before[model]) for model, rows in after.items()}
        result = {}
        for model, rows in after.items():
            existing, created = {}, []
            for pk, row in rows.items():
                row = {name: self.marker(model, name, value, new) for name, value in row.items()}
                if pk in new[model]:
                    self.assertNotEqual(pk, SENT_ID, f"{model.__name__} took the id that was sent")
                    # A new password hash has a new salt; a new token, a new random key (its first characters).
                    row.pop("password", None)
                    row.pop("token_key", None)
                    created.append(row)
                else:
                    existing[pk] = row
            result[model.__name__] = (existing, sorted(created, key=repr))
        return result

    def marker(self, model, name, value, new):
        field = next(field for field in model._meta.concrete_fields if field.attname == name)
        if field.primary_key and value in new[model]:
            return "new row"
        if field.is_relation and field.related_model in new and value in new[field.related_model]:
            return f"new {field.related_model.__name__}"
        if isinstance(field, models.DateTimeField) and isinstance(value, datetime) and value >= self.started:
            return "now"
        return value

    # --- accounts and profiles --------------------------------------------------------------------------

    def test_registration_ignores_server_owned_fields(self):
        # A signed-in caller may register, too; the new account must be nothing more than a plain customer.
        self.assertIgnored(
            self.customer, "post", "/api/registration/", NEW_ACCOUNT, inputs=("username", "type"), status=201
        )

    def test_profile_edit_ignores_server_owned_fields(self):
        url = f"/api/profile/{self.a.pk}/"
        self.assertIgnored(self.customer, "patch", url, {"location": "Berlin"}, status=200)

    def test_multipart_profile_edit_ignores_server_owned_fields(self):
        url = f"/api/profile/{self.a.pk}/"
        self.assertIgnored(self.customer, "patch", url, {"location": "Berlin"}, status=200, fmt="multipart")

    # --- offers -----------------------------------------------------------------------------------------

    def test_offer_create_ignores_server_owned_fields(self):
        body = offer_payload()
        extra = {"details with ids and offers": {**body, "details": self.foreign_packages(body["details"])}}
        self.assertIgnored(self.business, "post", "/api/offers/", body, status=201, extra=extra)

    def test_multipart_offer_create_ignores_server_owned_fields(self):
        body = offer_payload()
        del body["image"]
        body["details"] = json.dumps(body["details"])
        self.assertIgnored(self.business, "post", "/api/offers/", body, status=201, fmt="multipart")

    def test_offer_edit_ignores_server_owned_fields(self):
        package = {"offer_type": "basic", "price": 5}
        body = {"title": "Changed title", "details": [package]}
        # A package names its offer by the URL; an `offer` inside it is ignored.
        extra = {"a package naming another offer": {**body, "details": [{**package, "offer": self.other_offer.pk}]}}
        self.assertIgnored(self.business, "patch", f"/api/offers/{self.offer.pk}/", body, status=200, extra=extra)

    def test_offer_edit_refuses_a_package_id_of_another_offer(self):
        foreign = package_of(self.other_offer, "basic")
        body = {"details": [{"offer_type": "basic", "id": foreign.pk, "price": 5}]}
        with rolled_back():
            type(self).cases += 1
            before = database()
            response = self.business.patch(f"/api/offers/{self.offer.pk}/", body, format="json")
            self.assertStatus(response, 400)
            self.assertIn("details", response.json())
            self.assertEqual(database(), before)

    def foreign_packages(self, packages):
        """The packages with the ids of another offer's packages and that offer named in each."""
        foreign = {package.offer_type: package.pk for package in self.other_offer.details.all()}
        return [{**package, "id": foreign[package["offer_type"]], "offer": self.other_offer.pk} for package in packages]

    # --- orders -----------------------------------------------------------------------------------------

    def test_order_create_ignores_server_owned_fields(self):
        body = {"offer_detail_id": package_of(self.offer).pk}
        self.assertIgnored(self.customer, "post", "/api/orders/", body, status=201)

    def test_order_status_change_refuses_every_other_field(self):
        url = f"/api/orders/{self.order.pk}/"
        self.assertRefused(self.business, "patch", url, {"status": "cancelled"}, inputs=("status",))

    # --- reviews ----------------------------------------------------------------------------------------

    def test_review_create_ignores_server_owned_fields(self):
        body = {"business_user": self.y.pk, "rating": 5, "description": "Quick and friendly."}
        self.assertIgnored(self.customer, "post", "/api/reviews/", body, inputs=("business_user",), status=201)

    def test_review_edit_ignores_server_owned_fields(self):
        url = f"/api/reviews/{self.review.pk}/"
        self.assertIgnored(self.customer, "patch", url, {"rating": 1}, status=200)
