"""order_app.services.order_create"""

import threading
from unittest import skipUnless

from django.db import DatabaseError, connection, connections, transaction
from django.test import TransactionTestCase, override_settings

from core.testing import FAST_HASHERS, CoderrTestCase, package_of
from offer_app.models import OfferDetail
from order_app.models import Order
from order_app.services import PackageNotFound, order_create
from order_app.tests.utils import OfferTestCase, make_offer


class OrderCreateServiceTests(OfferTestCase):
    def test_the_snapshot_is_taken_from_the_stored_package_not_the_given_instance(self):
        package = package_of(self.offer, "premium")
        OfferDetail.objects.filter(pk=package.pk).update(title="Premium, renamed")

        order = order_create(customer=self.customer, offer_detail=package)

        self.assertEqual(order.title, "Premium, renamed")
        self.assertEqual(order.business_user, self.business)

    def test_a_package_that_no_longer_exists_raises_and_stores_nothing(self):
        package = package_of(self.offer)
        self.offer.delete()

        with self.assertRaises(PackageNotFound):
            order_create(customer=self.customer, offer_detail=package)

        self.assertFalse(Order.objects.exists())


@skipUnless(connection.vendor == "postgresql", "row locks need PostgreSQL")
@override_settings(PASSWORD_HASHERS=FAST_HASHERS)
class OrderCreateLockTests(TransactionTestCase):
    def package_is_locked_elsewhere(self, package):
        """Whether another connection finds the package row locked (without waiting)."""
        outcome = {}

        def try_lock():
            try:
                with transaction.atomic():
                    OfferDetail.objects.select_for_update(nowait=True).get(pk=package.pk)
                outcome["locked"] = False
            except DatabaseError:
                outcome["locked"] = True
            finally:
                connections.close_all()

        thread = threading.Thread(target=try_lock)
        thread.start()
        thread.join()
        return outcome["locked"]

    def test_the_package_stays_locked_until_the_order_is_committed(self):
        customer = CoderrTestCase.make_user("customer")
        package = package_of(make_offer(CoderrTestCase.make_user("business")))

        with transaction.atomic():
            order_create(customer=customer, offer_detail=package)
            locked_while_ordering = self.package_is_locked_elsewhere(package)

        self.assertTrue(locked_while_ordering)
        self.assertFalse(self.package_is_locked_elsewhere(package))
