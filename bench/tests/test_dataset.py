"""The benchmark's dataset builder and scenarios: what the load run relies on holds for any size."""

from decimal import Decimal

from django.db.models import Count, Min
from knox.crypto import hash_token
from knox.models import AuthToken

from bench.dataset import DatasetSize, bench_key, build
from bench.scenarios import build_scenarios
from core.testing import CoderrTestCase
from offer_app.models import Offer, OfferDetail
from order_app.models import Order
from profile_app.models import Profile
from reviews_app.models import Review

TINY = DatasetSize(business_users=3, offers=7, customers=5, orders=20, reviews=8, seed=7)


class DatasetTests(CoderrTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.data = build(TINY)

    def test_build_creates_the_requested_rows_with_a_profile_and_token_per_user(self):
        self.assertEqual(
            self.data.counts,
            {
                "business_users": 3,
                "customers": 5,
                "profiles": 8,
                "tokens": 8,
                "offers": 7,
                "packages": 21,
                "orders": 20,
                "reviews": Review.objects.count(),
            },
        )
        # Reviews are shared out by popularity and rounded per business user, so the total is approximate.
        self.assertAlmostEqual(self.data.counts["reviews"], 8, delta=2)
        self.assertEqual(Profile.objects.count(), 8)
        self.assertEqual(AuthToken.objects.count(), 8)

    def test_every_offer_stores_the_minimum_of_its_package_prices_and_delivery_times(self):
        minima = OfferDetail.objects.values("offer").annotate(p=Min("price"), d=Min("delivery_time_in_days"))
        expected = {row["offer"]: (row["p"], row["d"]) for row in minima}
        stored = {o.pk: (o.min_price, o.min_delivery_time) for o in Offer.objects.all()}
        self.assertEqual(stored, expected)

    def test_orders_snapshot_their_package_and_belong_to_its_owner(self):
        for order in Order.objects.select_related("offer_detail__offer"):
            package = order.offer_detail
            self.assertEqual(order.business_user_id, package.offer.user_id)
            self.assertEqual(
                (order.title, order.price, order.offer_type), (package.title, package.price, package.offer_type)
            )

    def test_timestamps_are_spread_and_never_updated_before_created(self):
        self.assertGreater(Offer.objects.values("updated_at").distinct().count(), 1)
        for model in (Offer, Order, Review):
            for created, updated in model.objects.values_list("created_at", "updated_at"):
                self.assertLessEqual(created, updated)

    def test_the_busiest_business_users_are_read_back_from_the_database(self):
        per_business = Order.objects.values("business_user").annotate(n=Count("pk")).order_by("-n", "business_user")
        top = per_business[0]
        self.assertEqual(self.data.top_order_business["user_id"], top["business_user"])
        self.assertEqual(self.data.top_order_business["count"], top["n"])
        self.assertEqual(
            AuthToken.objects.get(digest=hash_token(self.data.top_order_business["token"])).user_id,
            top["business_user"],
        )
        top_reviewed = Review.objects.values("business_user").annotate(n=Count("pk")).order_by("-n")[0]
        self.assertEqual(self.data.top_review_business["count"], top_reviewed["n"])

    def test_every_users_key_signs_in_as_that_user(self):
        for token in AuthToken.objects.select_related("user"):
            with self.subTest(user=token.user.username):
                client = self.anonymous()
                client.credentials(HTTP_AUTHORIZATION=f"Token {bench_key(token.user.username)}")
                response = client.get(f"/api/profile/{token.user_id}/")
                self.assertStatus(response, 200)
                self.assertEqual(response.json()["username"], token.user.username)

    def test_search_matches_counts_offers_with_the_word_and_a_min_price_of_at_least_100(self):
        word = self.data.search_word
        expected = sum(
            1
            for o in Offer.objects.all()
            if (word in o.title.lower() or word in o.description.lower()) and o.min_price >= Decimal("100")
        )
        self.assertEqual(self.data.search_matches, expected)

    def test_scenarios_address_rows_of_the_dataset(self):
        scenarios = {s.key: s for s in build_scenarios(self.data)}
        self.assertEqual(list(scenarios), ["P0", "S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9"])
        offer_ids = set(Offer.objects.values_list("pk", flat=True))
        self.assertTrue({int(r.path.split("/")[3]) for r in scenarios["S3"].requests} <= offer_ids)
        self.assertEqual(scenarios["S8"].first.token, self.data.top_order_business["token"])
        post_tokens = [r.token for r in scenarios["S9"].requests]
        self.assertEqual(
            sorted(map(hash_token, post_tokens)),
            sorted(AuthToken.objects.filter(user__type="customer").values_list("digest", flat=True)),
        )
        detail_ids = set(OfferDetail.objects.values_list("pk", flat=True))
        self.assertTrue({r.body["offer_detail_id"] for r in scenarios["S9"].requests} <= detail_ids)
