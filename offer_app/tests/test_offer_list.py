"""GET /api/offers/"""

from datetime import timedelta
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.testing import CoderrTestCase, make_offer
from offer_app.api import filters, pagination
from offer_app.models import Offer, OfferDetail
from offer_app.tests.utils import offer_body

URL = "/api/offers/"


class OfferListTestCase(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.business = self.make_business(first_name="Max", last_name="Weber")
        self.other_business = self.make_business()
        self.now = timezone.now()

    def offer(self, user=None, *, basic_price="100.00", basic_days=7, **fields):
        """An offer whose cheapest and fastest package is its basic one, with the given price and days."""
        packages = {"basic": {"price": Decimal(basic_price), "delivery_time_in_days": basic_days}}
        return make_offer(user or self.business.user, packages=packages, **fields)

    def date(self, offer, **minutes_ago):
        """Set created_at/updated_at to that many minutes before now (update() skips auto_now)."""
        changes = {field: self.now - timedelta(minutes=minutes) for field, minutes in minutes_ago.items()}
        Offer.objects.filter(pk=offer.pk).update(**changes)

    def ids(self, response):
        self.assertStatus(response, 200)
        return [item["id"] for item in response.json()["results"]]


class OfferListTests(OfferListTestCase):
    # --- who may list ----------------------------------------------------------------------------------

    def test_anonymous_gets_the_exact_page(self):
        offer = self.offer()
        response = self.anonymous().get(URL)
        self.assertStatus(response, 200)
        self.assertEqual(response.json(), {"count": 1, "next": None, "previous": None, "results": [offer_body(offer)]})
        self.assertEqual(
            response.json()["results"][0]["user_details"],
            {"first_name": "Max", "last_name": "Weber", "username": self.business.user.username},
        )
        self.assertEqual(
            (response.json()["results"][0]["min_price"], response.json()["results"][0]["min_delivery_time"]), (100.0, 7)
        )

    def test_stale_token_is_treated_as_anonymous(self):
        offer = self.offer()
        response = self.stale_token_client().get(URL)
        self.assertStatus(response, 200)
        self.assertEqual(response.json()["results"], [offer_body(offer)])

    def test_customer_business_and_staff_see_the_same_list(self):
        offer = self.offer()
        for client in (self.make_customer(), self.business, self.make_staff()):
            with self.subTest(user=client.user.username):
                response = client.get(URL)
                self.assertStatus(response, 200)
                self.assertEqual(response.json()["results"], [offer_body(offer)])

    def test_empty_list(self):
        response = self.anonymous().get(URL)
        self.assertStatus(response, 200)
        self.assertEqual(response.json(), {"count": 0, "next": None, "previous": None, "results": []})

    def test_details_are_listed_basic_standard_premium(self):
        offer = self.offer()
        ordered = [offer.details.get(offer_type=kind).pk for kind in ("basic", "standard", "premium")]
        detail_ids = [detail["id"] for detail in self.anonymous().get(URL).json()["results"][0]["details"]]
        self.assertEqual(detail_ids, ordered)

    # --- filters ---------------------------------------------------------------------------------------

    def test_creator_id_keeps_that_users_offers(self):
        mine = self.offer()
        self.offer(self.other_business.user)
        self.assertEqual(self.ids(self.anonymous().get(URL, {"creator_id": self.business.user.pk})), [mine.pk])

    def test_creator_id_of_nobody_gives_an_empty_page(self):
        self.offer()
        self.assertEqual(self.ids(self.anonymous().get(URL, {"creator_id": 999999})), [])

    def test_search_looks_in_title_and_description_in_any_case(self):
        by_title = self.offer(title="Logo Design", description="Vector artwork.")
        by_description = self.offer(title="Websites", description="Built with WordPress.")
        self.offer(title="Copy", description="Texts.")
        self.date(by_title, updated_at=2)
        self.date(by_description, updated_at=1)
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": "logo"})), [by_title.pk])
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": "WORDPRESS"})), [by_description.pk])
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": "dEsIgN"})), [by_title.pk])
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": "w"})), [by_description.pk, by_title.pk])

    def test_search_needs_every_term_in_any_order_and_field(self):
        website_design = self.offer(title="Website Design", description="Five pages.")
        logo = self.offer(title="Design of your logo", description="Vector artwork.")
        self.offer(title="Website texts", description="Copywriting.")
        self.date(website_design, updated_at=2)
        self.date(logo, updated_at=1)
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": "design website"})), [website_design.pk])
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": "logo design"})), [logo.pk])
        # A term may be in the title and another in the description.
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": "  PAGES   website "})), [website_design.pk])
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": "design"})), [logo.pk, website_design.pk])
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": "design copywriting"})), [])

    def test_a_quoted_phrase_is_one_term(self):
        exact = self.offer(title="Website Design", description="Five pages.")
        self.offer(title="Design for a website", description="Landing page.")
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": '"website design"'})), [exact.pk])
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": '"five pages" website'})), [exact.pk])
        # An unclosed quote runs to the end; an empty phrase is no term at all.
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": '"website design'})), [exact.pk])
        self.assertEqual(len(self.ids(self.anonymous().get(URL, {"search": '""'}))), 2)

    def test_more_than_twenty_search_terms_are_refused_naming_the_parameter(self):
        self.offer(title="a b c")
        response = self.anonymous().get(URL, {"search": " ".join(f"t{n}" for n in range(21))})
        self.assertStatus(response, 400)
        self.assertEqual(response.json(), {"search": [filters.SEARCH_TOO_MANY_TERMS.format(limit=20)]})
        words = " ".join(["a"] * 30 + ["b", "c"])  # repeated terms count once
        self.assertEqual(len(self.ids(self.anonymous().get(URL, {"search": words}))), 1)

    def test_search_treats_like_wildcards_as_text(self):
        self.offer(title="Plain")
        discount = self.offer(title="100% satisfaction")
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": "%"})), [discount.pk])
        self.assertEqual(self.ids(self.anonymous().get(URL, {"search": "_"})), [])

    def test_min_price_and_max_price_compare_the_cheapest_package(self):
        cheap = self.offer(basic_price="10.00")
        middle = self.offer(basic_price="50.00")
        dear = self.offer(basic_price="80.00")
        self.date(cheap, updated_at=3)
        self.date(middle, updated_at=2)
        self.date(dear, updated_at=1)
        self.assertEqual(self.ids(self.anonymous().get(URL, {"min_price": "50"})), [dear.pk, middle.pk])
        self.assertEqual(self.ids(self.anonymous().get(URL, {"max_price": "50.00"})), [middle.pk, cheap.pk])
        self.assertEqual(self.ids(self.anonymous().get(URL, {"min_price": "10.01", "max_price": "79.99"})), [middle.pk])

    def test_max_delivery_time_keeps_offers_with_a_package_that_fast(self):
        one_day = self.offer(basic_days=1)
        three_days = self.offer(basic_days=3)
        self.offer(basic_days=7)
        self.date(one_day, updated_at=2)
        self.date(three_days, updated_at=1)
        self.assertEqual(self.ids(self.anonymous().get(URL, {"max_delivery_time": 3})), [three_days.pk, one_day.pk])
        self.assertEqual(self.ids(self.anonymous().get(URL, {"max_delivery_time": 1})), [one_day.pk])

    def test_filters_combine(self):
        match = self.offer(title="Logo Design", basic_price="40.00", basic_days=2)
        self.offer(self.other_business.user, title="Logo Design", basic_price="40.00", basic_days=2)
        self.offer(title="Logo Design", basic_price="90.00", basic_days=2)
        self.offer(title="Logo Design", basic_price="40.00", basic_days=9)
        self.offer(title="Website", basic_price="40.00", basic_days=2)
        query = {
            "creator_id": self.business.user.pk,
            "search": "logo",
            "min_price": "30",
            "max_price": "50",
            "max_delivery_time": "3",
            "ordering": "-min_price",
        }
        self.assertEqual(self.ids(self.anonymous().get(URL, query)), [match.pk])

    def test_the_frontends_query_string_with_empty_values_filters_nothing(self):
        first = self.offer()
        second = self.offer(self.other_business.user)
        self.date(first, updated_at=5)
        response = self.anonymous().get(f"{URL}?creator_id=&search=&ordering=&page=1&max_delivery_time=")
        self.assertEqual(self.ids(response), [second.pk, first.pk])
        self.assertEqual(response.json()["count"], 2)

    def test_the_frontends_own_offers_query(self):
        mine = self.offer()
        self.offer(self.other_business.user)
        query = f"?creator_id={self.business.user.pk}&search=&ordering=&page=1&max_delivery_time="
        self.assertEqual(self.ids(self.business.get(URL + query)), [mine.pk])

    def test_every_empty_parameter_means_no_filter(self):
        offer = self.offer()
        query = "?creator_id=&search=&min_price=&max_price=&max_delivery_time=&ordering=&page=&page_size="
        self.assertEqual(self.ids(self.anonymous().get(URL + query)), [offer.pk])

    def test_malformed_parameters_answer_400_naming_them(self):
        self.offer()
        cases = {
            "creator_id=abc": {"creator_id": [filters.CREATOR_ID_INVALID]},
            "creator_id=1.5": {"creator_id": [filters.CREATOR_ID_INVALID]},
            "creator_id=99999999999999999999999": {"creator_id": [filters.CREATOR_ID_INVALID]},
            "min_price=abc": {"min_price": [filters.MIN_PRICE_INVALID]},
            "min_price=NaN": {"min_price": [filters.MIN_PRICE_INVALID]},
            "max_price=1e400": {"max_price": [filters.MAX_PRICE_INVALID]},
            "max_price=Infinity": {"max_price": [filters.MAX_PRICE_INVALID]},
            "max_delivery_time=soon": {"max_delivery_time": [filters.MAX_DELIVERY_TIME_INVALID]},
            "max_delivery_time=99999999999999999999999": {"max_delivery_time": [filters.MAX_DELIVERY_TIME_INVALID]},
            "ordering=price": {"ordering": [filters.ORDERING_INVALID]},
            "ordering=-title": {"ordering": [filters.ORDERING_INVALID]},
            "ordering=created_at,-id": {"ordering": [filters.ORDERING_INVALID]},
            "page=abc": {"page": [pagination.PAGE_INVALID]},
            "page=0": {"page": [pagination.PAGE_INVALID]},
            "page=-1": {"page": [pagination.PAGE_INVALID]},
            "page=1.0": {"page": [pagination.PAGE_INVALID]},
            "page=last": {"page": [pagination.PAGE_INVALID]},
            "page_size=abc": {"page_size": [pagination.PAGE_SIZE_INVALID]},
            "page_size=0": {"page_size": [pagination.PAGE_SIZE_INVALID]},
        }
        for query, errors in cases.items():
            with self.subTest(query):
                response = self.anonymous().get(f"{URL}?{query}")
                self.assertStatus(response, 400)
                self.assertEqual(response.json(), errors)

    def test_two_malformed_parameters_are_both_named(self):
        response = self.anonymous().get(URL, {"creator_id": "x", "max_delivery_time": "y"})
        self.assertStatus(response, 400)
        self.assertEqual(
            response.json(),
            {"creator_id": [filters.CREATOR_ID_INVALID], "max_delivery_time": [filters.MAX_DELIVERY_TIME_INVALID]},
        )

    def test_unknown_parameters_are_ignored(self):
        offer = self.offer()
        self.assertEqual(self.ids(self.anonymous().get(URL, {"colour": "red"})), [offer.pk])

    # --- the stored minima -----------------------------------------------------------------------------

    def test_minima_follow_a_package_edit_through_the_api(self):
        offer = self.offer(basic_price="100.00", basic_days=7)
        body = {"details": [{"offer_type": "premium", "price": "12.34", "delivery_time_in_days": 2}]}
        self.assertStatus(self.business.patch(f"/api/offers/{offer.pk}/", body, format="json"), 200)

        item = self.anonymous().get(URL).json()["results"][0]
        self.assertEqual((item["min_price"], item["min_delivery_time"]), (12.34, 2))
        self.assertEqual(self.ids(self.anonymous().get(URL, {"max_price": "12.34"})), [offer.pk])
        self.assertEqual(self.ids(self.anonymous().get(URL, {"max_delivery_time": "2"})), [offer.pk])

    def test_minima_follow_packages_saved_and_deleted_outside_the_api(self):
        offer = self.offer(basic_price="100.00", basic_days=7)
        self.date(offer, updated_at=60)
        basic = offer.details.get(offer_type="basic")
        basic.price = Decimal("1000.00")
        basic.save()

        item = self.anonymous().get(URL).json()["results"][0]
        self.assertEqual((item["min_price"], item["min_delivery_time"]), (599.5, 7))
        self.assertGreater(Offer.objects.get(pk=offer.pk).updated_at, self.now)

        OfferDetail.objects.filter(offer=offer, offer_type="premium").get().delete()
        offer.details.get(offer_type="basic").delete()
        item = self.anonymous().get(URL).json()["results"][0]
        self.assertEqual((item["min_price"], item["min_delivery_time"]), (599.5, 10))


class OfferOrderingTests(OfferListTestCase):
    """Four offers with ties in every sort key, so that only the id tie-breaker fixes their order."""

    def setUp(self):
        super().setUp()
        self.o1 = self.offer(basic_price="50.00")
        self.o2 = self.offer(basic_price="10.00")
        self.o3 = self.offer(basic_price="50.00")
        self.o4 = self.offer(basic_price="20.00")
        self.date(self.o1, created_at=30, updated_at=10)
        self.date(self.o2, created_at=20, updated_at=30)
        self.date(self.o3, created_at=20, updated_at=10)
        self.date(self.o4, created_at=10, updated_at=20)

    def expect(self, ordering):
        return [offer.pk for offer in ordering]

    def test_every_ordering_both_ways_breaks_ties_by_id(self):
        o1, o2, o3, o4 = self.o1, self.o2, self.o3, self.o4
        cases = {
            "created_at": [o1, o2, o3, o4],
            "-created_at": [o4, o3, o2, o1],
            "updated_at": [o2, o4, o1, o3],
            "-updated_at": [o3, o1, o4, o2],
            "min_price": [o2, o4, o1, o3],
            "-min_price": [o3, o1, o4, o2],
        }
        for ordering, expected in cases.items():
            with self.subTest(ordering):
                with CaptureQueriesContext(connection) as queries:
                    self.assertEqual(self.ids(self.anonymous().get(URL, {"ordering": ordering})), self.expect(expected))
                # The database may happen to return ties in id order anyway; the query must say so. The page
                # is read with values(), whose ORDER BY names the id by its position: the first column.
                direction = "DESC" if ordering.startswith("-") else "ASC"
                self.assertRegex(self.order_by(queries), rf'(\b1|"offer_app_offer"\."id") {direction}$')

    @staticmethod
    def order_by(queries):
        page = next(q["sql"] for q in queries.captured_queries if "LIMIT" in q["sql"] and "offer_app_offer" in q["sql"])
        return page.rsplit("ORDER BY", 1)[1].split("LIMIT")[0].strip()

    def test_default_and_empty_ordering_are_newest_update_first(self):
        expected = self.expect([self.o3, self.o1, self.o4, self.o2])
        self.assertEqual(self.ids(self.anonymous().get(URL)), expected)
        self.assertEqual(self.ids(self.anonymous().get(URL, {"ordering": ""})), expected)

    def test_an_offer_without_packages_counts_as_the_most_expensive(self):
        bare = Offer.objects.create(user=self.business.user, title="Bare", description="No packages yet.")
        self.assertEqual(self.ids(self.anonymous().get(URL, {"ordering": "min_price"}))[-1], bare.pk)
        self.assertEqual(self.ids(self.anonymous().get(URL, {"ordering": "-min_price"}))[0], bare.pk)

    def test_ordering_holds_across_pages(self):
        first = self.ids(self.anonymous().get(URL, {"ordering": "-min_price", "page_size": 2}))
        second = self.ids(self.anonymous().get(URL, {"ordering": "-min_price", "page_size": 2, "page": 2}))
        self.assertEqual(first + second, self.expect([self.o3, self.o1, self.o4, self.o2]))


class OfferPaginationTests(OfferListTestCase):
    def make_offers(self, count):
        """`count` offers, newest update first in creation order reversed (the default ordering)."""
        return [self.offer(title=f"Offer {n}") for n in range(count)]

    def test_six_per_page_with_count_next_and_previous(self):
        offers = self.make_offers(8)
        newest_first = [offer.pk for offer in reversed(offers)]

        first = self.anonymous().get(URL)
        self.assertEqual(self.ids(first), newest_first[:6])
        self.assertEqual(first.json()["count"], 8)
        self.assertEqual(first.json()["next"], "http://testserver/api/offers/?page=2")
        self.assertIsNone(first.json()["previous"])

        second = self.anonymous().get(URL, {"page": 2})
        self.assertEqual(self.ids(second), newest_first[6:])
        self.assertEqual(second.json()["count"], 8)
        self.assertIsNone(second.json()["next"])
        self.assertEqual(second.json()["previous"], "http://testserver/api/offers/")

    def test_next_and_previous_keep_the_other_parameters(self):
        self.make_offers(7)
        response = self.anonymous().get(URL, {"search": "offer", "page_size": 3, "page": 2})
        self.assertEqual(response.json()["next"], "http://testserver/api/offers/?page=3&page_size=3&search=offer")
        self.assertEqual(response.json()["previous"], "http://testserver/api/offers/?page_size=3&search=offer")

    def test_a_page_past_the_end_answers_json_404(self):
        self.make_offers(2)
        for page in ("2", "99999999999999999999"):
            with self.subTest(page=page):
                response = self.anonymous().get(URL, {"page": page})
                self.assertStatus(response, 404)
                self.assertEqual(response.json(), {"detail": pagination.PAGE_NOT_FOUND})

    def test_page_size_is_capped_at_100(self):
        OfferDetail.objects.all().delete()
        Offer.objects.bulk_create(
            Offer(user=self.business.user, title=f"Offer {n}", description="Bulk.") for n in range(101)
        )
        response = self.anonymous().get(URL, {"page_size": 1000})
        self.assertEqual(len(self.ids(response)), 100)
        self.assertEqual(response.json()["count"], 101)
        self.assertEqual(response.json()["next"], "http://testserver/api/offers/?page=2&page_size=1000")

    def test_page_size_chooses_the_page_length(self):
        self.make_offers(3)
        self.assertEqual(len(self.ids(self.anonymous().get(URL, {"page_size": 2}))), 2)


class OfferListQueryTests(OfferListTestCase):
    # The offers' data version, the count (cached until the offers change: test_offer_list_count), the page
    # and its packages.
    def test_a_page_costs_version_count_page_and_packages_whatever_the_number_of_offers(self):
        self.offer()
        with self.assertNumQueries(4):
            self.assertStatus(self.anonymous().get(URL), 200)
        for _ in range(19):
            self.offer()
        with self.assertNumQueries(4):
            self.assertEqual(len(self.ids(self.anonymous().get(URL))), 6)
        with self.assertNumQueries(3):
            self.assertEqual(len(self.ids(self.anonymous().get(URL))), 6)

    def test_one_offer_and_twenty_cost_the_same_on_one_page(self):
        client = self.make_customer()
        self.offer(self.other_business.user)
        with self.assertNumQueries(5):  # + the token lookup
            self.assertEqual(len(self.ids(client.get(URL, {"page_size": 100}))), 1)
        for n in range(19):
            self.offer(self.business.user if n % 2 else self.other_business.user)
        with self.assertNumQueries(5):
            self.assertEqual(len(self.ids(client.get(URL, {"page_size": 100}))), 20)

    def test_filters_add_no_queries(self):
        for _ in range(8):
            self.offer()
        query = {"creator_id": self.business.user.pk, "search": "web", "max_delivery_time": 7, "ordering": "min_price"}
        with self.assertNumQueries(4):
            self.assertEqual(len(self.ids(self.anonymous().get(URL, query))), 6)
