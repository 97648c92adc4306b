"""Order rows outlive offers and keep the users who took part in them."""

from django.db.models import ProtectedError

from core.testing import make_order, package_of
from offer_app.models import Offer
from order_app.models import Order
from order_app.tests.utils import PACKAGES, OfferTestCase, make_offer


class OrderProtectionTests(OfferTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.order = make_order(cls.customer, package_of(cls.offer))

    def test_deleting_a_customer_who_ordered_is_refused_and_the_order_survives(self):
        with self.assertRaises(ProtectedError):
            self.customer.delete()

        self.assertTrue(Order.objects.filter(pk=self.order.pk, customer_user=self.customer).exists())

    def test_deleting_a_business_user_with_orders_is_refused_and_keeps_order_and_offer(self):
        with self.assertRaises(ProtectedError):
            self.business.delete()

        self.assertTrue(Order.objects.filter(pk=self.order.pk, offer_detail__isnull=False).exists())
        self.assertTrue(Offer.objects.filter(pk=self.offer.pk).exists())

    def test_users_without_orders_can_still_be_deleted(self):
        bystander = self.make_user("business")
        make_offer(bystander)

        bystander.delete()

        self.assertFalse(Offer.objects.filter(user_id=bystander.pk).exists())

    def test_deleting_the_offer_keeps_the_order_and_its_snapshot(self):
        self.offer.delete()

        order = Order.objects.get(pk=self.order.pk)
        self.assertIsNone(order.offer_detail)
        standard = PACKAGES["standard"]
        self.assertEqual(
            (order.title, order.revisions, order.delivery_time_in_days, order.price, order.features, order.offer_type),
            (
                standard["title"],
                standard["revisions"],
                standard["delivery_time_in_days"],
                standard["price"],
                standard["features"],
                "standard",
            ),
        )
