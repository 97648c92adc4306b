"""The offer list's prepared statements, derived from OfferFilter, answer what OfferFilter's queryset answers."""

import itertools
from decimal import Decimal

from django.http import QueryDict
from rest_framework.exceptions import ValidationError

from core.testing import CoderrTestCase, make_offer
from offer_app.api.filters import ORDERINGS, OfferFilter
from offer_app.api.representations import OFFER_LIST, OFFER_SHAPE, OfferListing
from offer_app.models import Offer

# One plain value per filter; together they still match some offers.
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
        """The FilterSet's own queryset, as django-filter's backend would run it."""
        filterset = OfferFilter(params, queryset=Offer.objects.order_by("-updated_at", "-id"))
        self.assertTrue(filterset.is_valid(), filterset.errors)
        return filterset.qs.count(), list(OFFER_SHAPE.values(filterset.qs)[page])

    def listing(self, params, page, *, prepared=True):
        selection = OFFER_LIST.select(params)
        self.assertIs(selection.prepared, prepared, params.urlencode())
        listing = OfferListing(selection)
        return listing.count(), listing[page]

    def assertSameListing(self, params, page=slice(0, 6), *, prepared=True):
        self.assertEqual(self.listing(params, page, prepared=prepared), self.through_filter_set(params, page))

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
                    nonempty += bool(self.listing(params, slice(0, 6))[0])
        self.assertEqual(len(combinations), 32)
        self.assertGreater(nonempty, 100)  # the combinations do select something

    def test_later_pages_and_other_page_sizes_match(self):
        params = QueryDict("search=design&ordering=min_price")
        for page in (slice(0, 2), slice(2, 4), slice(4, 6), slice(6, 106)):
            with self.subTest(page=page):
                self.assertSameListing(params, page)

    def test_search_wildcards_case_and_terms_match_the_filter_set(self):
        for search in ("50%_off", "%", "_", "\\", "dEsIgN", "  design  ", "no such text", "design logo", '"any room"'):
            with self.subTest(search=search):
                params = QueryDict(mutable=True)
                params["search"] = search
                self.assertSameListing(params)
                if search != "no such text":
                    self.assertTrue(self.listing(params, slice(0, 6))[0])

    def test_values_beyond_what_a_statement_binds_go_through_the_filter_sets_queryset(self):
        for query in (f"creator_id={2**40}", "max_delivery_time=9999999999", "min_price=1.005", "max_price=1e9"):
            with self.subTest(query=query):
                self.assertSameListing(QueryDict(query), prepared=False)

    def test_malformed_parameters_are_refused_by_the_filter_set(self):
        for query in (
            "creator_id=abc",
            f"creator_id={2**63}",
            "min_price=abc",
            "max_delivery_time=7.5",
            "ordering=title",
            "search=a%00b",
        ):
            with self.subTest(query=query), self.assertRaises(ValidationError):
                OFFER_LIST.select(QueryDict(query))
