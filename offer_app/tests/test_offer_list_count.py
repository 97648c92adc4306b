"""GET /api/offers/: the count is counted once per change of the offers, and every write shows in the next answer.

The counts are cached under OfferListVersion (core.db.versions); these tests prove the cache is used (the
second request of a selection runs no COUNT) and that every kind of offer or package write, through the API
or around it, shows in the very next list and count.
"""

from decimal import Decimal
from unittest import mock

from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.cache import CacheUnavailable
from core.testing import CoderrTestCase, image_upload, make_offer, package_of
from offer_app.models import Offer, OfferDetail, OfferListVersion, refresh_offer_aggregates

URL = "/api/offers/"


class OfferListCountTestCase(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.business = self.make_business()
        self.logo = self.offer("Logo Design", "Vector artwork.", price="50")
        self.web = self.offer("Website", "Pages that load fast.", price="80")

    def offer(self, title, description, *, price):
        packages = {"basic": {"price": Decimal(price)}}
        return make_offer(self.business.user, title=title, description=description, packages=packages)

    def listing(self, **params):
        """(count, ids of the page, number of COUNT statements the request ran)."""
        with CaptureQueriesContext(connection) as queries:
            response = self.anonymous().get(URL, params)
        self.assertStatus(response, 200)
        counts = sum(1 for query in queries.captured_queries if query["sql"].startswith("SELECT COUNT(*)"))
        return response.json()["count"], [item["id"] for item in response.json()["results"]], counts


class CountCacheTests(OfferListCountTestCase):
    def test_a_selection_is_counted_once_until_the_offers_change(self):
        self.assertEqual(self.listing(), (2, [self.web.pk, self.logo.pk], 1))
        self.assertEqual(self.listing(), (2, [self.web.pk, self.logo.pk], 0))
        self.assertEqual(self.listing(page_size=1), (2, [self.web.pk], 0))

    def test_the_ordering_does_not_change_the_count_and_shares_it(self):
        self.assertEqual(self.listing(), (2, [self.web.pk, self.logo.pk], 1))
        self.assertEqual(self.listing(ordering="min_price"), (2, [self.logo.pk, self.web.pk], 0))

    def test_each_selection_has_its_own_count(self):
        self.assertEqual(self.listing(search="logo"), (1, [self.logo.pk], 1))
        self.assertEqual(self.listing(search="web"), (1, [self.web.pk], 1))
        self.assertEqual(self.listing(search="design"), (1, [self.logo.pk], 1))
        self.assertEqual(self.listing(max_price="60"), (1, [self.logo.pk], 1))
        self.assertEqual(self.listing(), (2, [self.web.pk, self.logo.pk], 1))
        self.assertEqual(self.listing(search="logo"), (1, [self.logo.pk], 0))

    def test_counts_stay_exact_when_the_cache_is_unavailable(self):
        with (
            mock.patch("core.db.versions.guarded_cache.get", side_effect=CacheUnavailable),
            mock.patch("core.db.versions.guarded_cache.set", side_effect=CacheUnavailable),
        ):
            self.assertEqual(self.listing(), (2, [self.web.pk, self.logo.pk], 1))
            make_offer(self.business.user)
            self.assertEqual(self.listing()[0::2], (3, 1))

    def test_counts_stay_exact_without_the_version_row_and_a_write_brings_it_back(self):
        OfferListVersion.objects.all().delete()
        self.assertEqual(self.listing(), (2, [self.web.pk, self.logo.pk], 1))
        self.assertEqual(self.listing(), (2, [self.web.pk, self.logo.pk], 1))
        make_offer(self.business.user)
        self.assertEqual(OfferListVersion.objects.count(), 1)
        self.assertEqual(self.listing()[0::2], (3, 1))
        self.assertEqual(self.listing()[0::2], (3, 0))


class WritesShowInTheNextCountTests(OfferListCountTestCase):
    def setUp(self):
        super().setUp()
        # Every selection used below is counted and cached before the write.
        self.assertEqual(self.listing(), (2, [self.web.pk, self.logo.pk], 1))
        self.assertEqual(self.listing(max_price="60"), (1, [self.logo.pk], 1))
        self.assertEqual(self.listing(max_delivery_time="3"), (0, [], 1))
        self.assertEqual(self.listing(search="brand new"), (0, [], 1))

    def test_an_offer_created_through_the_api_shows_at_once(self):
        package = {"revisions": 1, "delivery_time_in_days": 3, "price": 40, "features": []}
        details = [{"title": kind, "offer_type": kind, **package} for kind in ("basic", "standard", "premium")]
        body = {"title": "Brand new", "description": "Fresh.", "image": None, "details": details}
        response = self.business.post(URL, body, format="json")
        self.assertStatus(response, 201)
        new = response.json()["id"]
        self.assertEqual(self.listing(), (3, [new, self.web.pk, self.logo.pk], 1))
        self.assertEqual(self.listing(max_price="60"), (2, [new, self.logo.pk], 1))
        self.assertEqual(self.listing(max_delivery_time="3"), (1, [new], 1))
        self.assertEqual(self.listing(search="brand new"), (1, [new], 1))

    def test_an_offer_deleted_through_the_api_goes_at_once(self):
        self.assertStatus(self.business.delete(f"{URL}{self.logo.pk}/"), 204)
        self.assertEqual(self.listing(), (1, [self.web.pk], 1))
        self.assertEqual(self.listing(max_price="60"), (0, [], 1))

    def test_a_package_edit_through_the_api_moves_the_offer_between_price_and_delivery_filters(self):
        details = [{"offer_type": "basic", "price": 20, "delivery_time_in_days": 2}]
        response = self.business.patch(f"{URL}{self.web.pk}/", {"details": details}, format="json")
        self.assertStatus(response, 200)
        self.assertEqual(self.listing(max_price="60"), (2, [self.web.pk, self.logo.pk], 1))
        self.assertEqual(self.listing(max_delivery_time="3"), (1, [self.web.pk], 1))

    def test_a_title_edit_through_the_api_changes_what_the_search_finds(self):
        response = self.business.patch(f"{URL}{self.web.pk}/", {"title": "Brand new website"}, format="json")
        self.assertStatus(response, 200)
        self.assertEqual(self.listing(search="brand new"), (1, [self.web.pk], 1))

    def test_an_image_upload_leaves_the_counts_cached(self):
        response = self.business.patch(f"{URL}{self.web.pk}/", {"image": image_upload()}, format="multipart")
        self.assertStatus(response, 200)
        self.assertEqual(self.listing(), (2, [self.web.pk, self.logo.pk], 0))

    def test_a_package_saved_on_its_own_like_the_admin_does_counts_as_a_change(self):
        package = package_of(self.web, "basic")
        package.price = Decimal("10.00")
        package.save()
        self.assertEqual(self.listing(max_price="60"), (2, [self.web.pk, self.logo.pk], 1))

    def test_a_package_deleted_on_its_own_counts_as_a_change(self):
        package_of(self.logo, "basic").delete()
        self.assertEqual(self.listing(max_price="60"), (0, [], 1))

    def test_an_offer_saved_on_its_own_counts_as_a_change(self):
        Offer.objects.create(user=self.business.user, title="Brand new", description="No packages yet.")
        self.assertEqual(self.listing()[0::2], (3, 1))
        self.assertEqual(self.listing(search="brand new")[0::2], (1, 1))

    def test_deleting_the_creator_takes_their_offers_out_of_the_counts(self):
        self.business.user.delete()
        self.assertEqual(self.listing(), (0, [], 1))
        self.assertEqual(self.listing(max_price="60"), (0, [], 1))

    def test_a_bulk_load_counts_as_a_change_once_its_minima_are_stored(self):
        # bulk_create sends no signals; storing the minima, which every bulk load must do, tells the list.
        offer = Offer.objects.bulk_create([Offer(user=self.business.user, title="Bulk", description="Loaded.")])[0]
        OfferDetail.objects.bulk_create(
            OfferDetail(offer=offer, title=kind, revisions=1, delivery_time_in_days=1, price=5, offer_type=kind)
            for kind in ("basic", "standard", "premium")
        )
        refresh_offer_aggregates(Offer.objects.filter(pk=offer.pk))
        self.assertEqual(self.listing(max_delivery_time="3"), (1, [offer.pk], 1))
        self.assertEqual(self.listing()[0::2], (3, 1))
