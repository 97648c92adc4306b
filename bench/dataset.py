"""The benchmark's dataset, written through the ORM in bulk.

Import only after `django.setup()`. `build()` fills an empty, migrated database and returns what the
scenarios need (ids, tokens, the busiest business users), read back from the database so it is right
whatever the random draw was.

bulk_create sends no signals, so the code below does by hand what the signals and the API would do: a
profile and a token per user, the offers' stored package minima, and timestamps spread over the past year
so orderings by date behave as on a live site. Popularity is skewed (a few business users get most orders
and reviews), as on real marketplaces; that makes S5 and S8 read the heaviest lists rather than average
ones.

Every row is written once, by INSERT, in batches: no UPDATE pass afterwards. At 100,000 offers a pass that
rewrote the offers (refreshing the minima: 28 s on PostgreSQL, whose trigram indexes must take every new
row version; spreading the timestamps with bulk_update: most of the old 90-110 s build) would also leave
a dead version of every row behind. So the timestamps are given at insert (`_stamps_as_given`), the minima
are computed here from the packages being written, and `describe()` checks them against the packages in
the database. The random draws happen in the same order as when the build made those passes, so a seed
gives the same dataset, ids included, as before. Only the offer texts and the current batch of offers
and packages are held in memory.
"""

import hashlib
import random
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.db.models import Count, F, Min, Q
from django.utils import timezone
from knox.models import AuthToken

from auth_app.services import token_for_key
from general_app.models import StatisticsVersion
from offer_app.models import Offer, OfferDetail, OfferListVersion, OfferType
from order_app.models import Order
from profile_app.models import Profile
from reviews_app.models import Review

User = get_user_model()

BENCH_PASSWORD = "bench-Passw0rd!"
SEARCH_WORD = "design"
BATCH = 500
OFFER_BATCH = 2000  # offers (and their 6,000 packages) generated and written at a time

FIRST_NAMES = ["Anna", "Ben", "Clara", "David", "Elif", "Felix", "Greta", "Hannes", "Ida", "Jonas", "Kemal", "Lena"]
LAST_NAMES = ["Weber", "Schmidt", "Yilmaz", "Fischer", "Wagner", "Becker", "Hoffmann", "Koch", "Richter", "Wolf"]
CITIES = ["Berlin", "Hamburg", "Munich", "Cologne", "Leipzig", "Vienna", "Zurich", "Remote"]
ADJECTIVES = ["Professional", "Modern", "Fast", "Custom", "Creative", "Responsive", "Minimalist", "Complete"]
SERVICES = [
    "Website Design",
    "Logo Design",
    "Mobile App Development",
    "SEO Audit",
    "Copywriting",
    "Video Editing",
    "Data Analysis",
    "WordPress Setup",
    "Social Media Marketing",
    "Illustration",
    "Translation",
    "Podcast Editing",
    "UX Research",
    "Backend API Development",
    "Bookkeeping",
    "Packaging Design",
]
SENTENCES = [
    "I deliver clean, well-documented work and keep you updated at every step.",
    "Every package includes a kickoff call to understand your goals and audience.",
    "Over eight years of experience with start-ups and established brands.",
    "Fast turnaround without cutting corners; revisions are handled within a day.",
    "The design follows your brand guidelines or we create them together.",
    "You receive all source files and full commercial rights on delivery.",
    "Accessibility and performance are part of the work, not an extra.",
    "Tell me about your project before ordering so I can suggest the right package.",
    "Tested on current browsers and devices before handover.",
    "Clear communication in English and German.",
]
FEATURES = [
    "Source files",
    "Responsive layout",
    "Commercial use",
    "Kickoff call",
    "Two concepts",
    "Priority support",
    "Unlimited pages",
    "SEO basics",
    "Style guide",
    "Stock images",
]
BASE_PRICES = [19, 25, 39, 49, 59, 75, 89, 99, 120, 149, 199, 249, 299, 399, 499]
REVIEW_TEXTS = [
    "Great communication and delivered ahead of schedule.",
    "Exactly what I needed, would order again.",
    "Good result, one revision was needed.",
    "Very professional and friendly.",
    "Okay overall, delivery took a little longer than promised.",
]


@dataclass(frozen=True)
class DatasetSize:
    business_users: int = 50
    offers: int = 1000
    customers: int = 200
    orders: int = 2000
    reviews: int = 1000
    seed: int = 42


@dataclass
class BenchData:
    """What the scenarios address, all read back from the database."""

    counts: dict
    offer_ids: list
    detail_ids: list
    customer_tokens: list
    any_customer_token: str
    search_word: str
    search_matches: int
    top_order_business: dict
    top_review_business: dict
    sample_creator_id: int


def build(size: DatasetSize) -> BenchData:
    """Fill the (empty, migrated) database and describe the result."""
    rng = random.Random(size.seed)
    now = timezone.now()
    with transaction.atomic():
        businesses = _create_users(rng, "business", size.business_users)
        customers = _create_users(rng, "customer", size.customers)
        popularity = [1 / (rank + 1) ** 0.8 for rank in range(len(businesses))]
        with _indexes_built_after_loading(Offer, OfferDetail):
            offers_of = _create_offers(rng, businesses, size.offers, now)
        _create_orders(rng, customers, businesses, popularity, offers_of, size.orders, now)
        _create_reviews(rng, customers, businesses, popularity, size.reviews, now)
        # bulk_create sends no signals: what was counted and cached before (if anything) is stale now.
        OfferListVersion.changed()
        StatisticsVersion.changed()
    return describe()


def _create_users(rng, user_type, count):
    # One hash for everybody: hashing each password would dominate the build time.
    password = make_password(BENCH_PASSWORD)
    users = User.objects.bulk_create(
        User(
            username=f"bench_{user_type}{n:05d}",
            email=f"bench_{user_type}{n:05d}@bench.example",
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            password=password,
            type=user_type,
        )
        for n in range(1, count + 1)
    )
    is_business = user_type == User.Type.BUSINESS
    Profile.objects.bulk_create(
        (
            Profile(
                user=user,
                location=rng.choice(CITIES),
                tel=f"+49 30 {rng.randrange(1_000_000, 9_999_999)}",
                description=" ".join(rng.sample(SENTENCES, 2)) if is_business else "",
                working_hours=rng.choice(["9-17", "10-18", "8-16"]) if is_business else "",
            )
            for user in users
        ),
        batch_size=BATCH,
    )
    AuthToken.objects.bulk_create(
        (token_for_key(user=user, key=bench_key(user.username)) for user in users), batch_size=BATCH
    )
    return users


def bench_key(username):
    """The API key of a benchmark user.

    The database keeps only digests of keys, so the dataset's keys are derived from the usernames, which lets
    `describe()` name them again. Anyone can derive them: benchmark databases only, never real accounts.
    """
    return hashlib.sha256(f"coderr-bench-token:{username}".encode()).hexdigest()


@contextmanager
def _indexes_built_after_loading(*models):
    """PostgreSQL: the tables' indexes, except those of constraints, are dropped for the load and built after it.

    As pg_restore does: one index build costs far less than 100,000 single inserts into it (the search's
    trigram indexes above all, which take every row without a pending list). The same definitions are
    built again, in the same transaction. SQLite's inserts into its B-trees are cheap enough as they are.
    """
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT index.relname, pg_get_indexdef(index.oid)
            FROM pg_index
            JOIN pg_class index ON index.oid = pg_index.indexrelid
            WHERE pg_index.indrelid = ANY(%s::regclass[])
              AND NOT EXISTS (SELECT 1 FROM pg_constraint WHERE pg_constraint.conindid = index.oid)
            """,
            [[model._meta.db_table for model in models]],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        # Django's foreign keys are checked at commit; an index cannot be built while those checks are pending.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def _stamps_as_given(model):
    """bulk_create keeps the created_at/updated_at set on the objects (auto_now* would stamp them all 'now')."""
    fields = [
        field
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _stamps(rng, now, days):
    """created_at spread over the last `days` days, updated_at between it and now (recent edits more likely)."""
    created_at = now - timedelta(seconds=rng.uniform(0, days * 86400))
    return created_at, created_at + (now - created_at) * rng.random() ** 3


def _insert_stamped(rng, rows, now, days):
    """Stamp the rows (in order: the draws follow the rows) and insert them in batches; returns them with ids."""
    for row in rows:
        row.created_at, row.updated_at = _stamps(rng, now, days)
    if not rows:
        return rows
    model = type(rows[0])
    with _stamps_as_given(model):
        return model.objects.bulk_create(rows, batch_size=BATCH)


def _create_offers(rng, businesses, count, now):
    """The offers and their packages; returns {business user id: [offer id, ...]} in creation order."""
    texts = []
    for _ in range(count):
        service = rng.choice(SERVICES)
        title = f"{rng.choice(ADJECTIVES)} {service}"
        texts.append((title, f"{service} for your business. " + " ".join(rng.sample(SENTENCES, rng.randint(2, 5)))))
    stamps = [_stamps(rng, now, days=365) for _ in range(count)]
    offers_of = {}
    for start in range(0, count, OFFER_BATCH):
        numbers = range(start, min(start + OFFER_BATCH, count))
        packages = [_package_terms(rng) for _ in numbers]
        offers = [
            Offer(
                user=businesses[n % len(businesses)],
                title=texts[n][0],
                description=texts[n][1],
                created_at=stamps[n][0],
                updated_at=stamps[n][1],
                # What refresh_offer_aggregates() stores; describe() checks it against the packages.
                min_price=min(terms["price"] for terms in offer_packages),
                min_delivery_time=min(terms["delivery_time_in_days"] for terms in offer_packages),
            )
            for n, offer_packages in zip(numbers, packages, strict=True)
        ]
        with _stamps_as_given(Offer):
            offers = Offer.objects.bulk_create(offers, batch_size=BATCH)
        OfferDetail.objects.bulk_create(
            (
                OfferDetail(offer_id=offer.pk, **terms)
                for offer, offer_packages in zip(offers, packages, strict=True)
                for terms in offer_packages
            ),
            batch_size=BATCH,
        )
        for offer in offers:
            offers_of.setdefault(offer.user_id, []).append(offer.pk)
    return offers_of


def _money(value):
    return Decimal(value).quantize(Decimal("0.01"))


def _package_terms(rng):
    """One offer's three packages (basic, standard, premium) as OfferDetail fields."""
    price = _money(rng.choice(BASE_PRICES) + rng.choice([0, 0.5, 0.99]))
    delivery = rng.randint(5, 14)
    packages = []
    for rank, offer_type in enumerate(OfferType.values):
        packages.append(
            {
                "title": f"{offer_type.capitalize()} Package",
                "revisions": [rng.randint(1, 2), rng.randint(3, 5), -1][rank],
                "delivery_time_in_days": max(1, delivery - rank * rng.randint(1, 3)),
                "price": price,
                "features": rng.sample(FEATURES, 2 + rank * 2),
                "offer_type": offer_type,
            }
        )
        price = _money(price * Decimal(str(round(rng.uniform(1.5, 2.2), 2))))
    return packages


def _packages_of(offer_ids):
    """{offer id: its packages in creation order (basic, standard, premium)}, read back in chunks."""
    packages_of = {}
    offer_ids = sorted(set(offer_ids))
    for start in range(0, len(offer_ids), BATCH):
        chunk = offer_ids[start : start + BATCH]
        for package in OfferDetail.objects.filter(offer_id__in=chunk).order_by("pk"):
            packages_of.setdefault(package.offer_id, []).append(package)
    return packages_of


def _create_orders(rng, customers, businesses, popularity, offers_of, count, now):
    statuses = [Order.Status.IN_PROGRESS, Order.Status.COMPLETED, Order.Status.CANCELLED]
    drawn = []
    for business in rng.choices(businesses, weights=popularity, k=count):
        offer_id = rng.choice(offers_of[business.pk])
        # The same draw as choosing among the offer's three packages themselves.
        package_rank = rng.choices(range(len(OfferType.values)), weights=[5, 3, 2])[0]
        customer = rng.choice(customers)
        status = rng.choices(statuses, weights=[4, 5, 1])[0]
        drawn.append((business, offer_id, package_rank, customer, status))
    packages_of = _packages_of(offer_id for _business, offer_id, _rank, _customer, _status in drawn)
    orders = []
    for business, offer_id, package_rank, customer, status in drawn:
        package = packages_of[offer_id][package_rank]
        orders.append(
            Order(
                customer_user=customer,
                business_user=business,
                offer_detail=package,
                title=package.title,
                revisions=package.revisions,
                delivery_time_in_days=package.delivery_time_in_days,
                price=package.price,
                features=package.features,
                offer_type=package.offer_type,
                status=status,
            )
        )
    _insert_stamped(rng, orders, now, days=180)


def _create_reviews(rng, customers, businesses, popularity, count, now):
    total = sum(popularity)
    reviews = []
    for business, weight in zip(businesses, popularity, strict=True):
        wanted = min(len(customers), round(count * weight / total))
        for reviewer in rng.sample(customers, wanted):
            reviews.append(
                Review(
                    business_user=business,
                    reviewer=reviewer,
                    rating=rng.choices([1, 2, 3, 4, 5], weights=[1, 1, 3, 8, 12])[0],
                    description=rng.choice(REVIEW_TEXTS),
                )
            )
    _insert_stamped(rng, reviews, now, days=365)


def _busiest(queryset, field_name):
    """The user with the most rows in `queryset` (ties: lowest id), with their token and row count."""
    row = queryset.values(field_name).annotate(n=Count("pk")).order_by("-n", field_name).first()
    if row is None:
        return {"user_id": None, "token": None, "count": 0}
    user_id = row[field_name]
    return {"user_id": user_id, "token": bench_key(User.objects.get(pk=user_id).username), "count": row["n"]}


def describe() -> BenchData:
    """Read the dataset back; fails loudly if an invariant the scenarios rely on does not hold."""
    counts = {
        "business_users": User.objects.filter(type=User.Type.BUSINESS).count(),
        "customers": User.objects.filter(type=User.Type.CUSTOMER).count(),
        "profiles": Profile.objects.count(),
        "tokens": AuthToken.objects.count(),
        "offers": Offer.objects.count(),
        "packages": OfferDetail.objects.count(),
        "orders": Order.objects.count(),
        "reviews": Review.objects.count(),
    }
    users = counts["business_users"] + counts["customers"]
    problems = []
    if counts["profiles"] != users or counts["tokens"] != users:
        problems.append("every user needs a profile and a token")
    if Offer.objects.filter(Q(min_price__isnull=True) | Q(min_delivery_time__isnull=True)).exists():
        problems.append("offers without stored package minima")
    minima = Offer.objects.annotate(price=Min("details__price"), days=Min("details__delivery_time_in_days"))
    if minima.exclude(min_price=F("price"), min_delivery_time=F("days")).exists():
        problems.append("stored package minima differ from the packages' (see refresh_offer_aggregates)")
    if counts["packages"] != 3 * counts["offers"]:
        problems.append("every offer needs exactly three packages")
    if problems:
        raise RuntimeError("Benchmark dataset is inconsistent: " + "; ".join(problems))

    customer_tokens = [
        bench_key(username)
        for username in User.objects.filter(type=User.Type.CUSTOMER, auth_token_set__isnull=False)
        .order_by("pk")
        .values_list("username", flat=True)
    ]
    top_offers = Offer.objects.values("user").annotate(n=Count("pk")).order_by("-n", "user").first()
    return BenchData(
        counts=counts,
        offer_ids=list(Offer.objects.order_by("pk").values_list("pk", flat=True)),
        detail_ids=list(OfferDetail.objects.order_by("pk").values_list("pk", flat=True)),
        customer_tokens=customer_tokens,
        any_customer_token=customer_tokens[0] if customer_tokens else None,
        search_word=SEARCH_WORD,
        search_matches=Offer.objects.filter(
            Q(title__icontains=SEARCH_WORD) | Q(description__icontains=SEARCH_WORD), min_price__gte=100
        ).count(),
        top_order_business=_busiest(Order.objects.all(), "business_user"),
        top_review_business=_busiest(Review.objects.all(), "business_user"),
        sample_creator_id=top_offers["user"] if top_offers else None,
    )
