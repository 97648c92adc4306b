"""The list endpoints' filters and orderings are served by indexes (PostgreSQL only; skipped on SQLite).

The plans are taken from the SQL the endpoints really run (captured from real requests) over a dataset
large enough that the planner prefers an index wherever one fits, after ANALYZE. Nothing nudges the
planner (no `enable_seqscan = off`). Where a sequential scan is the right plan (a count over the whole
table, the search with ILIKE '%word%'), the plan is printed and the reason written down, not asserted.
"""

import json
import sys
import unittest
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import DurationField, ExpressionWrapper, F, Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token

from general_app.testing import CoderrTestCase, User
from offer_app.models import Offer, OfferDetail, OfferType, refresh_offer_aggregates
from order_app.models import Order
from profile_app.models import Profile
from reviews_app.models import Review

BUSINESS_USERS = 200
CUSTOMERS = 2000
OFFERS_PER_BUSINESS = 30  # 6,000 offers, 18,000 packages
REVIEWS_PER_CUSTOMER = 10  # 20,000 reviews
ORDERS = 30_000
STATUSES = [Order.Status.IN_PROGRESS, Order.Status.COMPLETED, Order.Status.COMPLETED, Order.Status.CANCELLED]


def spread(model, field_name, minutes, *, prime):
    """Spreads `field_name` over the last `minutes`, scrambled by id, in one UPDATE (bulk_create stamps 'now')."""
    age = ExpressionWrapper((F("id") * prime) % minutes * Value(timedelta(minutes=1)), output_field=DurationField())
    model.objects.update(**{field_name: Value(timezone.now()) - age})


def bulk_users(user_type, count):
    password = make_password(None)
    users = User.objects.bulk_create(
        (
            User(username=f"{user_type}{n}", email=f"{user_type}{n}@example.com", password=password, type=user_type)
            for n in range(count)
        ),
        batch_size=1000,
    )
    Profile.objects.bulk_create((Profile(user=user) for user in users), batch_size=1000)
    return users


def build_dataset():
    businesses = bulk_users("business", BUSINESS_USERS)
    customers = bulk_users("customer", CUSTOMERS)
    offers = Offer.objects.bulk_create(
        (
            Offer(user=owner, title=f"Offer {n} of {owner.username}", description="Design, code and care.")
            for owner in businesses
            for n in range(OFFERS_PER_BUSINESS)
        ),
        batch_size=1000,
    )
    OfferDetail.objects.bulk_create(
        (
            OfferDetail(
                offer=offer,
                title=offer_type.label,
                revisions=rank,
                # Minima spread evenly: delivery 1..30 days, prices 10.00..5009.99.
                delivery_time_in_days=1 + (offer.pk * 7 + rank) % 30,
                price=10 + (offer.pk * 7919 % 500_000) / 100 + rank * 50,
                features=[],
                offer_type=offer_type.value,
            )
            for offer in offers
            for rank, offer_type in enumerate(OfferType)
        ),
        batch_size=2000,
    )
    refresh_offer_aggregates(Offer.objects.all())
    spread(Offer, "created_at", 525_600, prime=7919)
    Offer.objects.update(updated_at=F("created_at") + Value(timedelta(hours=1)))
    spread(Offer, "updated_at", 100_000, prime=104_729)
    Review.objects.bulk_create(
        (
            Review(
                business_user=businesses[(n * 37 + k * 11) % BUSINESS_USERS],
                reviewer=customer,
                rating=1 + (n + k) % 5,
            )
            for n, customer in enumerate(customers)
            for k in range(REVIEWS_PER_CUSTOMER)
        ),
        batch_size=2000,
    )
    spread(Review, "updated_at", 200_000, prime=7919)
    Order.objects.bulk_create(
        (
            Order(
                customer_user=customers[n * 13 % CUSTOMERS],
                business_user=businesses[n * 7 % BUSINESS_USERS],
                title="Standard",
                revisions=3,
                delivery_time_in_days=7,
                price=100,
                features=[],
                offer_type="standard",
                status=STATUSES[n // BUSINESS_USERS % len(STATUSES)],
            )
            for n in range(ORDERS)
        ),
        batch_size=2000,
    )
    spread(Order, "created_at", 300_000, prime=104_729)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return businesses, customers


@dataclass(frozen=True)
class Case:
    """A request and, per statement on `table`, the index expected (or why a sequential scan is right)."""

    title: str
    path: object  # test case -> URL
    table: str
    expected: tuple  # one per SELECT on the table: an index name, or a Documented reason
    caller: str = "anonymous"


@dataclass(frozen=True)
class Documented:
    """A statement for which a sequential scan is the right plan; printed, not asserted."""

    reason: str


def plan_nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from plan_nodes(child)


@unittest.skipUnless(connection.vendor == "postgresql", "EXPLAIN plans are checked on PostgreSQL")
class IndexUsageTests(CoderrTestCase):
    @classmethod
    def setUpTestData(cls):
        businesses, customers = build_dataset()
        cls.business = businesses[17]
        cls.customer = customers[42]
        for user in (cls.business, cls.customer):
            Token.objects.create(user=user)

    def caller(self, name):
        return self.anonymous() if name == "anonymous" else self.client_for(getattr(self, name))

    def explain(self, sql, *options):
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ({', '.join(options) or 'COSTS'}) {sql}")
            return [row[0] for row in cursor.fetchall()]

    def test_dump(self):
        import os
        if os.environ.get("EXPERIMENT"):
            with connection.cursor() as cursor:
                for statement in os.environ["EXPERIMENT"].split(";"):
                    cursor.execute(statement)
                cursor.execute("ANALYZE")
        cases = [
            Case("offers", lambda t: "/api/offers/", "offer_app_offer", ()),
            Case("offers min_price", lambda t: "/api/offers/?ordering=min_price", "offer_app_offer", ()),
            Case("offers -min_price", lambda t: "/api/offers/?ordering=-min_price", "offer_app_offer", ()),
            Case("offers created", lambda t: "/api/offers/?ordering=created_at", "offer_app_offer", ()),
            Case("offers -created", lambda t: "/api/offers/?ordering=-created_at", "offer_app_offer", ()),
            Case("offers updated", lambda t: "/api/offers/?ordering=updated_at", "offer_app_offer", ()),
            Case("offers creator", lambda t: f"/api/offers/?creator_id={t.business.pk}&search=&ordering=&page=1&max_delivery_time=", "offer_app_offer", ()),
            Case("offers mdt1", lambda t: "/api/offers/?creator_id=&search=&ordering=&page=1&max_delivery_time=1", "offer_app_offer", ()),
            Case("offers mdt7", lambda t: "/api/offers/?creator_id=&search=&ordering=&page=1&max_delivery_time=7", "offer_app_offer", ()),
            Case("offers mdt3 min", lambda t: "/api/offers/?ordering=min_price&max_delivery_time=3", "offer_app_offer", ()),
            Case("offers price", lambda t: "/api/offers/?min_price=100&max_price=120", "offer_app_offer", ()),
            Case("offers search", lambda t: "/api/offers/?search=design", "offer_app_offer", ()),
            Case("reviews b", lambda t: f"/api/reviews/?business_user_id={t.business.pk}&ordering=-updated_at", "reviews_app_review", (), "customer"),
            Case("reviews b rating", lambda t: f"/api/reviews/?business_user_id={t.business.pk}&ordering=-rating", "reviews_app_review", (), "customer"),
            Case("reviews r", lambda t: f"/api/reviews/?reviewer_id={t.customer.pk}&ordering=-updated_at", "reviews_app_review", (), "customer"),
            Case("orders b", lambda t: "/api/orders/", "order_app_order", (), "business"),
            Case("orders c", lambda t: "/api/orders/", "order_app_order", (), "customer"),
            Case("order count", lambda t: f"/api/order-count/{t.business.pk}/", "order_app_order", (), "customer"),
            Case("completed count", lambda t: f"/api/completed-order-count/{t.business.pk}/", "order_app_order", (), "customer"),
        ]
        for case in cases:
            client = self.caller(case.caller)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(case.path(self))
            self.assertStatus(response, 200)
            for query in captured.captured_queries:
                sql = query["sql"]
                if sql.startswith("SELECT") and f'FROM "{case.table}"' in sql:
                    print(f"\n### {case.title}\n{sql[:200]}...", file=sys.stderr)
                    print("\n".join(self.explain(sql, "ANALYZE", "COSTS OFF")), file=sys.stderr)
