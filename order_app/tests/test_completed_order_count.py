"""GET /api/completed-order-count/{business_user_id}/"""

from general_app.testing import CoderrTestCase, package_of
from order_app.api.views import BUSINESS_USER_NOT_FOUND
from order_app.models import Order
from order_app.tests.builders import make_offer, make_orders

IN_PROGRESS, COMPLETED, CANCELLED = Order.Status.values


def url(user_id):
    return f"/api/completed-order-count/{user_id}/"


class CompletedOrderCountTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.customer = self.make_customer()
        self.business = self.make_business()
        self.other_business = self.make_business()
        package = package_of(make_offer(self.business.user))
        make_orders(self.customer.user, package, IN_PROGRESS, COMPLETED, IN_PROGRESS, CANCELLED, IN_PROGRESS)
        make_orders(self.make_user("customer"), package, COMPLETED, IN_PROGRESS)
        make_orders(self.customer.user, package_of(make_offer(self.other_business.user)), IN_PROGRESS, COMPLETED)

    def test_counts_the_business_users_completed_orders(self):
        response = self.customer.get(url(self.business.user.pk))

        self.assertStatus(response, 200)
        self.assertEqual(response.json(), {"completed_order_count": 2})

    def test_every_authenticated_user_may_ask(self):
        for client in (self.other_business, self.business, self.make_staff()):
            with self.subTest(user=client.user.username):
                self.assertEqual(client.get(url(self.business.user.pk)).json(), {"completed_order_count": 2})

    def test_a_status_change_is_counted_at_once(self):
        Order.objects.filter(business_user=self.business.user, status=COMPLETED).update(status=CANCELLED)

        self.assertEqual(self.customer.get(url(self.business.user.pk)).json(), {"completed_order_count": 0})

    def test_a_business_user_without_orders_has_zero(self):
        response = self.customer.get(url(self.make_user("business").pk))

        self.assertStatus(response, 200)
        self.assertEqual(response.json(), {"completed_order_count": 0})

    def test_an_id_that_is_not_a_business_user_answers_404(self):
        staff = self.make_user("", is_staff=True)
        for user_id in (self.customer.user.pk, staff.pk, staff.pk + 1000, 2**70):
            with self.subTest(user_id=user_id):
                response = self.customer.get(url(user_id))
                self.assertStatus(response, 404)
                self.assertEqual(response.json(), {"detail": BUSINESS_USER_NOT_FOUND})

    def test_anonymous_is_refused_with_401(self):
        self.assertStatus(self.anonymous().get(url(self.business.user.pk)), 401)
        self.assertStatus(self.stale_token_client().get(url(self.business.user.pk)), 401)

    def test_counting_costs_the_token_lookup_a_user_check_and_one_count(self):
        # SAVEPOINT + token + business user check + COUNT + RELEASE SAVEPOINT.
        with self.assertNumQueries(5):
            self.customer.get(url(self.business.user.pk))
