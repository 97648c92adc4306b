"""PATCH /api/orders/{id}/"""

from order_app.api.permissions import ONLY_ORDER_BUSINESS_USER
from order_app.api.serializers import FIELD_NOT_EDITABLE, STATUS_INVALID, STATUS_REQUIRED
from order_app.api.views import ORDER_NOT_FOUND
from order_app.models import Order
from order_app.tests.utils import OrderTestCase, order_body


class OrderStatusUpdateTests(OrderTestCase):
    def setUp(self):
        super().setUp()
        self.stored_before = self.stored()

    def stored(self):
        return Order.objects.values().get(pk=self.order.pk)

    def patch(self, body, client=None):
        return (client or self.business).patch(self.url, body, format="json")

    def assertUnchanged(self):
        self.assertEqual(self.stored(), self.stored_before)

    # --- happy path -------------------------------------------------------------------------------------

    def test_the_business_user_moves_the_status_in_every_direction(self):
        journey = ["completed", "in_progress", "cancelled", "completed", "cancelled", "in_progress"]
        for status in journey:
            with self.subTest(status=status):
                response = self.patch({"status": status})
                self.assertStatus(response, 200)
                order = Order.objects.get(pk=self.order.pk)
                self.assertEqual(order.status, status)
                self.assertEqual(response.json(), order_body(order))

    def test_the_answer_is_the_full_order_with_only_status_and_updated_at_changed(self):
        response = self.patch({"status": "completed"})

        self.assertStatus(response, 200)
        order = Order.objects.get(pk=self.order.pk)
        self.assertEqual(
            response.json(),
            {**order_body(self.order), "status": "completed", "updated_at": order_body(order)["updated_at"]},
        )
        self.assertGreater(order.updated_at, self.order.updated_at)

    def test_setting_the_same_status_again_is_fine(self):
        response = self.patch({"status": "in_progress"})

        self.assertStatus(response, 200)
        self.assertEqual(response.json()["status"], "in_progress")

    def test_a_status_change_costs_a_fixed_number_of_queries(self):
        # SAVEPOINT + token + order + UPDATE + re-read + RELEASE SAVEPOINT.
        with self.assertNumQueries(6):
            self.assertStatus(self.patch({"status": "completed"}), 200)

    # --- refusals ---------------------------------------------------------------------------------------

    def test_the_customer_of_the_order_cannot_change_it(self):
        response = self.patch({"status": "completed"}, client=self.customer)

        self.assertStatus(response, 403)
        self.assertEqual(response.json(), {"detail": ONLY_ORDER_BUSINESS_USER})
        self.assertUnchanged()

    def test_users_who_are_not_the_orders_business_user_get_403(self):
        for client in (self.make_business(), self.make_customer(), self.make_staff()):
            with self.subTest(user=client.user.username):
                response = self.patch({"status": "completed"}, client=client)
                self.assertStatus(response, 403)
                self.assertEqual(response.json(), {"detail": ONLY_ORDER_BUSINESS_USER})
        self.assertUnchanged()

    def test_anonymous_is_refused_with_401(self):
        for client in (self.anonymous(), self.stale_token_client()):
            with self.subTest(client=client):
                self.assertStatus(self.patch({"status": "completed"}, client=client), 401)
        self.assertUnchanged()

    def test_an_unknown_order_answers_404(self):
        response = self.business.patch(f"/api/orders/{self.order.pk + 1}/", {"status": "completed"}, format="json")

        self.assertStatus(response, 404)
        self.assertEqual(response.json(), {"detail": ORDER_NOT_FOUND})
        self.assertUnchanged()

    def test_an_invalid_status_is_a_400_naming_status(self):
        for value in ("done", "", "COMPLETED", None, 1, ["completed"], {"status": "completed"}):
            with self.subTest(value=value):
                response = self.patch({"status": value})
                self.assertStatus(response, 400)
                self.assertEqual(response.json(), {"status": [STATUS_INVALID]})
        self.assertUnchanged()

    def test_a_missing_status_is_a_400_naming_status(self):
        response = self.patch({})

        self.assertStatus(response, 400)
        self.assertEqual(response.json(), {"status": [STATUS_REQUIRED]})
        self.assertUnchanged()

    def test_any_other_field_is_a_400_naming_that_field(self):
        for field, value in (
            ("price", 1),
            ("title", "Cheaper"),
            ("customer_user", self.business.user.pk),
            ("business_user", self.customer.user.pk),
            ("offer_detail", None),
            ("created_at", "2020-01-01T00:00:00Z"),
            ("id", 5),
        ):
            with self.subTest(field=field):
                response = self.patch({"status": "completed", field: value})
                self.assertStatus(response, 400)
                self.assertEqual(response.json(), {field: [FIELD_NOT_EDITABLE]})
        self.assertUnchanged()

    def test_other_fields_without_a_status_are_named_together_with_status(self):
        response = self.patch({"price": 1})

        self.assertStatus(response, 400)
        self.assertEqual(response.json(), {"status": [STATUS_REQUIRED], "price": [FIELD_NOT_EDITABLE]})
        self.assertUnchanged()

    def test_a_body_that_is_not_an_object_is_a_400(self):
        response = self.patch(["completed"])

        self.assertFieldError(response, "non_field_errors")
        self.assertUnchanged()

    def test_put_is_not_allowed(self):
        response = self.business.put(self.url, {"status": "completed"}, format="json")

        self.assertStatus(response, 405)
        self.assertUnchanged()
