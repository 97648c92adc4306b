"""POST /api/offers/"""

import json
from decimal import Decimal
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.db import DatabaseError

from auth_app.api.permissions import ONLY_BUSINESS
from core.images import IMAGE_INVALID
from core.testing import PACKAGES, CoderrTestCase, image_upload
from offer_app.api import serializers as messages
from offer_app.models import Offer, OfferDetail
from offer_app.services import offer_create
from offer_app.tests.utils import offer_payload, package_payload, written_body

URL = "/api/offers/"


def bulk_create_failing_on_the_third_package():
    """A stand-in for OfferDetail.objects.bulk_create that writes two rows and then fails."""
    real_bulk_create = OfferDetail.objects.bulk_create

    def bulk_create(objs, *args, **kwargs):
        objs = list(objs)
        real_bulk_create(objs[:2], *args, **kwargs)
        raise DatabaseError("disk full while writing the third package")

    return mock.patch.object(OfferDetail.objects, "bulk_create", side_effect=bulk_create)


class OfferCreateTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.business = self.make_business()

    def assertNothingCreated(self):
        self.assertFalse(Offer.objects.exists())
        self.assertFalse(OfferDetail.objects.exists())

    # --- who may create --------------------------------------------------------------------------------

    def test_anonymous_gets_401(self):
        self.assertStatus(self.anonymous().post(URL, offer_payload(), format="json"), 401)
        self.assertNothingCreated()

    def test_stale_token_gets_401(self):
        self.assertStatus(self.stale_token_client().post(URL, offer_payload(), format="json"), 401)
        self.assertNothingCreated()

    def test_customer_cannot_create_offer(self):
        response = self.make_customer().post(URL, offer_payload(), format="json")
        self.assertStatus(response, 403)
        self.assertEqual(response.json(), {"detail": ONLY_BUSINESS})
        self.assertNothingCreated()

    def test_staff_without_a_type_cannot_create_offer(self):
        self.assertStatus(self.make_staff().post(URL, offer_payload(), format="json"), 403)
        self.assertNothingCreated()

    # --- happy paths -----------------------------------------------------------------------------------

    def test_business_user_creates_offer_with_its_three_packages(self):
        response = self.business.post(URL, offer_payload(), format="json")

        self.assertStatus(response, 201)
        offer = Offer.objects.get()
        basic, standard, premium = OfferDetail.objects.filter(offer=offer)
        self.assertEqual(
            response.json(),
            {
                "id": offer.pk,
                "title": "Website Design",
                "image": None,
                "description": "Modern, responsive websites.",
                "details": [
                    {
                        "id": basic.pk,
                        "title": "Basic",
                        "revisions": 2,
                        "delivery_time_in_days": 7,
                        "price": 299.99,
                        "features": ["Responsive Design"],
                        "offer_type": "basic",
                    },
                    {
                        "id": standard.pk,
                        "title": "Standard",
                        "revisions": 5,
                        "delivery_time_in_days": 10,
                        "price": 599.5,
                        "features": ["Responsive Design", "SEO"],
                        "offer_type": "standard",
                    },
                    {
                        "id": premium.pk,
                        "title": "Premium",
                        "revisions": -1,
                        "delivery_time_in_days": 14,
                        "price": 1000.0,
                        "features": ["Responsive Design", "SEO", "Hosting"],
                        "offer_type": "premium",
                    },
                ],
            },
        )
        self.assertEqual(offer.user, self.business.user)
        self.assertEqual(offer.min_price, Decimal("299.99"))
        self.assertEqual(offer.min_delivery_time, 7)
        self.assertEqual(standard.price, Decimal("599.50"))

    def test_packages_sent_in_any_order_are_answered_basic_standard_premium(self):
        details = [package_payload("premium"), package_payload("basic"), package_payload("standard")]
        response = self.business.post(URL, offer_payload(details=details), format="json")

        self.assertStatus(response, 201)
        self.assertEqual([package["offer_type"] for package in response.json()["details"]], list(PACKAGES))

    def test_offer_is_created_from_multipart_with_image_and_details_as_json_string(self):
        body = offer_payload()
        del body["image"]
        body["details"] = json.dumps(body["details"])
        response = self.business.post(URL, {**body, "image": image_upload("photo.png")}, format="multipart")

        self.assertStatus(response, 201)
        offer = Offer.objects.get()
        self.assertEqual(response.json(), written_body(offer))
        self.assertTrue(offer.image.name.startswith("offer_images/"))
        self.assertTrue(response.json()["image"].startswith("http://testserver/media/offer_images/"))
        self.assertTrue((Path(settings.MEDIA_ROOT) / offer.image.name).is_file())
        self.assertEqual(offer.details.count(), 3)

    def test_numbers_sent_as_strings_are_accepted(self):
        details = [
            package_payload(offer_type, revisions="3", delivery_time_in_days="5", price="49.90")
            for offer_type in PACKAGES
        ]
        response = self.business.post(URL, offer_payload(details=details), format="json")

        self.assertStatus(response, 201)
        for package in response.json()["details"]:
            self.assertEqual((package["revisions"], package["delivery_time_in_days"], package["price"]), (3, 5, 49.9))
        self.assertEqual(Offer.objects.get().min_price, Decimal("49.90"))

    def test_unlimited_and_zero_revisions_are_accepted(self):
        details = [
            package_payload("basic", revisions=0),
            package_payload("standard", revisions=-1),
            package_payload("premium", revisions=10),
        ]
        response = self.business.post(URL, offer_payload(details=details), format="json")

        self.assertStatus(response, 201)
        self.assertEqual([package["revisions"] for package in response.json()["details"]], [0, -1, 10])

    def test_prices_keep_their_cents_and_zero_is_a_price(self):
        details = [
            package_payload("basic", price="-0"),
            package_payload("standard", price="0.01"),
            package_payload("premium", price="99999999.99"),
        ]
        response = self.business.post(URL, offer_payload(details=details), format="json")

        self.assertStatus(response, 201)
        self.assertEqual([package["price"] for package in response.json()["details"]], [0.0, 0.01, 99999999.99])
        self.assertIn(b'"price":0.0,', response.content)  # "-0" became a plain zero
        prices = list(OfferDetail.objects.values_list("price", flat=True))
        self.assertEqual(prices, [Decimal("0.00"), Decimal("0.01"), Decimal("99999999.99")])

    def test_features_may_be_empty(self):
        details = [package_payload(offer_type, features=[]) for offer_type in PACKAGES]
        self.assertStatus(self.business.post(URL, offer_payload(details=details), format="json"), 201)

    def test_server_owned_and_unknown_fields_are_ignored(self):
        other = self.make_business()
        body = offer_payload(user=other.user.pk, min_price=1, min_delivery_time=1, id=999)
        body["details"][0]["id"] = 12345
        response = self.business.post(URL, body, format="json")

        self.assertStatus(response, 201)
        offer = Offer.objects.get()
        self.assertEqual(offer.user, self.business.user)
        self.assertEqual((offer.min_price, offer.min_delivery_time), (Decimal("299.99"), 7))
        self.assertNotEqual(offer.pk, 999)
        self.assertFalse(OfferDetail.objects.filter(pk=12345).exists())

    # --- invalid input ---------------------------------------------------------------------------------

    def test_each_broken_rule_answers_400_naming_the_field_and_creates_nothing(self):
        basic, standard, premium = (package_payload(offer_type) for offer_type in PACKAGES)
        cases = {
            "two packages": ({"details": [basic, standard]}, {"details": [messages.PACKAGES_THREE_TYPES]}),
            "four packages": (
                {"details": [basic, standard, premium, package_payload("basic")]},
                {"details": [messages.PACKAGES_THREE_TYPES]},
            ),
            "a duplicate type": (
                {"details": [basic, standard, package_payload("standard")]},
                {"details": [messages.PACKAGE_TYPE_TWICE]},
            ),
            "an unknown type": (
                {"details": [basic, standard, package_payload("premium", offer_type="gold")]},
                {"details": [{}, {}, {"offer_type": [messages.PACKAGE_TYPE_INVALID]}]},
            ),
            "a missing type": (
                {"details": [basic, standard, {k: v for k, v in premium.items() if k != "offer_type"}]},
                {"details": [{}, {}, {"offer_type": [messages.PACKAGE_TYPE_REQUIRED]}]},
            ),
            "no packages": ({"details": []}, {"details": [messages.PACKAGES_THREE_TYPES]}),
            "details null": ({"details": None}, {"details": [messages.PACKAGES_NOT_A_LIST]}),
            "details not a list": ({"details": {"basic": basic}}, {"details": [messages.PACKAGES_NOT_A_LIST]}),
            "a package not an object": (
                {"details": [basic, standard, "premium"]},
                {"details": [{}, {}, {"non_field_errors": [messages.PACKAGE_NOT_AN_OBJECT]}]},
            ),
            "a negative price": (
                {"details": [basic, package_payload("standard", price=-1), premium]},
                {"details": [{}, {"price": [messages.PRICE_TOO_SMALL]}, {}]},
            ),
            "a price with 3 decimals": (
                {"details": [package_payload("basic", price="10.005"), standard, premium]},
                {"details": [{"price": [messages.PRICE_DECIMALS]}, {}, {}]},
            ),
            "a price above the column": (
                {"details": [package_payload("basic", price="100000000"), standard, premium]},
                {"details": [{"price": [messages.PRICE_TOO_LARGE]}, {}, {}]},
            ),
            "a price far above the column": (
                {"details": [package_payload("basic", price=1e300), standard, premium]},
                {"details": [{"price": [messages.PRICE_TOO_LARGE]}, {}, {}]},
            ),
            "a price far below zero": (
                {"details": [package_payload("basic", price="-1e300"), standard, premium]},
                {"details": [{"price": [messages.PRICE_TOO_SMALL]}, {}, {}]},
            ),
            "a price with many decimals and digits": (
                {"details": [package_payload("basic", price="12345678.123"), standard, premium]},
                {"details": [{"price": [messages.PRICE_DECIMALS]}, {}, {}]},
            ),
            "a price that is no number": (
                {"details": [package_payload("basic", price="cheap"), standard, premium]},
                {"details": [{"price": [messages.PRICE_INVALID]}, {}, {}]},
            ),
            "0 delivery days": (
                {"details": [basic, standard, package_payload("premium", delivery_time_in_days=0)]},
                {"details": [{}, {}, {"delivery_time_in_days": [messages.DELIVERY_TIME_TOO_SMALL]}]},
            ),
            "fractional delivery days": (
                {"details": [basic, standard, package_payload("premium", delivery_time_in_days=1.5)]},
                {"details": [{}, {}, {"delivery_time_in_days": [messages.DELIVERY_TIME_INVALID]}]},
            ),
            "delivery days beyond the column": (
                {"details": [basic, standard, package_payload("premium", delivery_time_in_days=2**31)]},
                {"details": [{}, {}, {"delivery_time_in_days": [messages.DELIVERY_TIME_TOO_LARGE]}]},
            ),
            "revisions -2": (
                {"details": [package_payload("basic", revisions=-2), standard, premium]},
                {"details": [{"revisions": [messages.REVISIONS_TOO_SMALL]}, {}, {}]},
            ),
            "revisions not a number": (
                {"details": [package_payload("basic", revisions="many"), standard, premium]},
                {"details": [{"revisions": [messages.REVISIONS_INVALID]}, {}, {}]},
            ),
            "features not a list": (
                {"details": [basic, package_payload("standard", features="SEO"), premium]},
                {"details": [{}, {"features": [messages.FEATURES_NOT_A_LIST]}, {}]},
            ),
            "a blank feature": (
                {"details": [basic, package_payload("standard", features=["SEO", "  "]), premium]},
                {"details": [{}, {"features": [messages.FEATURE_BLANK]}, {}]},
            ),
            "a blank package title": (
                {"details": [package_payload("basic", title=" "), standard, premium]},
                {"details": [{"title": [messages.PACKAGE_TITLE_REQUIRED]}, {}, {}]},
            ),
            "a blank title": ({"title": "   "}, {"title": [messages.OFFER_TITLE_REQUIRED]}),
            "a title too long": ({"title": "x" * 256}, {"title": [messages.OFFER_TITLE_TOO_LONG]}),
            "a blank description": ({"description": ""}, {"description": [messages.OFFER_DESCRIPTION_REQUIRED]}),
        }
        for case, (changes, errors) in cases.items():
            with self.subTest(case):
                response = self.business.post(URL, offer_payload(**changes), format="json")
                self.assertStatus(response, 400)
                self.assertEqual(response.json(), errors)
                self.assertNothingCreated()

    def test_missing_fields_are_named(self):
        response = self.business.post(URL, {}, format="json")
        self.assertStatus(response, 400)
        self.assertEqual(
            response.json(),
            {
                "title": [messages.OFFER_TITLE_REQUIRED],
                "description": [messages.OFFER_DESCRIPTION_REQUIRED],
                "details": [messages.PACKAGES_THREE_TYPES],
            },
        )

    def test_a_package_missing_its_fields_names_each_of_them(self):
        details = [package_payload("basic"), package_payload("standard"), {"offer_type": "premium"}]
        response = self.business.post(URL, offer_payload(details=details), format="json")
        self.assertStatus(response, 400)
        self.assertEqual(
            response.json()["details"][2],
            {
                "title": [messages.PACKAGE_TITLE_REQUIRED],
                "revisions": [messages.REVISIONS_REQUIRED],
                "delivery_time_in_days": [messages.DELIVERY_TIME_REQUIRED],
                "price": [messages.PRICE_REQUIRED],
                "features": [messages.FEATURES_REQUIRED],
            },
        )

    def test_multipart_details_that_are_not_json_answer_400(self):
        body = {"title": "T", "description": "D", "details": "[{not json"}
        response = self.business.post(URL, body, format="multipart")
        self.assertStatus(response, 400)
        self.assertEqual(response.json(), {"details": [messages.PACKAGES_NOT_A_LIST]})
        self.assertNothingCreated()

    def test_file_that_is_no_image_answers_400_and_stores_nothing(self):
        body = offer_payload()
        del body["image"]
        body["details"] = json.dumps(body["details"])
        upload = image_upload("evil.png", content=b"<?php system($_GET['c']); ?>")
        response = self.business.post(URL, {**body, "image": upload}, format="multipart")

        self.assertStatus(response, 400)
        self.assertEqual(response.json(), {"image": [IMAGE_INVALID]})
        self.assertNothingCreated()
        self.assertFalse((Path(settings.MEDIA_ROOT) / "offer_images").exists())

    def test_malformed_json_answers_400(self):
        response = self.business.post(URL, '{"title": ', content_type="application/json")
        self.assertStatus(response, 400)
        self.assertIn("detail", response.json())

    # --- one transaction -------------------------------------------------------------------------------

    def test_failure_while_writing_the_third_package_leaves_no_offer_and_no_package(self):
        details = [dict(package) for package in PACKAGES.values()]
        with bulk_create_failing_on_the_third_package(), self.assertRaises(DatabaseError):
            offer_create(user=self.business.user, title="T", description="D", details=details)
        self.assertNothingCreated()

    def test_failure_while_writing_the_third_package_answers_500_and_creates_nothing(self):
        with (
            bulk_create_failing_on_the_third_package(),
            self.assertLogs("coderr.errors", "ERROR"),
            self.assertLogs("django.request", "ERROR"),
        ):
            response = self.business.post(URL, offer_payload(), format="json")
        self.assertStatus(response, 500)
        self.assertNotIn("disk full", response.content.decode())
        self.assertNothingCreated()
