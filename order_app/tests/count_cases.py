"""The tests both order-count endpoints share; each endpoint's file names its URL, key and counted status."""

from core.testing import make_orders, package_of
from order_app.api.views import BUSINESS_USER_NOT_FOUND
from order_app.models import Order
from order_app.tests.utils import make_offer

IN_PROGRESS, COMPLETED, CANCELLED = Order.Status.values


class OrderCountCases:
    """Mixed into a CoderrTestCase; the business user has 4 orders in progress, 2 completed, 1 cancelled."""

    path = ""  # e.g. "/api/order-count/{}/"
    key = ""  # the answer's only key
    counted_status = ""
    expected = 0

    def url(self, user_id):
        return self.path.format(user_id)

    def setUp(self):
        super().setUp()
        self.customer = self.make_customer()
        self.business = self.make_business()
        self.other_business = self.make_business()
        package = package_of(make_offer(self.business.user))
        make_orders(self.customer.user, package, IN_PROGRESS, COMPLETED, IN_PROGRESS, CANCELLED, IN_PROGRESS)
        make_orders(self.make_user("customer"), package, COMPLETED, IN_PROGRESS)
        make_orders(self.customer.user, package_of(make_offer(self.other_business.user)), IN_PROGRESS, COMPLETED)

    def test_counts_only_the_business_users_orders_in_the_counted_status(self):
        response = self.customer.get(self.url(self.business.user.pk))

        self.assertStatus(response, 200)
        self.assertEqual(response.json(), {self.key: self.expected})

    def test_every_authenticated_user_may_ask(self):
        for client in (self.other_business, self.business, self.make_staff()):
            with self.subTest(user=client.user.username):
                self.assertEqual(client.get(self.url(self.business.user.pk)).json(), {self.key: self.expected})

    def test_a_status_change_is_counted_at_once(self):
        Order.objects.filter(business_user=self.business.user, status=self.counted_status).update(status=CANCELLED)

        self.assertEqual(self.customer.get(self.url(self.business.user.pk)).json(), {self.key: 0})

    def test_a_business_user_without_orders_has_zero(self):
        response = self.customer.get(self.url(self.make_user("business").pk))

        self.assertStatus(response, 200)
        self.assertEqual(response.json(), {self.key: 0})

    def test_an_id_that_is_not_a_business_user_answers_404(self):
        staff = self.make_user("", is_staff=True)
        for user_id in (self.customer.user.pk, staff.pk, staff.pk + 1000, 2**70):
            with self.subTest(user_id=user_id):
                response = self.customer.get(self.url(user_id))
                self.assertStatus(response, 404)
                self.assertEqual(response.json(), {"detail": BUSINESS_USER_NOT_FOUND})

    def test_anonymous_is_refused_with_401(self):
        self.assertStatus(self.anonymous().get(self.url(self.business.user.pk)), 401)
        self.assertStatus(self.stale_token_client().get(self.url(self.business.user.pk)), 401)

    def test_counting_costs_the_token_lookup_a_user_check_and_one_count(self):
        # Token + business user check + COUNT (a read-only view outside the request transaction).
        with self.assertNumQueries(3):
            self.customer.get(self.url(self.business.user.pk))
