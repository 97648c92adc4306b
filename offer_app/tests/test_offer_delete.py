"""DELETE /api/offers/{id}/"""

from pathlib import Path

from django.conf import settings

from core.testing import image_upload, make_offer, make_order
from offer_app.api.permissions import NOT_OFFER_OWNER
from offer_app.models import Offer, OfferDetail
from offer_app.tests.utils import OfferOwnerTestCase


def url(offer_id):
    return f"/api/offers/{offer_id}/"


class OfferDeleteTests(OfferOwnerTestCase):
    def assertOfferKept(self):
        self.assertTrue(Offer.objects.filter(pk=self.offer.pk).exists())
        self.assertEqual(OfferDetail.objects.filter(offer=self.offer).count(), 3)

    def test_owner_deletes_offer_and_its_packages(self):
        kept = make_offer(self.owner.user, title="Another offer")
        response = self.owner.delete(url(self.offer.pk))

        self.assertStatus(response, 204)
        self.assertEqual(response.content, b"")
        self.assertFalse(Offer.objects.filter(pk=self.offer.pk).exists())
        self.assertFalse(OfferDetail.objects.filter(offer_id=self.offer.pk).exists())
        self.assertEqual(list(Offer.objects.all()), [kept])
        self.assertStatus(self.anonymous().get(url(self.offer.pk)), 404)

    def test_orders_of_its_packages_survive_with_offer_detail_null(self):
        customer = self.make_customer().user
        package = self.offer.details.get(offer_type="standard")
        order = make_order(customer, package)

        self.assertStatus(self.owner.delete(url(self.offer.pk)), 204)

        order.refresh_from_db()
        self.assertIsNone(order.offer_detail)
        self.assertEqual((order.title, order.price, order.offer_type), (package.title, package.price, "standard"))

    def test_deleting_removes_the_image_file_after_commit(self):
        self.owner.patch(url(self.offer.pk), {"image": image_upload()}, format="multipart")
        path = Path(settings.MEDIA_ROOT) / Offer.objects.get(pk=self.offer.pk).image.name
        self.assertTrue(path.is_file())
        with self.captureOnCommitCallbacks(execute=True):
            self.assertStatus(self.owner.delete(url(self.offer.pk)), 204)
        self.assertFalse(path.exists())

    def test_permission_matrix(self):
        cases = {
            "anonymous": (self.anonymous(), 401),
            "stale token": (self.stale_token_client(), 401),
            "customer": (self.make_customer(), 403),
            "other business user": (self.make_business(), 403),
            "staff": (self.make_staff(), 403),
        }
        for case, (client, status) in cases.items():
            with self.subTest(case):
                self.assertStatus(client.delete(url(self.offer.pk)), status)
                self.assertOfferKept()

    def test_other_business_user_is_told_why(self):
        response = self.make_business().delete(url(self.offer.pk))
        self.assertStatus(response, 403)
        self.assertEqual(response.json(), {"detail": NOT_OFFER_OWNER})

    def test_unknown_offer_answers_404(self):
        response = self.owner.delete(url(self.offer.pk + 1000))
        self.assertStatus(response, 404)
        self.assertIn("detail", response.json())
        self.assertOfferKept()
