"""manage.py seed_demo: the demo content, idempotent, in one transaction, blind to accounts it did not create."""

from collections import Counter
from io import StringIO
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from knox.models import AuthToken

from auth_app.models import User
from core.testing import CoderrTestCase
from general_app import demo_data
from general_app.demo_data import DEMO_PASSWORD, demo_email
from general_app.management.commands import seed_demo
from offer_app.models import PACKAGE_TYPES, Offer, OfferDetail
from order_app.models import Order
from order_app.services import SNAPSHOT_FIELDS
from profile_app.models import Profile
from reviews_app.models import Review

MODELS = (User, Profile, Offer, OfferDetail, Order, Review, AuthToken)
BUSINESS_PERSONAS = {
    "maxweber": ("Max", "Weber"),
    "sarahschmidt": ("Sarah", "Schmidt"),
    "thomasmueller": ("Thomas", "Müller"),
    "juliafischer": ("Julia", "Fischer"),
    "annabecker": ("Anna", "Becker"),
    "michaelhoffmann": ("Michael", "Hoffmann"),
}
FULL_COUNTS = {
    "auth_app.User": 11,
    "profile_app.Profile": 11,
    "offer_app.Offer": 26,  # 6 business users x 4, plus kevin's 2
    "offer_app.OfferDetail": 78,
    "order_app.Order": 21,
    "reviews_app.Review": 13,
    "knox.AuthToken": 0,
}


def run_seed_demo(*args):
    out, err = StringIO(), StringIO()
    call_command("seed_demo", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def row_counts():
    return {model._meta.label: model.objects.count() for model in MODELS}


def database_snapshot():
    """Every row of every model the command touches, as plain values, so two states can be compared exactly."""
    return {model._meta.label: list(model.objects.order_by("pk").values()) for model in MODELS}


def rows_of(user):
    """The account's own rows: user, profile, offers and packages."""
    return [
        list(User.objects.filter(pk=user.pk).values()),
        list(Profile.objects.filter(user=user).values()),
        list(Offer.objects.filter(user=user).values()),
        list(OfferDetail.objects.filter(offer__user=user).values()),
    ]


class SeededDemoContentTests(CoderrTestCase):
    """What one run on an empty database creates."""

    @classmethod
    def setUpTestData(cls):
        cls.output, cls.errors = run_seed_demo()

    def test_seeding_creates_the_exact_demo_counts(self):
        self.assertEqual(row_counts(), FULL_COUNTS)
        self.assertEqual(self.errors, "")
        self.assertIn(
            seed_demo.SEEDED.format(users=11, offers=26, packages=78, orders=21, reviews=13), self.output.splitlines()
        )

    def test_seeding_prints_the_demo_logins(self):
        self.assertIn(
            "Guest logins: kevin / asdasd24 (business), andrey / asdasd (customer); every other demo account uses "
            "the password coderr-demo-2026.",
            self.output.splitlines(),
        )

    def test_the_six_business_users_have_four_offers_each_and_kevin_two(self):
        offers_per_user = Counter(Offer.objects.values_list("user__username", flat=True))
        self.assertEqual(offers_per_user, {**dict.fromkeys(BUSINESS_PERSONAS, 4), "kevin": 2})
        for username, (first_name, last_name) in BUSINESS_PERSONAS.items():
            user = User.objects.get(username=username)
            self.assertEqual((user.first_name, user.last_name, user.type), (first_name, last_name, "business"))

    def test_every_demo_account_has_its_demo_email_and_a_filled_profile(self):
        for profile in Profile.objects.select_related("user"):
            with self.subTest(username=profile.user.username):
                self.assertEqual(profile.user.email, demo_email(profile.user.username))
                self.assertTrue(profile.user.first_name and profile.user.last_name)
                self.assertTrue(profile.location and profile.description and profile.working_hours)
                self.assertRegex(profile.tel, r"^\d+$")

    def test_guest_accounts_have_the_frontends_credentials_and_types(self):
        kevin, andrey = User.objects.get(username="kevin"), User.objects.get(username="andrey")
        self.assertTrue(kevin.check_password("asdasd24"))
        self.assertEqual(kevin.type, "business")
        self.assertTrue(andrey.check_password("asdasd"))
        self.assertEqual(andrey.type, "customer")

    def test_the_other_demo_accounts_use_the_documented_password(self):
        for user in User.objects.exclude(username__in=["kevin", "andrey"]):
            with self.subTest(username=user.username):
                self.assertTrue(user.check_password(DEMO_PASSWORD))

    def test_guests_log_in_through_the_api(self):
        for username, password, user_type in [("kevin", "asdasd24", "business"), ("andrey", "asdasd", "customer")]:
            with self.subTest(username=username):
                response = self.anonymous().post("/api/login/", {"username": username, "password": password})
                self.assertStatus(response, 200)
                user = User.objects.get(username=username)
                self.assertTokenOf(response.json()["token"], user)
                self.assertEqual(
                    response.json(),
                    {
                        "token": response.json()["token"],
                        "user_id": user.pk,
                        "username": username,
                        "email": demo_email(username),
                        "type": user_type,
                    },
                )

    def test_every_offer_has_one_package_of_each_type_and_stores_their_minima(self):
        for offer in Offer.objects.prefetch_related("details"):
            with self.subTest(offer=offer.title):
                packages = list(offer.details.all())
                self.assertEqual([package.offer_type for package in packages], PACKAGE_TYPES)
                self.assertEqual(offer.min_price, min(package.price for package in packages))
                self.assertEqual(offer.min_delivery_time, min(package.delivery_time_in_days for package in packages))

    def test_packages_are_valid_and_use_the_whole_range_of_terms(self):
        packages = list(OfferDetail.objects.all())
        for package in packages:
            with self.subTest(package=str(package)):
                package.full_clean()
                self.assertIsInstance(package.features, list)
                self.assertTrue(package.features)
                self.assertTrue(all(isinstance(item, str) and item.strip() for item in package.features))
        self.assertTrue(any(package.price % 1 for package in packages), "some prices have cents")
        self.assertTrue(any(package.revisions == -1 for package in packages), "some packages have unlimited revisions")
        self.assertTrue(any(package.revisions == 0 for package in packages), "some packages have no revisions")

    def test_demo_offers_are_spread_over_time_newest_first_across_business_users(self):
        first_page = Offer.objects.order_by("-updated_at")[:6]
        self.assertEqual(len({offer.user_id for offer in first_page}), 6)
        self.assertEqual(Offer.objects.values("updated_at").distinct().count(), 26)

    def test_the_demo_history_is_in_order(self):
        for order in Order.objects.select_related("offer_detail__offer", "customer_user", "business_user"):
            with self.subTest(order=order.pk):
                self.assertLess(order.offer_detail.offer.created_at, order.created_at)
                self.assertLess(order.customer_user.date_joined, order.created_at)
                self.assertLess(order.business_user.date_joined, order.offer_detail.offer.created_at)
        for review in Review.objects.select_related("reviewer", "business_user"):
            with self.subTest(review=review.pk):
                self.assertLess(max(review.reviewer.date_joined, review.business_user.date_joined), review.created_at)
        for profile in Profile.objects.select_related("user"):
            self.assertEqual(profile.created_at, profile.user.date_joined)

    def test_orders_copy_the_terms_of_their_package(self):
        for order in Order.objects.select_related("offer_detail__offer", "customer_user"):
            with self.subTest(order=order.pk):
                order.full_clean()
                package = order.offer_detail
                self.assertEqual(
                    {name: getattr(order, name) for name in SNAPSHOT_FIELDS},
                    {name: getattr(package, name) for name in SNAPSHOT_FIELDS},
                )
                self.assertEqual(order.business_user_id, package.offer.user_id)
                self.assertEqual(order.customer_user.type, "customer")
                self.assertLessEqual(order.created_at, order.updated_at)

    def test_orders_come_in_every_status_and_reach_every_business_user(self):
        self.assertEqual(set(Order.objects.values_list("status", flat=True)), set(Order.Status.values))
        self.assertEqual(
            set(Order.objects.values_list("business_user__username", flat=True)), {*BUSINESS_PERSONAS, "kevin"}
        )
        kevins_statuses = set(Order.objects.filter(business_user__username="kevin").values_list("status", flat=True))
        self.assertEqual(kevins_statuses, set(Order.Status.values))
        self.assertTrue(Order.objects.filter(customer_user__username="andrey").exists())

    def test_reviews_use_every_rating_and_cover_every_business_user(self):
        reviews = list(Review.objects.select_related("reviewer", "business_user"))
        for review in reviews:
            with self.subTest(review=review.pk):
                review.full_clean()
                self.assertEqual((review.reviewer.type, review.business_user.type), ("customer", "business"))
        self.assertEqual({review.rating for review in reviews}, {1, 2, 3, 4, 5})
        self.assertEqual({review.business_user.username for review in reviews}, {*BUSINESS_PERSONAS, "kevin"})

    def test_anonymous_offer_list_shows_every_demo_offer(self):
        response = self.anonymous().get("/api/offers/?page_size=100")
        self.assertStatus(response, 200)
        body = response.json()
        self.assertEqual(body["count"], 26)
        self.assertEqual({item["id"] for item in body["results"]}, set(Offer.objects.values_list("pk", flat=True)))


class DemoDataTests(CoderrTestCase):
    """The data module itself: every reference resolves, so no demo row is silently skipped."""

    def test_usernames_are_unique_and_lowercase(self):
        usernames = [spec["username"] for spec in demo_data.GUEST_ACCOUNTS + demo_data.DEMO_ACCOUNTS]
        self.assertEqual(len(usernames), len(set(usernames)))
        self.assertEqual(usernames, [name.lower() for name in usernames])

    def test_orders_and_reviews_name_existing_accounts_offers_and_packages(self):
        accounts = {spec["username"]: spec for spec in demo_data.GUEST_ACCOUNTS + demo_data.DEMO_ACCOUNTS}
        for spec in demo_data.ORDERS:
            with self.subTest(order=spec):
                self.assertEqual(accounts[spec["customer"]]["type"], "customer")
                offers = {offer["title"]: offer for offer in accounts[spec["business_user"]]["offers"]}
                self.assertIn(spec["offer_type"], offers[spec["offer"]]["packages"])
        pairs = [(spec["reviewer"], spec["business_user"]) for spec in demo_data.REVIEWS]
        self.assertEqual(len(pairs), len(set(pairs)), "one review per (reviewer, business user)")
        for reviewer, business_user in pairs:
            self.assertEqual((accounts[reviewer]["type"], accounts[business_user]["type"]), ("customer", "business"))


class SeedDemoRunTests(CoderrTestCase):
    """Running, re-running, partial runs, flushing, and accounts the demo does not own."""

    def make_real_business_with_offer(self, **fields):
        user = self.make_user("business", **fields)
        offer = Offer.objects.create(user=user, title="Real offer", description="Made through the API.")
        OfferDetail.objects.create(
            offer=offer, title="Basic", revisions=1, delivery_time_in_days=3, price="10.00", offer_type="basic"
        )
        return user, offer

    def test_running_twice_changes_nothing(self):
        run_seed_demo()
        before = database_snapshot()
        output, errors = run_seed_demo()
        self.assertEqual(database_snapshot(), before)
        self.assertEqual(output, seed_demo.NOTHING_TO_SEED + "\n")
        self.assertEqual(errors, "")

    def test_no_guests_skips_the_guests_and_everything_that_involves_them(self):
        output, _ = run_seed_demo("--no-guests")
        self.assertFalse(User.objects.filter(username__in=["kevin", "andrey"]).exists())
        self.assertEqual(
            row_counts(),
            {**FULL_COUNTS, "auth_app.User": 9, "profile_app.Profile": 9, "offer_app.Offer": 24}
            | {"offer_app.OfferDetail": 72, "order_app.Order": 13, "reviews_app.Review": 8},
        )
        self.assertIn(seed_demo.DEMO_LOGINS.format(password=DEMO_PASSWORD), output.splitlines())

    def test_a_later_run_with_guests_adds_them_and_their_orders_and_reviews(self):
        run_seed_demo("--no-guests")
        output, _ = run_seed_demo()
        self.assertEqual(row_counts(), FULL_COUNTS)
        self.assertIn(seed_demo.SEEDED.format(users=2, offers=2, packages=6, orders=8, reviews=5), output.splitlines())

    def test_a_rerun_keeps_what_people_did_with_the_demo_accounts(self):
        run_seed_demo()
        Offer.objects.filter(user__username="kevin", title="Code review and performance audit").delete()
        Profile.objects.filter(user__username="andrey").update(location="Wien")
        run_seed_demo()
        self.assertEqual(Offer.objects.filter(user__username="kevin").count(), 1)
        self.assertEqual(Profile.objects.get(user__username="andrey").location, "Wien")

    def test_seeding_is_one_transaction(self):
        with (
            mock.patch.object(seed_demo, "create_reviews", side_effect=RuntimeError("boom")),
            self.assertRaises(RuntimeError),
        ):
            run_seed_demo()
        self.assertEqual(row_counts(), dict.fromkeys(FULL_COUNTS, 0))

    def test_flush_removes_exactly_the_demo_rows(self):
        real_business, _ = self.make_real_business_with_offer()
        self.client_for(real_business)
        self.make_user("customer")
        before = database_snapshot()
        run_seed_demo()
        output, errors = run_seed_demo("--flush-demo")
        self.assertEqual(database_snapshot(), before)
        self.assertEqual(
            output, seed_demo.FLUSHED.format(users=11, offers=26, packages=78, orders=21, reviews=13) + "\n"
        )
        self.assertEqual(errors, "")

    def test_flush_also_removes_what_others_did_with_demo_accounts_and_keeps_those_accounts(self):
        run_seed_demo()
        customer = self.make_user("customer")
        package = OfferDetail.objects.get(offer__title="Business card design", offer_type="premium")
        Order.objects.create(
            customer_user=customer,
            business_user=package.offer.user,
            offer_detail=package,
            **{name: getattr(package, name) for name in SNAPSHOT_FIELDS},
        )
        Review.objects.create(reviewer=customer, business_user=package.offer.user, rating=5)
        output, _ = run_seed_demo("--flush-demo")
        self.assertEqual(
            output, seed_demo.FLUSHED.format(users=11, offers=26, packages=78, orders=22, reviews=14) + "\n"
        )
        self.assertEqual(list(User.objects.all()), [customer])
        self.assertTrue(Profile.objects.filter(user=customer).exists())

    def test_flush_without_demo_data_removes_nothing(self):
        user, _ = self.make_real_business_with_offer()
        output, _ = run_seed_demo("--flush-demo")
        self.assertEqual(output, seed_demo.NOTHING_TO_FLUSH + "\n")
        self.assertEqual(list(User.objects.all()), [user])

    def test_an_existing_account_with_a_demo_username_is_never_touched(self):
        # Usernames are unique regardless of case, so "MaxWeber" blocks the demo's "maxweber".
        max_user, max_offer = self.make_real_business_with_offer(username="MaxWeber", email="max@example.com")
        before = database_snapshot()
        max_rows = rows_of(max_user)
        _, errors = run_seed_demo()
        self.assertEqual(errors.strip(), seed_demo.FOREIGN_ACCOUNT.format(username="maxweber"))
        self.assertEqual(rows_of(max_user), max_rows)
        self.assertFalse(Order.objects.filter(business_user=max_user).exists())
        self.assertFalse(Review.objects.filter(business_user=max_user).exists())
        # maxweber's 4 demo offers, 3 orders and 2 reviews are skipped; the real account keeps its one offer.
        self.assertEqual(Offer.objects.exclude(user=max_user).count(), 22)
        self.assertEqual(Order.objects.count(), 18)
        self.assertEqual(Review.objects.count(), 11)

        _, errors = run_seed_demo("--flush-demo")
        self.assertEqual(errors.strip(), seed_demo.FOREIGN_ACCOUNT.format(username="maxweber"))
        self.assertEqual(database_snapshot(), before)

    def test_an_account_using_a_demo_email_address_blocks_that_demo_account(self):
        user = self.make_user("business", username="sarah", email=demo_email("sarahschmidt").upper())
        _, errors = run_seed_demo()
        self.assertEqual(errors.strip(), seed_demo.FOREIGN_ACCOUNT.format(username="sarahschmidt"))
        self.assertFalse(User.objects.filter(username="sarahschmidt").exists())
        self.assertEqual(Offer.objects.filter(user=user).count(), 0)
        run_seed_demo("--flush-demo")
        self.assertEqual(list(User.objects.all()), [user])

    def test_a_guest_account_whose_email_was_changed_is_no_longer_treated_as_demo(self):
        run_seed_demo()
        User.objects.filter(username="andrey").update(email="andrey@example.com")
        _, errors = run_seed_demo("--flush-demo")
        self.assertEqual(errors.strip(), seed_demo.FOREIGN_ACCOUNT.format(username="andrey"))
        self.assertEqual(list(User.objects.values_list("username", flat=True)), ["andrey"])

    def test_no_guests_and_flush_demo_cannot_be_combined(self):
        with self.assertRaises(CommandError):
            run_seed_demo("--no-guests", "--flush-demo")
