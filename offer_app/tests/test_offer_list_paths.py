"""The offer list's prepared statements answer what OfferFilter answers, for every parameter they take."""

import itertools
from decimal import Decimal

from django.http import QueryDict

from core.testing import CoderrTestCase, make_offer
from offer_app.api.filters import ORDERINGS, OfferFilter
from offer_app.api.representations import OfferListing, prepared_filters
from offer_app.models import Offer

# One plain value per filter the statements take; together they still match some offers.
VALUES = {"search": "DESIGN", "min_price": "20", "max_price": "50.00", "max_delivery_time": "7"}


class PreparedOfferListTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.creator = self.make_user("business")
        other = self.make_user("business")
        titles = ["Logo design", "Web shop", "Brand Design kit", "Copywriting", "50%_off design\\"]
        for n, title in enumerate(titles * 2):
            make_offer(
                self.creator if n % 2 else other,
                title=title,
                description="Plain text." if n % 3 else "Interior design, any room.",
                packages={"basic": {"price": Decimal(10 * n), "delivery_time_in_days": 1 + n}},
            )

    def through_filter_set(self, params, page):
        filterset = OfferFilter(params, queryset=Offer.objects.order_by("-updated_at", "-id"))
        self.assertTrue(filterset.is_valid(), filterset.errors)
        listing = OfferListing(offers=filterset.qs)
        return listing.count(), listing[page]

    def assertSameListing(self, params, page=slice(0, 6)):
        prepared = prepared_filters(params)
        self.assertIsNotNone(prepared, params.urlencode())
        listing = OfferListing(prepared)
        self.assertEqual((listing.count(), listing[page]), self.through_filter_set(params, page))

    def test_every_combination_of_filters_and_ordering_matches_the_filter_set(self):
        filters = {**VALUES, "creator_id": str(self.creator.pk)}
        combinations = list(itertools.chain.from_iterable(itertools.combinations(filters, n) for n in range(6)))
        nonempty = 0
        for used in combinations:
            for ordering in ["", *ORDERINGS]:
                params = QueryDict(mutable=True)
                params.update({name: filters[name] for name in used})
                params["ordering"] = ordering
                with self.subTest(params=params.urlencode()):
                    self.assertSameListing(params)
                    nonempty += bool(OfferListing(prepared_filters(params)).count())
        self.assertEqual(len(combinations), 32)
        self.assertGreater(nonempty, 100)  # the combinations do select something

    def test_later_pages_and_other_page_sizes_match(self):
        params = QueryDict("search=design&ordering=min_price")
        for page in (slice(0, 2), slice(2, 4), slice(4, 6), slice(6, 106)):
            with self.subTest(page=page):
                self.assertSameListing(params, page)

    def test_search_wildcards_and_case_match_the_filter_set(self):
        for search in ("50%_off", "%", "_", "\\", "dEsIgN", "  design  ", "no such text"):
            with self.subTest(search=search):
                params = QueryDict(mutable=True)
                params["search"] = search
                self.assertSameListing(params)
                if search.strip() and search != "no such text":
                    self.assertTrue(OfferListing(prepared_filters(params)).count())

    def test_what_the_statements_do_not_read_exactly_is_left_to_the_filter_set(self):
        for query in (
            "creator_id=abc",
            "creator_id=-1",
            f"creator_id={2**63}",
            "min_price=1e2",
            "min_price=1.005",
            "max_price=-5",
            "max_delivery_time=7.0",
            "max_delivery_time=9999999999",
            "ordering=title",
            "search=a%00b",
        ):
            with self.subTest(query=query):
                self.assertIsNone(prepared_filters(QueryDict(query)))
