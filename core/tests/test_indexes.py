"""The list endpoints' filters and orderings are served by indexes (PostgreSQL only; skipped on SQLite).

The plans are those of the SQL the endpoints really run, captured from real requests, over a dataset large
enough (6,000 offers, 20,000 reviews, 30,000 orders) that the planner takes an index wherever one pays off,
after ANALYZE. Nothing nudges the planner: no `enable_seqscan = off`. Where a sequential scan is the right
plan (counting a large part of the table), the plan is printed and the reason written down, not asserted.
The cache is cleared before each request, so that the counts the list and the statistics cache
(core.db.versions) are run and their plans checked too.

An expected index is named by its leading key columns, and the test looks the matching indexes up in the
catalog: Django gives every foreign key its own index, so a filter on `business_user_id` is as well served
by that one as by a composite index starting with the same column, and the planner picks either. The
search's trigram indexes (offer_app migration 0003) are expressions, UPPER(column), and are named by that
column.
"""

import json
import re
import sys
import unittest
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import connection
from django.db.models import DurationField, ExpressionWrapper, F, Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.testing import CoderrTestCase
from offer_app.models import Offer, OfferDetail, OfferType, refresh_offer_aggregates
from order_app.models import Order
from profile_app.models import Profile
from reviews_app.models import Review

User = get_user_model()

BUSINESS_USERS = 200
CUSTOMERS = 2000
OFFERS_PER_BUSINESS = 30  # 6,000 offers, 18,000 packages
REVIEWS_PER_CUSTOMER = 10  # 20,000 reviews, 100 per business user
ORDERS = 30_000  # 150 per business user, 15 per customer
STATUSES = [Order.Status.IN_PROGRESS, Order.Status.COMPLETED, Order.Status.COMPLETED, Order.Status.CANCELLED]
YEAR_IN_MINUTES = 525_600

# --- the dataset ------------------------------------------------------------------------------------------


def minutes(expression):
    return ExpressionWrapper(expression * Value(timedelta(minutes=1)), output_field=DurationField())


def spread_timestamps(model, *fields, prime):
    """Spreads the timestamps over the last year, scrambled by id, in one UPDATE (bulk_create stamps 'now').

    The second field, when given, lies between the first and now (updated after created).
    """
    now = Value(timezone.now())
    age = (F("id") * prime) % YEAR_IN_MINUTES
    changes = {fields[0]: now - minutes(age)}
    if len(fields) > 1:
        changes[fields[1]] = now - minutes(age * ((F("id") * 7) % 10) / 10)
    model.objects.update(**changes)


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
    """Business users with 30 offers each, customers who review and order evenly; returns both user lists."""
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
                # The offers' minima end up spread evenly: 1 to 30 days, 10.00 to 5009.99.
                delivery_time_in_days=1 + (offer.pk * 7 + rank * 3) % 30,
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
    spread_timestamps(Offer, "created_at", "updated_at", prime=7919)
    Review.objects.bulk_create(
        (
            Review(
                business_user=businesses[(n * 37 + k * 11) % BUSINESS_USERS], reviewer=customer, rating=1 + (n + k) % 5
            )
            for n, customer in enumerate(customers)
            for k in range(REVIEWS_PER_CUSTOMER)
        ),
        batch_size=2000,
    )
    spread_timestamps(Review, "updated_at", prime=7919)
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
    spread_timestamps(Order, "created_at", prime=104_729)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return businesses, customers


# --- what the plans must show -----------------------------------------------------------------------------


class IndexOn:
    """The table is read through an index whose key starts with `columns`, and never scanned sequentially."""

    def __init__(self, *columns):
        self.columns = columns

    def __str__(self):
        return f"an index on ({', '.join(self.columns)})"


class TrigramIndexOn:
    """The table is read through a pg_trgm GIN index over UPPER(column), never scanned sequentially."""

    def __init__(self, column):
        self.column = column

    def __str__(self):
        return f"a trigram index on UPPER({self.column})"

    def fits(self, definition):
        # PostgreSQL writes the expression as upper((title)::text) for a varchar, upper(description) for text.
        return "gin_trgm_ops" in definition and re.search(rf"upper\(\(?{re.escape(self.column)}\b", definition)


@dataclass(frozen=True)
class SeqScanIsRight:
    """A statement whose best plan is a sequential scan: printed with the reason, not asserted."""

    reason: str


COUNT_OF_ALL = SeqScanIsRight("COUNT(*) over the whole table reads every row; an index would only add work.")
COUNT_OF_MANY = SeqScanIsRight(
    "The filter keeps a large share of the offers (over 40 % here): reading the table is cheaper."
)
COUNT_OF_COMMON_TERM = SeqScanIsRight(
    "'design' occurs in every offer's description here: counting its matches reads the whole table, and the "
    "count is cached until the offers change (core.db.versions)."
)
# icontains is UPPER(column) LIKE '%TERM%': no B-tree index serves the leading wildcard; the trigram indexes
# do, one per column, combined with BitmapOr for "title or description".
SEARCH_INDEXES = (TrigramIndexOn("title"), TrigramIndexOn("description"))
DEFAULT_PAGE = IndexOn("updated_at", "id")
STATISTICS = SeqScanIsRight(
    "Counting whole tables reads them (or an index of the same size); the statistics are counted once per change "
    "of the data and cached (core.db.versions)."
)


@dataclass(frozen=True)
class Case:
    """A request, and per SELECT it runs on `table` (in order) what its plan must show."""

    title: str
    path: object  # test case -> URL
    table: str
    expected: tuple  # per statement: IndexOn, a tuple of IndexOn (all used), or SeqScanIsRight
    caller: str = "anonymous"


OFFERS = "offer_app_offer"
REVIEWS = "reviews_app_review"
ORDERS_TABLE = "order_app_order"
PROFILES = "profile_app_profile"

CASES = [
    Case("Offers, default ordering (-updated_at)", lambda t: "/api/offers/", OFFERS, (COUNT_OF_ALL, DEFAULT_PAGE)),
    Case("Offers, the frontend's empty filters",
         lambda t: "/api/offers/?creator_id=&search=&ordering=&page=1&max_delivery_time=", OFFERS,
         (COUNT_OF_ALL, DEFAULT_PAGE)),
    Case("Offers ordered by updated_at", lambda t: "/api/offers/?ordering=updated_at", OFFERS,
         (COUNT_OF_ALL, IndexOn("updated_at", "id"))),
    Case("Offers ordered by min_price", lambda t: "/api/offers/?ordering=min_price", OFFERS,
         (COUNT_OF_ALL, IndexOn("min_price", "id"))),
    Case("Offers ordered by -min_price", lambda t: "/api/offers/?ordering=-min_price", OFFERS,
         (COUNT_OF_ALL, IndexOn("min_price", "id"))),
    Case("Offers ordered by created_at", lambda t: "/api/offers/?ordering=created_at", OFFERS,
         (COUNT_OF_ALL, IndexOn("created_at", "id"))),
    Case("Offers ordered by -created_at", lambda t: "/api/offers/?ordering=-created_at", OFFERS,
         (COUNT_OF_ALL, IndexOn("created_at", "id"))),
    Case("Offers of one creator (creator_id)",
         lambda t: f"/api/offers/?creator_id={t.business.pk}&search=&ordering=&page=1&max_delivery_time=", OFFERS,
         (IndexOn("user_id"), IndexOn("user_id", "updated_at"))),
    Case("Offers deliverable within 1 day (max_delivery_time=1)",
         lambda t: "/api/offers/?creator_id=&search=&ordering=&page=1&max_delivery_time=1", OFFERS,
         # The page walks the ordering's index and skips the slower offers: with LIMIT 6 that stops early.
         (IndexOn("min_delivery_time"), DEFAULT_PAGE)),
    Case("Offers deliverable within 7 days (max_delivery_time=7)",
         lambda t: "/api/offers/?creator_id=&search=&ordering=&page=1&max_delivery_time=7", OFFERS,
         (COUNT_OF_MANY, DEFAULT_PAGE)),
    Case("Offers within 3 days ordered by min_price", lambda t: "/api/offers/?max_delivery_time=3&ordering=min_price",
         OFFERS, (IndexOn("min_delivery_time"), IndexOn("min_price", "id"))),
    Case("Offers priced 100 to 120 (min_price, max_price)", lambda t: "/api/offers/?min_price=100&max_price=120",
         OFFERS, (IndexOn("min_price"), IndexOn("min_price"))),
    Case("Offers matching a rare search term", lambda t: "/api/offers/?search=business199", OFFERS,
         (SEARCH_INDEXES, SEARCH_INDEXES)),
    Case("Offers matching two search terms, one rare", lambda t: '/api/offers/?search=business199 "offer 2"',
         OFFERS, (SEARCH_INDEXES, SEARCH_INDEXES)),
    # The page walks the price index from the top and stops at the sixth match: the term is everywhere.
    Case("Offers matching a common term, by price (the benchmark's S2)",
         lambda t: "/api/offers/?search=design&min_price=100&ordering=-min_price", OFFERS,
         (COUNT_OF_COMMON_TERM, IndexOn("min_price", "id"))),
    Case("Reviews of a business user, newest first",
         lambda t: f"/api/reviews/?business_user_id={t.business.pk}&ordering=-updated_at", REVIEWS,
         # The whole list is answered (no pages): reading its rows in heap order and sorting them beats
         # walking the composite index row by row, and the planner knows it.
         (IndexOn("business_user_id"),), "customer"),
    Case("Reviews of a business user by rating",
         lambda t: f"/api/reviews/?business_user_id={t.business.pk}&ordering=-rating", REVIEWS,
         (IndexOn("business_user_id"),), "customer"),
    Case("Reviews by a reviewer, newest first",
         lambda t: f"/api/reviews/?reviewer_id={t.customer.pk}&ordering=-updated_at", REVIEWS,
         (IndexOn("reviewer_id"),), "customer"),
    # customer_user = me OR business_user = me: one index per side, combined with BitmapOr.
    Case("Orders of a business user", lambda t: "/api/orders/", ORDERS_TABLE,
         ((IndexOn("customer_user_id"), IndexOn("business_user_id")),), "business"),
    Case("Orders of a customer", lambda t: "/api/orders/", ORDERS_TABLE,
         ((IndexOn("customer_user_id"), IndexOn("business_user_id")),), "customer"),
    Case("In-progress order count", lambda t: f"/api/order-count/{t.business.pk}/", ORDERS_TABLE,
         (IndexOn("business_user_id", "status"),), "customer"),
    Case("Completed order count", lambda t: f"/api/completed-order-count/{t.business.pk}/", ORDERS_TABLE,
         (IndexOn("business_user_id", "status"),), "customer"),
    Case("Platform statistics", lambda t: "/api/base-info/", OFFERS, (STATISTICS,)),
    Case("Business profiles", lambda t: "/api/profiles/business/", PROFILES,
         (SeqScanIsRight("The list answers every business profile: the whole table is read and joined."),),
         "customer"),
]  # fmt: skip


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

    def setUp(self):
        super().setUp()
        self.report = []

    def caller(self, name):
        return self.anonymous() if name == "anonymous" else self.client_for(getattr(self, name))

    @staticmethod
    def index_keys(table):
        """Index name -> its key columns, for every index of `table`."""
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT index.relname, array_agg(attribute.attname ORDER BY key.position)
                FROM pg_index
                JOIN pg_class index ON index.oid = pg_index.indexrelid
                JOIN pg_class tab ON tab.oid = pg_index.indrelid
                CROSS JOIN LATERAL unnest(pg_index.indkey) WITH ORDINALITY AS key(attnum, position)
                JOIN pg_attribute attribute ON attribute.attrelid = tab.oid AND attribute.attnum = key.attnum
                WHERE tab.relname = %s
                GROUP BY index.relname
                """,
                [table],
            )
            return {name: tuple(columns) for name, columns in cursor.fetchall()}

    @staticmethod
    def index_definitions(table):
        """Index name -> its definition, for every index of `table`."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table])
            return dict(cursor.fetchall())

    @staticmethod
    def explain(sql, options):
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN ({options}) {sql}")
            return [row[0] for row in cursor.fetchall()]

    def statements(self, case):
        """The SELECTs the request runs on the case's table."""
        client = self.caller(case.caller)
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(case.path(self))
        self.assertStatus(response, 200)
        return [
            query["sql"]
            for query in captured.captured_queries
            if query["sql"].startswith("SELECT") and f'FROM "{case.table}"' in query["sql"]
        ]

    def check(self, case, sql, expected):
        plan = self.explain(sql, "FORMAT JSON")[0]
        plan = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
        nodes = list(plan_nodes(plan))
        used = {node["Index Name"] for node in nodes if "Index Name" in node}
        text = "\n".join(self.explain(sql, "ANALYZE, COSTS, BUFFERS OFF"))
        if isinstance(expected, SeqScanIsRight):
            self.report.append(f"{sql}\n{text}\nNot asserted: {expected.reason}")
            return
        seq_scans = [node for node in nodes if node["Node Type"] == "Seq Scan" and node["Relation Name"] == case.table]
        self.assertEqual(seq_scans, [], f"{case.title}: sequential scan of {case.table}\n{text}")
        keys, definitions = self.index_keys(case.table), self.index_definitions(case.table)
        for index in expected if isinstance(expected, tuple) else (expected,):
            if isinstance(index, TrigramIndexOn):
                fitting = {name for name, definition in definitions.items() if index.fits(definition)}
            else:
                fitting = {name for name, columns in keys.items() if columns[: len(index.columns)] == index.columns}
            self.assertTrue(fitting, f"{case.title}: {case.table} lacks {index}")
            self.assertTrue(used & fitting, f"{case.title}: the plan does not use {index} ({sorted(fitting)})\n{text}")
        wanted = "; ".join(str(index) for index in (expected if isinstance(expected, tuple) else (expected,)))
        self.report.append(f"{sql}\n{text}\nAsserted: {wanted}, used {', '.join(sorted(used))}")

    def test_list_filters_and_orderings_read_through_indexes(self):
        try:
            for case in CASES:
                with self.subTest(case.title):
                    self.report.append(f"### {case.title}")
                    statements = self.statements(case)
                    self.assertEqual(len(statements), len(case.expected), statements)
                    for sql, expected in zip(statements, case.expected, strict=True):
                        self.check(case, sql, expected)
        finally:
            sys.stderr.write("\nQuery plans (PostgreSQL, after ANALYZE):\n\n" + "\n\n".join(self.report) + "\n")
