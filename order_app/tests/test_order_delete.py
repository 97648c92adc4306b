"""DELETE /api/orders/{id}/"""

from order_app.api.permissions import ONLY_STAFF
from order_app.api.views import ORDER_NOT_FOUND
from order_app.models import Order
from order_app.tests.utils import OrderTestCase


class OrderDeleteTests(OrderTestCase):
    def test_staff_deletes_an_order_with_204_and_no_body(self):
        response = self.make_staff().delete(self.url)

        self.assertStatus(response, 204)
        self.assertEqual(response.content, b"")
        self.assertFalse(Order.objects.filter(pk=self.order.pk).exists())

    def test_the_business_user_of_the_order_cannot_delete_it(self):
        response = self.business.delete(self.url)

        self.assertStatus(response, 403)
        self.assertEqual(response.json(), {"detail": ONLY_STAFF})
        self.assertTrue(Order.objects.filter(pk=self.order.pk).exists())

    def test_the_customer_of_the_order_cannot_delete_it(self):
        response = self.customer.delete(self.url)

        self.assertStatus(response, 403)
        self.assertEqual(response.json(), {"detail": ONLY_STAFF})
        self.assertTrue(Order.objects.filter(pk=self.order.pk).exists())

    def test_other_users_cannot_delete_it(self):
        for client in (self.make_customer(), self.make_business()):
            with self.subTest(user=client.user.username):
                self.assertStatus(client.delete(self.url), 403)
        self.assertTrue(Order.objects.filter(pk=self.order.pk).exists())

    def test_anonymous_is_refused_with_401(self):
        self.assertStatus(self.anonymous().delete(self.url), 401)
        self.assertStatus(self.stale_token_client().delete(self.url), 401)
        self.assertTrue(Order.objects.filter(pk=self.order.pk).exists())

    def test_staff_deleting_an_unknown_order_gets_404(self):
        response = self.make_staff().delete(f"/api/orders/{self.order.pk + 1}/")

        self.assertStatus(response, 404)
        self.assertEqual(response.json(), {"detail": ORDER_NOT_FOUND})
        self.assertEqual(Order.objects.count(), 1)
