"""PATCH /api/offers/{id}/"""

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from core.images import IMAGE_INVALID
from core.testing import image_upload, iso, make_offer
from offer_app.api import serializers as messages
from offer_app.api.permissions import NOT_OFFER_OWNER
from offer_app.models import Offer
from offer_app.tests.utils import OfferOwnerTestCase, package_payload, package_rows, written_body


def url(offer_id):
    return f"/api/offers/{offer_id}/"


class OfferUpdateTests(OfferOwnerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Backdated, so that a bump of updated_at is visible whatever the clock's resolution.
        cls.an_hour_ago = timezone.now() - timedelta(hours=1)
        Offer.objects.filter(pk=cls.offer.pk).update(updated_at=cls.an_hour_ago)
        cls.basic, cls.standard, cls.premium = cls.offer.details.all()

    def all(self):
        return [self.basic, self.standard, self.premium]

    def snapshot(self):
        """Everything an edit could change, to prove that a refused one changed nothing."""
        return (Offer.objects.filter(pk=self.offer.pk).values().get(), package_rows(self.offer))

    def assertRefused(self, response, status, before):
        self.assertStatus(response, status)
        self.assertEqual(self.snapshot(), before)

    # --- who may edit ----------------------------------------------------------------------------------

    def test_anonymous_gets_401(self):
        before = self.snapshot()
        self.assertRefused(self.anonymous().patch(url(self.offer.pk), {"title": "X"}, format="json"), 401, before)

    def test_stale_token_gets_401(self):
        before = self.snapshot()
        response = self.stale_token_client().patch(url(self.offer.pk), {"title": "X"}, format="json")
        self.assertRefused(response, 401, before)

    def test_other_business_user_cannot_edit_a_foreign_offer(self):
        before = self.snapshot()
        body = {"title": "Hijacked", "details": [package_payload("basic", price=1)]}
        response = self.make_business().patch(url(self.offer.pk), body, format="json")
        self.assertRefused(response, 403, before)
        self.assertEqual(response.json(), {"detail": NOT_OFFER_OWNER})

    def test_customer_and_staff_cannot_edit(self):
        before = self.snapshot()
        for client in (self.make_customer(), self.make_staff()):
            with self.subTest(user=client.user.username):
                response = client.patch(url(self.offer.pk), {"title": "X"}, format="json")
                self.assertRefused(response, 403, before)

    def test_unknown_offer_answers_404(self):
        response = self.owner.patch(url(self.offer.pk + 1000), {"title": "X"}, format="json")
        self.assertStatus(response, 404)
        self.assertIn("detail", response.json())

    def test_put_is_not_allowed(self):
        self.assertStatus(self.owner.put(url(self.offer.pk), {"title": "X"}, format="json"), 405)

    # --- happy paths -----------------------------------------------------------------------------------

    def test_owner_edits_one_package_in_place(self):
        body = {"details": [{"offer_type": "standard", "price": "150.25", "features": ["Only this"]}]}
        response = self.owner.patch(url(self.offer.pk), body, format="json")

        self.assertStatus(response, 200)
        self.assertEqual(response.json(), written_body(self.offer))
        standard = response.json()["details"][1]
        self.assertEqual(
            standard,
            {
                "id": self.standard.pk,
                "title": "Standard",
                "revisions": 5,
                "delivery_time_in_days": 10,
                "price": 150.25,
                "features": ["Only this"],
                "offer_type": "standard",
            },
        )
        self.assertEqual([package["id"] for package in response.json()["details"]], [p.pk for p in self.all()])
        self.assertEqual(self.offer.details.count(), 3)
        offer = Offer.objects.get(pk=self.offer.pk)
        self.assertEqual(offer.min_price, Decimal("150.25"))
        self.assertGreater(offer.updated_at, self.an_hour_ago)

    def test_owner_sends_back_the_three_full_packages_as_fetched(self):
        # The frontend's edit form: every package as GET /api/offerdetails/{id}/ answered it, then edited.
        fetched = [self.anonymous().get(f"/api/offerdetails/{package.pk}/").json() for package in self.all()]
        for package in fetched:
            package["title"] += " (new)"
            package["delivery_time_in_days"] += 1
        fetched[2]["revisions"] = 0
        body = {"title": "Website Design Pro", "description": "Now with more.", "details": fetched}
        response = self.owner.patch(url(self.offer.pk), body, format="json")

        self.assertStatus(response, 200)
        self.assertEqual(response.json(), written_body(self.offer))
        self.assertEqual(response.json()["title"], "Website Design Pro")
        self.assertEqual(
            [(p["id"], p["title"], p["delivery_time_in_days"], p["revisions"]) for p in response.json()["details"]],
            [
                (self.basic.pk, "Basic (new)", 8, 2),
                (self.standard.pk, "Standard (new)", 11, 5),
                (self.premium.pk, "Premium (new)", 15, 0),
            ],
        )
        self.assertEqual(Offer.objects.get(pk=self.offer.pk).min_delivery_time, 8)

    def test_owner_changes_title_and_description_only(self):
        packages_before = package_rows(self.offer)
        response = self.owner.patch(url(self.offer.pk), {"title": "New", "description": "Newer"}, format="json")

        self.assertStatus(response, 200)
        self.assertEqual(response.json(), written_body(self.offer))
        self.assertEqual((response.json()["title"], response.json()["description"]), ("New", "Newer"))
        self.assertEqual(package_rows(self.offer), packages_before)

    def test_owner_uploads_an_image_alone_with_multipart(self):
        response = self.owner.patch(url(self.offer.pk), {"image": image_upload("cover.png")}, format="multipart")

        self.assertStatus(response, 200)
        offer = Offer.objects.get(pk=self.offer.pk)
        self.assertEqual(response.json(), written_body(offer))
        self.assertEqual(response.json()["image"], f"http://testserver{offer.image.url}")
        self.assertTrue(offer.image.name.startswith("offer_images/"))
        self.assertTrue((Path(settings.MEDIA_ROOT) / offer.image.name).is_file())
        self.assertEqual(offer.title, "Website Design")

    def test_a_new_image_replaces_the_old_file(self):
        self.owner.patch(url(self.offer.pk), {"image": image_upload("one.png")}, format="multipart")
        old = Path(settings.MEDIA_ROOT) / Offer.objects.get(pk=self.offer.pk).image.name
        with self.captureOnCommitCallbacks(execute=True):
            response = self.owner.patch(url(self.offer.pk), {"image": image_upload("two.png")}, format="multipart")

        self.assertStatus(response, 200)
        self.assertFalse(old.exists())
        self.assertTrue((Path(settings.MEDIA_ROOT) / Offer.objects.get(pk=self.offer.pk).image.name).is_file())

    def test_image_null_removes_the_image(self):
        self.owner.patch(url(self.offer.pk), {"image": image_upload()}, format="multipart")
        response = self.owner.patch(url(self.offer.pk), {"image": None}, format="json")

        self.assertStatus(response, 200)
        self.assertIsNone(response.json()["image"])
        self.assertFalse(Offer.objects.get(pk=self.offer.pk).image)

    def test_multipart_edit_takes_details_as_json_string(self):
        details = json.dumps([package_payload("premium", price="2000.00")])
        response = self.owner.patch(url(self.offer.pk), {"details": details}, format="multipart")

        self.assertStatus(response, 200)
        self.assertEqual(response.json()["details"][2]["price"], 2000.0)

    def test_editing_packages_updates_the_offers_updated_at(self):
        body = {"details": [{"offer_type": "basic", "revisions": 3}]}
        response = self.owner.patch(url(self.offer.pk), body, format="json")

        self.assertStatus(response, 200)
        offer = Offer.objects.get(pk=self.offer.pk)
        self.assertGreater(offer.updated_at, self.an_hour_ago)
        listed = self.anonymous().get("/api/offers/").json()["results"][0]
        self.assertEqual(listed["updated_at"], iso(offer.updated_at))

    def test_read_only_keys_sent_back_are_ignored(self):
        other = self.make_business()
        body = {
            "id": 999,
            "user": other.user.pk,
            "created_at": "2000-01-01T00:00:00Z",
            "min_price": 1,
            "min_delivery_time": 1,
            "details": [{**package_payload("basic", price=5), "id": self.basic.pk, "url": "http://x/"}],
        }
        response = self.owner.patch(url(self.offer.pk), body, format="json")

        self.assertStatus(response, 200)
        offer = Offer.objects.get(pk=self.offer.pk)
        self.assertEqual(offer.user, self.owner.user)
        self.assertNotEqual(iso(offer.created_at), "2000-01-01T00:00:00Z")
        self.assertEqual((offer.min_price, offer.min_delivery_time), (Decimal("5.00"), 7))
        self.assertFalse(Offer.objects.filter(pk=999).exists())

    def test_empty_body_changes_nothing(self):
        before = self.snapshot()
        response = self.owner.patch(url(self.offer.pk), {}, format="json")
        self.assertStatus(response, 200)
        self.assertEqual(response.json(), written_body(self.offer))
        self.assertEqual(self.snapshot(), before)

    # --- invalid input ---------------------------------------------------------------------------------

    def test_package_type_cannot_be_changed(self):
        before = self.snapshot()
        # The basic package, sent back with its id but as a premium one.
        body = {"details": [{**package_payload("premium"), "id": self.basic.pk}]}
        response = self.owner.patch(url(self.offer.pk), body, format="json")

        self.assertRefused(response, 400, before)
        self.assertEqual(response.json(), {"details": [{"offer_type": [messages.PACKAGE_TYPE_UNCHANGEABLE]}]})

    def test_each_broken_rule_answers_400_and_changes_nothing(self):
        other_offer = make_offer(self.make_business().user)
        foreign_basic = other_offer.details.get(offer_type="basic")
        cases = {
            "an unknown type": (
                [package_payload("basic", offer_type="gold")],
                {"details": [{"offer_type": [messages.PACKAGE_TYPE_INVALID]}]},
            ),
            "a duplicate type": (
                [{"offer_type": "basic", "price": 1}, {"offer_type": "basic", "price": 2}],
                {"details": [messages.PACKAGE_TYPE_TWICE]},
            ),
            "a package without type": (
                [{"price": 1}],
                {"details": [{"offer_type": [messages.PACKAGE_TYPE_REQUIRED]}]},
            ),
            "no packages": ([], {"details": [messages.PACKAGES_ONE_TO_THREE]}),
            "four packages": (
                [package_payload(kind) for kind in ("basic", "standard", "premium", "basic")],
                {"details": [messages.PACKAGES_ONE_TO_THREE]},
            ),
            "another offer's package id": (
                [{**package_payload("basic"), "id": foreign_basic.pk}],
                {"details": [{"offer_type": [messages.PACKAGE_TYPE_UNCHANGEABLE]}]},
            ),
            "a negative price": (
                [{"offer_type": "basic"}, {"offer_type": "premium", "price": "-0.01"}],
                {"details": [{}, {"price": [messages.PRICE_TOO_SMALL]}]},
            ),
            "3 decimals": (
                [{"offer_type": "standard", "price": 9.999}],
                {"details": [{"price": [messages.PRICE_DECIMALS]}]},
            ),
            "0 days": (
                [{"offer_type": "standard", "delivery_time_in_days": 0}],
                {"details": [{"delivery_time_in_days": [messages.DELIVERY_TIME_TOO_SMALL]}]},
            ),
            "revisions -2": (
                [{"offer_type": "standard", "revisions": -2}],
                {"details": [{"revisions": [messages.REVISIONS_TOO_SMALL]}]},
            ),
            "features not a list": (
                [{"offer_type": "standard", "features": "SEO"}],
                {"details": [{"features": [messages.FEATURES_NOT_A_LIST]}]},
            ),
            "a blank package title": (
                [{"offer_type": "standard", "title": ""}],
                {"details": [{"title": [messages.PACKAGE_TITLE_REQUIRED]}]},
            ),
            "details null": (None, {"details": [messages.PACKAGES_NOT_A_LIST]}),
        }
        before = self.snapshot()
        for case, (details, errors) in cases.items():
            with self.subTest(case):
                response = self.owner.patch(url(self.offer.pk), {"details": details}, format="json")
                self.assertRefused(response, 400, before)
                self.assertEqual(response.json(), errors)

    def test_blank_title_and_description_are_refused(self):
        before = self.snapshot()
        response = self.owner.patch(url(self.offer.pk), {"title": " ", "description": ""}, format="json")
        self.assertRefused(response, 400, before)
        self.assertEqual(
            response.json(),
            {"title": [messages.OFFER_TITLE_REQUIRED], "description": [messages.OFFER_DESCRIPTION_REQUIRED]},
        )

    def test_a_type_the_offer_lacks_is_refused(self):
        self.premium.delete()
        before = self.snapshot()
        response = self.owner.patch(url(self.offer.pk), {"details": [package_payload("premium")]}, format="json")
        self.assertRefused(response, 400, before)
        self.assertEqual(response.json(), {"details": [{"offer_type": [messages.PACKAGE_TYPE_MISSING]}]})

    def test_file_that_is_no_image_is_refused(self):
        before = self.snapshot()
        upload = image_upload("fake.png", content=b"GIF89a but not really")
        response = self.owner.patch(url(self.offer.pk), {"image": upload}, format="multipart")
        self.assertRefused(response, 400, before)
        self.assertEqual(response.json(), {"image": [IMAGE_INVALID]})
