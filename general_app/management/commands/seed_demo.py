"""`manage.py seed_demo`: demo accounts, offers, orders and reviews, so every page of the frontend has content.

The command only writes rows it can tell are its own. A demo account is recognised by its username *and* its
demo email address (`<username>@demo.coderr.invalid`, see general_app.demo_data); an account that shares only
one of the two belongs to somebody else and is neither changed nor removed, and the demo content that would
involve it is skipped. Offers, orders and reviews are created in the run that creates the newest demo account
they involve: a second run changes nothing, and what people have done with the demo accounts since (edited
profiles, deleted offers) is kept. `--flush-demo` followed by a plain run starts the demo afresh.

Every offer the command creates gets a cover picture and every account a profile picture, drawn at seed time
(general_app.demo_images) and stored like uploads; `--flush-demo` removes them with their rows.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand
from django.db import transaction
from django.db.models import Case, DateTimeField, Q, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from general_app.demo_data import DEMO_ACCOUNTS, DEMO_PASSWORD, GUEST_ACCOUNTS, ORDERS, REVIEWS, demo_email
from general_app.demo_images import DemoPictures, offer_cover, portrait
from offer_app.models import Offer, OfferDetail, refresh_offer_aggregates
from order_app.models import Order
from order_app.services import package_snapshot
from profile_app.models import Profile
from reviews_app.models import Review

User = get_user_model()

FOREIGN_ACCOUNT = (
    "Skipped '{username}': an account the demo did not create already uses this username or the demo email "
    "address. It was left untouched."
)
SEEDED = (
    "Demo data: created {users} accounts, {offers} offers ({packages} packages), {orders} orders, {reviews} reviews."
)
NOTHING_TO_SEED = "Demo data is already present; nothing changed."
DEMO_LOGINS = "Demo logins: every demo account uses the password {password}."
GUEST_LOGINS = "Guest logins: {guests}; every other demo account uses the password {password}."
FLUSHED = "Removed {users} demo accounts, {offers} offers ({packages} packages), {orders} orders, {reviews} reviews."
NOTHING_TO_FLUSH = "No demo accounts found; nothing removed."

# A believable history, counted back from the run: the accounts joined, then published their offers, and the
# orders and reviews followed (their `days_ago` are all more recent). Offers have been edited since; the list
# shows the most recently edited first, and spacing them out interleaved by owner fills its first page with
# several business users instead of one user's four offers.
JOINED = timedelta(days=180)
PUBLISHED = timedelta(days=120)
OFFER_SPACING = timedelta(hours=29)


@dataclass
class DemoAccounts:
    """What the database holds for the demo's usernames."""

    existing: dict = field(default_factory=dict)  # username -> User, demo accounts created by an earlier run
    foreign: list = field(default_factory=list)  # usernames whose name or demo email someone else uses
    missing: list = field(default_factory=list)  # account specs that can be created


class Command(BaseCommand):
    help = (
        "Load the demo data (guest logins kevin and andrey, six business users with four offers each, customers, "
        "orders and reviews). Safe to run repeatedly: existing demo rows and all other accounts are left alone."
    )

    def add_arguments(self, parser):
        options = parser.add_mutually_exclusive_group()
        options.add_argument(
            "--no-guests", action="store_true", help="Do not create the frontend's guest accounts kevin and andrey."
        )
        options.add_argument(
            "--flush-demo",
            action="store_true",
            help="Remove the demo accounts (guests included) with their profiles, offers, reviews and every order "
            "they took part in, instead of seeding. Other accounts are never removed.",
        )

    def handle(self, *args, no_guests=False, flush_demo=False, **options):
        pictures = DemoPictures()
        try:
            with transaction.atomic():
                accounts = find_demo_accounts(GUEST_ACCOUNTS + DEMO_ACCOUNTS)
                for username in accounts.foreign:
                    self.stderr.write(self.style.WARNING(FOREIGN_ACCOUNT.format(username=username)))
                if flush_demo:
                    messages = flush(accounts)
                else:
                    messages = seed(accounts, include_guests=not no_guests, pictures=pictures)
        except BaseException:
            # The rows are rolled back; the pictures stored for them must not stay behind.
            pictures.discard()
            raise
        if options.get("verbosity", 1):
            for message in messages:
                self.stdout.write(message)


def find_demo_accounts(specs):
    """Sort the demo's accounts into those an earlier run created, those taken by others and those missing."""
    usernames = [spec["username"] for spec in specs]
    candidates = list(
        User.objects.annotate(username_ci=Lower("username"), email_ci=Lower("email")).filter(
            Q(username_ci__in=usernames) | Q(email_ci__in=[demo_email(name) for name in usernames])
        )
    )
    by_username = {user.username_ci: user for user in candidates}
    emails_in_use = {user.email_ci for user in candidates}
    accounts = DemoAccounts()
    for spec in specs:
        username = spec["username"]
        user = by_username.get(username)
        if user is not None and user.email_ci == demo_email(username):
            accounts.existing[username] = user
        elif user is not None or demo_email(username) in emails_in_use:
            accounts.foreign.append(username)
        else:
            accounts.missing.append(spec)
    return accounts


def seed(accounts, *, include_guests, pictures):
    guests = {spec["username"] for spec in GUEST_ACCOUNTS}
    specs = [spec for spec in accounts.missing if include_guests or spec["username"] not in guests]
    now = timezone.now()
    created = create_accounts(specs, now, pictures)
    if not created:
        return [NOTHING_TO_SEED]
    users = {**accounts.existing, **created}
    offers, packages = create_offers([(created[spec["username"]], spec) for spec in specs], now, pictures)
    orders = create_orders(users, created, now)
    reviews = create_reviews(users, created, now)
    counts = {"users": len(created), "offers": offers, "packages": packages, "orders": orders, "reviews": reviews}
    if guests <= users.keys():
        credentials = ", ".join(f"{spec['username']} / {spec['password']} ({spec['type']})" for spec in GUEST_ACCOUNTS)
        logins = GUEST_LOGINS.format(guests=credentials, password=DEMO_PASSWORD)
    else:
        logins = DEMO_LOGINS.format(password=DEMO_PASSWORD)
    return [SEEDED.format(**counts), logins]


def create_accounts(specs, now, pictures):
    """Create the accounts and fill their profiles (the profile itself comes from the user's post_save)."""
    created = {}
    shared_hash = None
    for spec in specs:
        # Hashes are assigned directly: the guests' passwords are the frontend's and would fail the password
        # validators. The other accounts share one hash because hashing is deliberately slow.
        if "password" in spec:
            password = make_password(spec["password"])
        else:
            shared_hash = shared_hash or make_password(DEMO_PASSWORD)
            password = shared_hash
        user = User(
            username=spec["username"],
            email=demo_email(spec["username"]),
            password=password,
            type=spec["type"],
            first_name=spec["first_name"],
            last_name=spec["last_name"],
            date_joined=now - JOINED,
        )
        user.save()
        picture = pictures.store(Profile, "file", portrait(user.first_name, user.last_name, user.username))
        Profile.objects.filter(pk=user.pk).update(**spec["profile"], file=picture, created_at=now - JOINED)
        created[spec["username"]] = user
    return created


def create_offers(owned, now, pictures):
    """Create the offers of [(owner, account spec)] with their packages; returns (offers, packages) counts."""
    # The n-th offer of every owner comes before anybody's (n+1)-th, newest first.
    queue = sorted(
        (
            (rank, position, owner, spec, account["category"])
            for position, (owner, account) in enumerate(owned)
            for rank, spec in enumerate(account.get("offers", []))
        ),
        key=lambda item: item[:2],
    )
    offers = Offer.objects.bulk_create(
        Offer(
            user=owner,
            title=spec["title"],
            description=spec["description"],
            image=pictures.store(Offer, "image", offer_cover(spec["title"], category)),
        )
        for _, _, owner, spec, category in queue
    )
    packages = OfferDetail.objects.bulk_create(
        OfferDetail(offer=offer, offer_type=offer_type, **terms)
        for offer, (_, _, _, spec, _) in zip(offers, queue, strict=True)
        for offer_type, terms in spec["packages"].items()
    )
    # bulk_create sends no signals, so the stored minima are computed here, for all offers at once.
    refresh_offer_aggregates(Offer.objects.filter(pk__in=[offer.pk for offer in offers]))
    backdate(
        Offer,
        {
            offer.pk: (now - PUBLISHED - index * OFFER_SPACING, now - index * OFFER_SPACING)
            for index, offer in enumerate(offers)
        },
    )
    return len(offers), len(packages)


def involves_new_account(spec, roles, users, created):
    """True when every account of the spec exists and at least one of them was created in this run."""
    names = [spec[role] for role in roles]
    return all(name in users for name in names) and any(name in created for name in names)


def create_orders(users, created, now):
    specs = [spec for spec in ORDERS if involves_new_account(spec, ("customer", "business_user"), users, created)]
    if not specs:
        return 0
    packages = {
        (package.offer.user_id, package.offer.title, package.offer_type): package
        for package in OfferDetail.objects.filter(offer__user__in=list(users.values())).select_related("offer")
    }
    orders, stamps = [], []
    for spec in specs:
        package = packages.get((users[spec["business_user"]].pk, spec["offer"], spec["offer_type"]))
        if package is None:
            continue  # the business user has deleted or renamed that offer since it was seeded
        snapshot = package_snapshot(package)
        orders.append(
            Order(
                customer_user=users[spec["customer"]],
                business_user=users[spec["business_user"]],
                offer_detail=package,
                status=spec["status"],
                **snapshot,
            )
        )
        ordered_at = now - timedelta(days=spec["days_ago"])
        finished_at = min(ordered_at + timedelta(days=package.delivery_time_in_days), now)
        stamps.append((ordered_at, ordered_at if spec["status"] == Order.Status.IN_PROGRESS else finished_at))
    orders = Order.objects.bulk_create(orders)
    backdate(Order, {order.pk: stamp for order, stamp in zip(orders, stamps, strict=True)})
    return len(orders)


def create_reviews(users, created, now):
    specs = [spec for spec in REVIEWS if involves_new_account(spec, ("reviewer", "business_user"), users, created)]
    reviews = Review.objects.bulk_create(
        Review(
            reviewer=users[spec["reviewer"]],
            business_user=users[spec["business_user"]],
            rating=spec["rating"],
            description=spec["description"],
        )
        for spec in specs
    )
    backdate(
        Review,
        {review.pk: (now - timedelta(days=spec["days_ago"]),) * 2 for review, spec in zip(reviews, specs, strict=True)},
    )
    return len(reviews)


def backdate(model, stamps):
    """Set created_at and updated_at of new rows ({pk: (created, updated)}); auto_now fields only yield to UPDATE."""
    if not stamps:
        return

    def column(index):
        whens = [When(pk=pk, then=Value(times[index])) for pk, times in stamps.items()]
        return Case(*whens, output_field=DateTimeField())

    model.objects.filter(pk__in=list(stamps)).update(created_at=column(0), updated_at=column(1))


def flush(accounts):
    if not accounts.existing:
        return [NOTHING_TO_FLUSH]
    users = User.objects.filter(pk__in=[user.pk for user in accounts.existing.values()])
    # Orders PROTECT their participants, so every order a demo account took part in goes first.
    _, removed = Order.objects.filter(Q(customer_user__in=users) | Q(business_user__in=users)).delete()
    orders = removed.get(Order._meta.label, 0)
    _, removed = users.delete()
    counts = {
        "users": removed.get(User._meta.label, 0),
        "offers": removed.get(Offer._meta.label, 0),
        "packages": removed.get(OfferDetail._meta.label, 0),
        "orders": orders,
        "reviews": removed.get(Review._meta.label, 0),
    }
    return [FLUSHED.format(**counts)]
