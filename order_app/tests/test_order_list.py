"""GET /api/orders/"""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.testing import TwoOfEachTestCase, make_order, make_orders, package_of
from order_app.models import Order
from order_app.tests.utils import make_offer, order_body

URL = "/api/orders/"


class OrderListTests(TwoOfEachTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.package = package_of(make_offer(cls.business_user), "basic")
        cls.other_package = package_of(make_offer(cls.other_business_user), "premium")

    def listed(self, client):
        response = client.get(URL)
        self.assertStatus(response, 200)
        return response.json()

    def test_a_customer_sees_exactly_the_orders_they_placed(self):
        mine_here = make_order(self.customer.user, self.package)
        mine_there = make_order(self.customer.user, self.other_package, status=Order.Status.CANCELLED)
        make_order(self.other_customer.user, self.package)

        self.assertEqual(self.listed(self.customer), [order_body(mine_there), order_body(mine_here)])

    def test_a_business_sees_exactly_the_orders_it_received(self):
        from_customer = make_order(self.customer.user, self.package, status=Order.Status.COMPLETED)
        from_other = make_order(self.other_customer.user, self.package)
        make_order(self.customer.user, self.other_package)

        self.assertEqual(self.listed(self.business), [order_body(from_other), order_body(from_customer)])

    def test_orders_are_listed_newest_first_by_creation_time(self):
        first, second, third = make_orders(self.customer.user, self.package, *Order.Status.values)
        now = timezone.now()
        # Creation times that disagree with the ids, so ordering by id would fail.
        for order, days_ago in ((first, 0), (second, 2), (third, 1)):
            Order.objects.filter(pk=order.pk).update(created_at=now - timedelta(days=days_ago))

        ids = [order["id"] for order in self.listed(self.customer)]

        self.assertEqual(ids, [first.pk, third.pk, second.pk])

    def test_a_user_without_orders_gets_an_empty_array(self):
        make_order(self.customer.user, self.package)

        self.assertEqual(self.listed(self.other_customer), [])
        self.assertEqual(self.listed(self.other_business), [])

    def test_staff_without_a_type_takes_part_in_no_order_and_sees_none(self):
        make_order(self.customer.user, self.package)

        self.assertEqual(self.listed(self.make_staff()), [])

    def test_anonymous_is_refused_with_401(self):
        make_order(self.customer.user, self.package)

        self.assertStatus(self.anonymous().get(URL), 401)

    def test_a_stale_token_is_refused_with_401(self):
        self.assertStatus(self.stale_token_client().get(URL), 401)

    def test_the_query_count_does_not_grow_with_the_number_of_orders(self):
        make_order(self.customer.user, self.package)
        with CaptureQueriesContext(connection) as one:
            self.assertEqual(len(self.listed(self.customer)), 1)

        make_orders(self.customer.user, self.other_package, *[Order.Status.IN_PROGRESS] * 29)
        with CaptureQueriesContext(connection) as thirty:
            self.assertEqual(len(self.listed(self.customer)), 30)

        self.assertEqual(len(one), len(thirty))

    def test_the_list_costs_the_token_lookup_and_one_select(self):
        make_orders(self.customer.user, self.package, *Order.Status.values)

        # The token lookup and the orders: reads run in autocommit, without a transaction.
        with self.assertNumQueries(2):
            self.listed(self.customer)
