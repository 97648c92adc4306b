"""GET /api/orders/{id}/"""

from order_app.api.views import ORDER_NOT_FOUND
from order_app.models import Order
from order_app.tests.utils import OrderTestCase, order_body


class OrderRetrieveTests(OrderTestCase):
    def test_the_customer_of_the_order_gets_the_full_order(self):
        response = self.customer.get(self.url)

        self.assertStatus(response, 200)
        self.assertEqual(response.json(), order_body(self.order))

    def test_the_business_user_of_the_order_gets_the_full_order(self):
        response = self.business.get(self.url)

        self.assertStatus(response, 200)
        self.assertEqual(response.json(), order_body(self.order))

    def test_everyone_else_is_told_the_order_does_not_exist(self):
        for client in (self.make_customer(), self.make_business(), self.make_staff()):
            with self.subTest(user=client.user.username):
                response = client.get(self.url)
                self.assertStatus(response, 404)
                self.assertEqual(response.json(), {"detail": ORDER_NOT_FOUND})

    def test_an_unknown_id_answers_404(self):
        for order_id in (self.order.pk + 1, 2**70):
            with self.subTest(order_id=order_id):
                response = self.customer.get(f"/api/orders/{order_id}/")
                self.assertStatus(response, 404)
                self.assertEqual(response.json(), {"detail": ORDER_NOT_FOUND})

    def test_a_non_numeric_id_is_an_unknown_route(self):
        response = self.customer.get("/api/orders/abc/")

        self.assertStatus(response, 404)
        self.assertEqual(response["Content-Type"], "application/json")

    def test_anonymous_is_refused_with_401(self):
        self.assertStatus(self.anonymous().get(self.url), 401)

    def test_a_stale_token_is_refused_with_401(self):
        self.assertStatus(self.stale_token_client().get(self.url), 401)

    def test_an_order_costs_the_token_lookup_and_one_select(self):
        # The token lookup and the order: reads run in autocommit, without a transaction.
        with self.assertNumQueries(2):
            self.assertStatus(self.business.get(self.url), 200)

    def test_a_cancelled_order_is_still_visible_to_its_participants(self):
        Order.objects.filter(pk=self.order.pk).update(status=Order.Status.CANCELLED)

        self.assertEqual(self.customer.get(self.url).json()["status"], "cancelled")
