"""Query budgets of every API operation, exact, and the same with one row as with thirty of everything.

Each budget lists its statements, one description per statement, starting with the SQL verb it runs; the
test checks the number (assertNumQueries) and the sequence of verbs, so the descriptions cannot drift from
what the endpoint really does. There are no request transactions: reads run in
autocommit, and each write service opens its own `transaction.atomic()` block, which inside the test's
transaction is a SAVEPOINT / RELEASE SAVEPOINT pair (SQLite and PostgreSQL log it alike), listed where it
happens.

Every budget is measured twice, each time in a transaction rolled back afterwards: in a world of one
business user with one offer, one customer with one order and one review, and in the same world grown to
thirty business users with an offer (with an image) each, thirty customers, thirty orders and thirty
reviews each way. The counts must be the budget both times: no query may depend on the number of rows.
"""

import sys
from collections import Counter
from dataclasses import dataclass
from itertools import zip_longest

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.testing import PACKAGES, TEST_PASSWORD, CoderrTestCase, api_routes, image_upload, make_offer, package_of
from offer_app.models import Offer, OfferDetail, refresh_offer_aggregates
from order_app.models import Order
from order_app.services import order_create, package_snapshot
from profile_app.models import Profile
from reviews_app.models import Review

User = get_user_model()

GROWN = 30

# --- what the statements are ------------------------------------------------------------------------------

TOKEN = "SELECT the sent token with its user (token authentication)"


def atomic(block, *statements):
    """The statements of a nested `transaction.atomic()` block, inside its savepoint."""
    return (f"SAVEPOINT: {block}", *statements, f"RELEASE SAVEPOINT: {block}")


def verb(text):
    return text.split(None, 1)[0].rstrip(":").upper()


# --- the budgets ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """One API operation, called by `caller`, answering `status` with exactly `statements`."""

    method: str
    route: str  # the URL pattern as the URL conf spells it
    caller: str  # anonymous, stale (an unknown token), customer, business or staff
    statements: tuple
    # Built per measurement from the test case (an upload can be read only once).
    path: object  # test case -> URL
    body: object = None  # test case -> request body, or the body itself
    status: int = 200
    format: str = "json"
    case: str = ""
    listed: tuple = None  # a list's number of items with one row and in the grown world
    # Measured after the same request once, for what the cache keeps between requests (counts, statistics).
    warm: bool = False

    @property
    def key(self):
        return (self.method, self.route)

    def __str__(self):
        case = f" {self.case}" if self.case else ""
        return f"{self.method} /{self.route}{case} [{self.caller}]"


def offer_payload(test):
    return {
        "title": "Logo Design",
        "description": "Logos that last.",
        "details": [{**package, "price": str(package["price"])} for package in PACKAGES.values()],
    }


def offer_edit_payload(test):
    """What the frontend sends back: the title and the three package objects it fetched, ids included."""
    details = [
        {
            "id": package.pk,
            "title": package.title,
            "revisions": package.revisions,
            "delivery_time_in_days": package.delivery_time_in_days + 1,
            "price": str(package.price + 1),
            "features": package.features,
            "offer_type": package.offer_type,
        }
        for package in test.offer.details.all()
    ]
    return {"title": "Website Design Deluxe", "details": details}


def registration_payload(test):
    return {
        "username": "newcomer",
        "email": "newcomer@example.com",
        "password": TEST_PASSWORD,
        "repeated_password": TEST_PASSWORD,
        "type": "customer",
    }


def login_by_username(test):
    return {"username": test.customer.username, "password": TEST_PASSWORD}


def review_payload(test):
    return {"business_user": test.make_user("business").pk, "rating": 5, "description": "Great work."}


# Writes that change what a cached count or statistic counted replace its data version (core.db.versions).
OFFERS_CHANGED = "UPDATE the offers' data version"
STATISTICS_CHANGED = "UPDATE the statistics' data version"
REGISTRATION = (
    "SELECT whether the username is taken (any case)",
    "SELECT whether the email is taken (any case)",
    *atomic(
        "user_register() (a lost race answers 400)",
        *atomic(
            "User.save() (user and profile together)",
            "INSERT the user",
            f"{STATISTICS_CHANGED} (a new user)",
            "INSERT the profile (create_profile)",
        ),
        "INSERT the token (its digest)",
    ),
)
# Every login issues a new token; the account's expired ones are deleted on the way (auth_app.services).
NEW_TOKEN = atomic("token_issue()", "DELETE the account's expired tokens", "INSERT the new token (its digest)")
# Counts and statistics are cached under a data version (core.db.versions): read first, and counted again only
# after a write changed it. The budgets measure the first request after a change; `warm` ones the next.
OFFERS_VERSION = "SELECT the offers' data version (the key of the cached count)"
OFFER_PAGE_CACHED = (
    OFFERS_VERSION,
    "SELECT the page of offers joined with their creators",
    "SELECT the package ids of the page",
)
OFFER_PAGE = (
    *OFFER_PAGE_CACHED[:1],
    "SELECT COUNT(*) of the filtered offers (paginator; no join)",
    *OFFER_PAGE_CACHED[1:],
)
OFFER = ("SELECT the offer joined with its creator", "SELECT its package ids")
OFFER_ANSWER = ("SELECT the offer as now stored", "SELECT its packages (prefetch)")
PACKAGE = ("SELECT the package",)
STATISTICS_VERSION = "SELECT the statistics' data version (the key of the cached statistics)"
STATISTICS = (
    STATISTICS_VERSION,
    "SELECT the review count and rating sum, the business users and the offers (one statement)",
)
ORDER_COUNT = ("SELECT whether the business user exists", "SELECT COUNT(*) of their orders in that status")

BUDGETS = [
    # Accounts
    Budget("POST", "api/registration/", "anonymous", REGISTRATION, lambda t: "/api/registration/",
           registration_payload, status=201),
    Budget("POST", "api/registration/", "stale", (TOKEN, *REGISTRATION), lambda t: "/api/registration/",
           registration_payload, status=201),
    Budget("POST", "api/login/", "anonymous",
           ("SELECT the user by username (any case)", *NEW_TOKEN),
           lambda t: "/api/login/", login_by_username, case="username"),
    Budget("POST", "api/login/", "anonymous",
           ("SELECT the user by username (no match)", "SELECT the user by email (any case)", *NEW_TOKEN),
           lambda t: "/api/login/", lambda t: {"email": t.customer.email, "password": TEST_PASSWORD}, case="email"),
    Budget("POST", "api/login/", "customer",
           (TOKEN, "SELECT the user by username (any case)", *NEW_TOKEN),
           lambda t: "/api/login/", login_by_username, case="username"),
    Budget("POST", "api/logout/", "customer",
           (TOKEN, *atomic("token_revoke()", "DELETE the calling token")), lambda t: "/api/logout/",
           status=204),
    Budget("POST", "api/logout/all/", "customer",
           (TOKEN, *atomic("user_tokens_revoke()", "DELETE every token of the account")),
           lambda t: "/api/logout/all/", status=204),
    # Profiles
    Budget("GET", "api/profile/<int:user_id>/", "customer",
           (TOKEN, "SELECT the profile joined with its user"), lambda t: f"/api/profile/{t.business.pk}/"),
    Budget("PATCH", "api/profile/<int:user_id>/", "business",
           (TOKEN, "SELECT the profile joined with its user",
                      *atomic("profile_update()", *atomic("User.save()", "UPDATE the user's names"),
                              "UPDATE the profile"),
                      "SELECT the profile joined with its user, as now stored"),
           lambda t: f"/api/profile/{t.business.pk}/", lambda t: {"first_name": "Kevin", "location": "Berlin"},
           case="JSON"),
    Budget("PATCH", "api/profile/<int:user_id>/", "business",
           (TOKEN, "SELECT the profile joined with its user",
                      *atomic("profile_update()", *atomic("User.save()", "UPDATE the user's names"),
                              "SELECT the stored file name (the replaced image is deleted after commit)",
                              "UPDATE the profile"),
                      "SELECT the profile joined with its user, as now stored"),
           lambda t: f"/api/profile/{t.business.pk}/", lambda t: {"first_name": "Kevin", "file": image_upload()},
           format="multipart", case="multipart with file"),
    Budget("GET", "api/profiles/business/", "customer",
           (TOKEN, "SELECT the business profiles joined with their users"),
           lambda t: "/api/profiles/business/", listed=(1, 30)),
    Budget("GET", "api/profiles/customer/", "business",
           (TOKEN, "SELECT the customer profiles joined with their users"),
           lambda t: "/api/profiles/customer/", listed=(1, 30)),
    # Offers
    Budget("GET", "api/offers/", "anonymous", OFFER_PAGE, lambda t: "/api/offers/", listed=(1, 6)),
    Budget("GET", "api/offers/", "anonymous", OFFER_PAGE_CACHED, lambda t: "/api/offers/", listed=(1, 6),
           case="count cached", warm=True),
    Budget("GET", "api/offers/", "stale", (TOKEN, *OFFER_PAGE), lambda t: "/api/offers/", listed=(1, 6)),
    Budget("GET", "api/offers/", "customer", (TOKEN, *OFFER_PAGE), lambda t: "/api/offers/?page_size=30",
           listed=(1, 30), case="page_size=30"),
    Budget("GET", "api/offers/", "customer", (TOKEN, *OFFER_PAGE),
           lambda t: "/api/offers/?creator_id=&search=&ordering=&page=1&max_delivery_time=", case="empty filters"),
    Budget("GET", "api/offers/", "anonymous", OFFER_PAGE,
           lambda t: f"/api/offers/?creator_id={t.business.pk}&search=web&ordering=-min_price&page=1"
                     "&max_delivery_time=7&min_price=1&max_price=5000&page_size=100",
           case="every filter"),
    Budget("POST", "api/offers/", "business",
           (TOKEN,
                      *atomic("offer_create()", "INSERT the offer",
                              f"{OFFERS_CHANGED} (the offer's post_save)", f"{STATISTICS_CHANGED} (a new offer)",
                              "INSERT the three packages (one bulk insert)",
                              "UPDATE the offer's stored package minima",
                              f"{OFFERS_CHANGED} (refresh_offer_aggregates(), as after every package write)"),
                      *OFFER_ANSWER),
           lambda t: "/api/offers/", offer_payload, status=201),
    Budget("GET", "api/offers/<int:pk>/", "anonymous", OFFER, lambda t: f"/api/offers/{t.offer.pk}/"),
    Budget("GET", "api/offers/<int:pk>/", "stale", (TOKEN, *OFFER), lambda t: f"/api/offers/{t.offer.pk}/"),
    Budget("GET", "api/offers/<int:pk>/", "customer", (TOKEN, *OFFER),
           lambda t: f"/api/offers/{t.offer.pk}/"),
    Budget("PATCH", "api/offers/<int:pk>/", "business",
           (TOKEN, "SELECT the offer",
                      "SELECT its packages (the sent packages are matched by type)",
                      *atomic("offer_update()", "UPDATE the offer's title and updated_at",
                              f"{OFFERS_CHANGED} (the offer's post_save: the title is searched)",
                              "SELECT the packages to change", "UPDATE the three packages (one bulk update)",
                              "UPDATE the offer's stored package minima",
                              f"{OFFERS_CHANGED} (refresh_offer_aggregates())"),
                      *OFFER_ANSWER),
           lambda t: f"/api/offers/{t.offer.pk}/", offer_edit_payload, case="JSON with the three packages"),
    Budget("PATCH", "api/offers/<int:pk>/", "business",
           (TOKEN, "SELECT the offer",
                      *atomic("offer_update()",
                              "SELECT the stored image name (the replaced image is deleted after commit)",
                              "UPDATE the offer's image and updated_at"),
                      *OFFER_ANSWER),
           lambda t: f"/api/offers/{t.offer.pk}/", lambda t: {"image": image_upload()}, format="multipart",
           case="multipart image"),
    Budget("DELETE", "api/offers/<int:pk>/", "business",
           (TOKEN, "SELECT the offer",
                      *atomic("offer_delete()",
                              "SELECT the package ids FOR UPDATE (an order being placed waits)",
                              "SELECT the packages (the deletion collector: packages have delete signals)",
                              "UPDATE the orders of the packages: offer_detail = NULL (one statement)",
                              "DELETE the packages", "DELETE the offer",
                              f"{OFFERS_CHANGED} (the offer's post_delete)", f"{STATISTICS_CHANGED} (one offer less)")),
           lambda t: f"/api/offers/{t.offer.pk}/", status=204),
    Budget("GET", "api/offerdetails/<int:pk>/", "anonymous", PACKAGE,
           lambda t: f"/api/offerdetails/{t.package.pk}/"),
    Budget("GET", "api/offerdetails/<int:pk>/", "stale", (TOKEN, *PACKAGE),
           lambda t: f"/api/offerdetails/{t.package.pk}/"),
    Budget("GET", "api/offerdetails/<int:pk>/", "customer", (TOKEN, *PACKAGE),
           lambda t: f"/api/offerdetails/{t.package.pk}/"),
    # Orders
    Budget("GET", "api/orders/", "customer", (TOKEN, "SELECT the orders the caller takes part in"),
           lambda t: "/api/orders/", listed=(1, 30)),
    Budget("GET", "api/orders/", "business", (TOKEN, "SELECT the orders the caller takes part in"),
           lambda t: "/api/orders/", listed=(1, 30)),
    Budget("POST", "api/orders/", "customer",
           (TOKEN,
            *atomic("order_create()", "SELECT the package joined with its offer FOR UPDATE",
                    "INSERT the order with the package snapshot"),
            "SELECT the order as now stored"),
           lambda t: "/api/orders/", lambda t: {"offer_detail_id": t.package.pk}, status=201),
    Budget("POST", "api/orders/", "customer",
           (TOKEN,
            *atomic("order_create()", "SELECT the package joined with its offer FOR UPDATE (owner check)",
                    "INSERT the order with the package snapshot"),
            "SELECT the order as now stored"),
           lambda t: "/api/orders/", lambda t: {"offer_detail_id": t.package.pk, "business_user_id": t.business.pk},
           status=201, case="with business_user_id"),
    Budget("GET", "api/orders/<int:pk>/", "customer",
           (TOKEN, "SELECT the order among the caller's"), lambda t: f"/api/orders/{t.order.pk}/"),
    Budget("PATCH", "api/orders/<int:pk>/", "business",
           (TOKEN, "SELECT the order", *atomic("order_status_update()", "UPDATE the order"),
            "SELECT the order as now stored"),
           lambda t: f"/api/orders/{t.order.pk}/", {"status": "completed"}),
    Budget("DELETE", "api/orders/<int:pk>/", "staff",
           (TOKEN, "SELECT the order", *atomic("order_delete()", "DELETE the order")),
           lambda t: f"/api/orders/{t.order.pk}/", status=204),
    Budget("GET", "api/order-count/<int:business_user_id>/", "customer", (TOKEN, *ORDER_COUNT),
           lambda t: f"/api/order-count/{t.business.pk}/"),
    Budget("GET", "api/completed-order-count/<int:business_user_id>/", "customer", (TOKEN, *ORDER_COUNT),
           lambda t: f"/api/completed-order-count/{t.business.pk}/"),
    # Reviews
    Budget("GET", "api/reviews/", "customer", (TOKEN, "SELECT the reviews"), lambda t: "/api/reviews/",
           listed=(1, 59)),
    Budget("GET", "api/reviews/", "business", (TOKEN, "SELECT the business user's reviews"),
           lambda t: f"/api/reviews/?business_user_id={t.business.pk}&ordering=-updated_at", listed=(1, 30),
           case="business_user_id"),
    Budget("GET", "api/reviews/", "customer", (TOKEN, "SELECT the reviewer's reviews"),
           lambda t: f"/api/reviews/?reviewer_id={t.customer.pk}&ordering=-updated_at", listed=(1, 30),
           case="reviewer_id"),
    Budget("POST", "api/reviews/", "customer",
           (TOKEN, "SELECT the business user (validation)",
                      "SELECT whether the caller reviewed them already (validation)",
                      *atomic("review_create() (a lost race answers 400)", "INSERT the review",
                              f"{STATISTICS_CHANGED} (a new review)"),
                      "SELECT the review as now stored"),
           lambda t: "/api/reviews/", review_payload, status=201),
    Budget("GET", "api/reviews/<int:pk>/", "business", (TOKEN, "SELECT the review"),
           lambda t: f"/api/reviews/{t.review.pk}/"),
    Budget("PATCH", "api/reviews/<int:pk>/", "customer",
           (TOKEN, "SELECT the review",
                      *atomic("review_update()", "UPDATE the review", f"{STATISTICS_CHANGED} (the rating may change)")),
           lambda t: f"/api/reviews/{t.review.pk}/", {"rating": 5, "description": "Even better."}),
    Budget("DELETE", "api/reviews/<int:pk>/", "customer",
           (TOKEN, "SELECT the review",
                      *atomic("review_delete()", "DELETE the review", f"{STATISTICS_CHANGED} (one review less)")),
           lambda t: f"/api/reviews/{t.review.pk}/", status=204),
    # Platform
    Budget("GET", "api/base-info/", "anonymous", STATISTICS, lambda t: "/api/base-info/"),
    Budget("GET", "api/base-info/", "anonymous", (STATISTICS_VERSION,), lambda t: "/api/base-info/",
           case="cached", warm=True),
    Budget("GET", "api/base-info/", "stale", (TOKEN, *STATISTICS), lambda t: "/api/base-info/"),
    Budget("GET", "api/base-info/", "customer", (TOKEN, *STATISTICS), lambda t: "/api/base-info/"),
    Budget("GET", "api/health/", "customer", ("SELECT 1 (the database check; no authentication)",),
           lambda t: "/api/health/"),
    Budget("GET", "api/ping/", "customer", (), lambda t: "/api/ping/"),
    Budget("GET", "api/schema/", "anonymous", (), lambda t: "/api/schema/"),
    Budget("GET", "api/docs/", "anonymous", (), lambda t: "/api/docs/"),
    Budget("GET", "^api/", "customer", (), lambda t: "/api/no-such-route/", status=404,
           case="unknown route"),
]  # fmt: skip

# The issue's ceilings for the hot endpoints: the endpoint's own queries, without the request transaction
# and the token lookup.
ISSUE_CEILINGS = {
    ("GET", "api/offers/"): 4,
    ("GET", "api/offers/<int:pk>/"): 3,
    ("GET", "api/offerdetails/<int:pk>/"): 2,
    ("GET", "api/base-info/"): 4,
    ("GET", "api/profile/<int:user_id>/"): 2,
}


class QueryBudgetTests(CoderrTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.business = cls.make_user("business")
        cls.customer = cls.make_user("customer")
        cls.staff = cls.make_user("", is_staff=True, is_superuser=True)
        cls.offer = make_offer(cls.business)
        Offer.objects.filter(pk=cls.offer.pk).update(image="offer_images/world.png")
        cls.package = package_of(cls.offer)
        cls.order = order_create(customer=cls.customer, offer_detail=cls.package)
        cls.review = Review.objects.create(business_user=cls.business, reviewer=cls.customer, rating=4)

    def grow(self):
        """The world grown to thirty of everything: offers of different owners with images, orders, reviews."""
        more = GROWN - 1
        businesses = self.bulk_users("business", more)
        customers = self.bulk_users("customer", more)
        offers = Offer.objects.bulk_create(
            Offer(user=owner, title=f"Offer {n}", description="Grown.", image=f"offer_images/grown{n}.png")
            for n, owner in enumerate(businesses)
        )
        OfferDetail.objects.bulk_create(
            OfferDetail(offer=offer, **{**package, "price": package["price"] + n})
            for n, offer in enumerate(offers)
            for package in PACKAGES.values()
        )
        refresh_offer_aggregates(Offer.objects.filter(pk__in=[offer.pk for offer in offers]))
        snapshot = package_snapshot(self.package)
        Order.objects.bulk_create(
            Order(customer_user=self.customer, business_user=self.business, offer_detail=self.package, **snapshot)
            for _ in range(more)
        )
        Review.objects.bulk_create(
            [Review(business_user=self.business, reviewer=customer, rating=5) for customer in customers]
            + [Review(business_user=business, reviewer=self.customer, rating=3) for business in businesses]
        )
        self.assertEqual(Offer.objects.count(), GROWN)
        self.assertEqual(Order.objects.filter(customer_user=self.customer, business_user=self.business).count(), GROWN)

    @staticmethod
    def bulk_users(user_type, count):
        start = User.objects.count()
        users = User.objects.bulk_create(
            User(username=f"grown_{user_type}{start + n}", email=f"grown_{user_type}{start + n}@example.com",
                 password=make_password(None), type=user_type, first_name="Grown")
            for n in range(count)
        )  # fmt: skip
        Profile.objects.bulk_create(
            Profile(user=user, file=f"profile_images/{user.username}.png" if n % 2 else "", location="Berlin")
            for n, user in enumerate(users)
        )
        return users

    def caller(self, name):
        if name == "anonymous":
            return self.anonymous()
        if name == "stale":
            return self.stale_token_client()
        return self.client_for(getattr(self, name))

    def measure(self, budget, *, grown):
        """Runs the budget's request once, in a transaction rolled back afterwards; returns its SQL."""
        with transaction.atomic():
            if grown:
                self.grow()
            client = self.caller(budget.caller)
            path = budget.path(self)
            body = budget.body(self) if callable(budget.body) else budget.body
            cache.clear()
            if budget.warm:
                client.get(path)
            captured = None
            try:
                with self.assertNumQueries(len(budget.statements)), CaptureQueriesContext(connection) as captured:
                    if budget.method == "GET":
                        response = client.get(path)
                    else:
                        response = getattr(client, budget.method.lower())(path, body, format=budget.format)
            finally:
                if captured is not None:
                    self.measured[(str(budget), grown)] = len(captured)
            self.assertStatus(response, budget.status)
            if budget.listed:
                few, many = budget.listed
                items = response.json()
                items = items["results"] if isinstance(items, dict) else items
                self.assertEqual(len(items), many if grown else few, "the list does not show the rows it should")
            transaction.set_rollback(True)
        return [query["sql"] for query in captured.captured_queries]

    def assertStatements(self, budget, sql):
        """The captured statements run the verbs of the budget's descriptions, in that order."""
        expected = [verb(text) for text in budget.statements]
        actual = [verb(statement) for statement in sql]
        if actual != expected:
            lines = "\n".join(
                f"  {want or '-':<60} | {got[:140] or '-'}"
                for want, got in zip_longest(budget.statements, sql, fillvalue="")
            )
            self.fail(f"{budget}: statements differ from the budget's description\n{lines}")

    def test_every_operation_runs_exactly_its_budget_with_one_row_and_with_thirty(self):
        self.measured = {}
        try:
            for budget in BUDGETS:
                for grown in (False, True):
                    with self.subTest(str(budget), rows=GROWN if grown else 1):
                        sql = self.measure(budget, grown=grown)
                        self.assertStatements(budget, sql)
                        self.assertWithinCeiling(budget, sql)
        finally:
            self.print_table()

    def test_every_api_operation_in_the_url_conf_has_a_budget(self):
        budgeted = {budget.key for budget in BUDGETS}
        served = {(method, api.route) for api in api_routes() for method in api.methods}
        self.assertEqual(sorted(served - budgeted), [], "operations without a budget")
        self.assertEqual(sorted(budgeted - served), [], "budgets of operations the URL conf does not serve")

    def assertWithinCeiling(self, budget, sql):
        """The hot endpoints' own statements (no savepoints, no token lookup) stay within the issue's ceilings."""
        if budget.key not in ISSUE_CEILINGS:
            return
        own = [
            statement
            for statement, text in zip(sql, budget.statements, strict=True)
            if text != TOKEN and verb(statement) not in ("SAVEPOINT", "RELEASE")
        ]
        self.assertLessEqual(len(own), ISSUE_CEILINGS[budget.key], f"{budget}: {own}")

    def print_table(self):
        width = max(len(str(budget)) for budget in BUDGETS)
        lines = [
            f"\nQuery budgets ({connection.vendor}): statements with 1 row / with {GROWN} rows "
            "(incl. the write services' SAVEPOINT pairs and the token lookup)",
            f"{'operation [caller]':<{width}}  1 row  {GROWN} rows  own queries (without savepoints and token)",
        ]
        for budget in BUDGETS:
            own = Counter(verb(text) for text in budget.statements if text not in (TOKEN,))
            own = {name: count for name, count in own.items() if name not in ("SAVEPOINT", "RELEASE")}
            few = self.measured.get((str(budget), False), "?")
            many = self.measured.get((str(budget), True), "?")
            summary = ", ".join(f"{count} {name}" for name, count in own.items()) or "none"
            lines.append(f"{budget!s:<{width}}  {few!s:>5}  {many!s:>7}  {summary}")
        sys.stderr.write("\n".join(lines) + "\n")
