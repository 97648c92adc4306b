"""POST /api/orders/"""

from decimal import Decimal
from unittest import mock

from auth_app.api.permissions import ONLY_CUSTOMERS
from core.testing import CustomerAndBusinessTestCase, iso, package_of
from order_app.api.serializers import BUSINESS_USER_ID_INVALID, PACKAGE_ID_INVALID, PACKAGE_REQUIRED
from order_app.models import Order
from order_app.services import BUSINESS_USER_MISMATCH, PACKAGE_NOT_FOUND, SNAPSHOT_FIELDS, order_create
from order_app.tests.utils import make_offer, order_body

URL = "/api/orders/"


class OrderCreateTests(CustomerAndBusinessTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.offer = make_offer(cls.business_user)
        cls.package = package_of(cls.offer, "standard")

    def order(self, body, client=None):
        return (client or self.customer).post(URL, body, format="json")

    def assertNoOrderStored(self):
        self.assertFalse(Order.objects.exists())

    def assertRefused(self, client, status):
        """`client` ordering the package is answered with `status`, and nothing is stored."""
        self.assertStatus(self.order({"offer_detail_id": self.package.pk}, client=client), status)
        self.assertNoOrderStored()

    # --- happy path -------------------------------------------------------------------------------------

    def test_customer_orders_a_package_and_gets_the_full_order(self):
        response = self.order({"offer_detail_id": self.package.pk})

        self.assertStatus(response, 201)
        order = Order.objects.get()
        self.assertEqual(
            response.json(),
            {
                "id": order.pk,
                "customer_user": self.customer.user.pk,
                "business_user": self.business.user.pk,
                "offer_detail": self.package.pk,
                "title": "Standard Design",
                "revisions": 5,
                "delivery_time_in_days": 10,
                "price": 599.99,
                "features": ["Logo Design", "Business Card"],
                "offer_type": "standard",
                "status": "in_progress",
                "created_at": iso(order.created_at),
                "updated_at": iso(order.updated_at),
            },
        )

    def test_the_stored_order_is_a_snapshot_of_the_package_at_that_moment(self):
        self.order({"offer_detail_id": self.package.pk})

        order = Order.objects.get()
        self.assertEqual(order.customer_user, self.customer.user)
        self.assertEqual(order.business_user, self.business.user)
        self.assertEqual(order.offer_detail, self.package)
        self.assertEqual(order.status, Order.Status.IN_PROGRESS)
        for field in SNAPSHOT_FIELDS:
            with self.subTest(field=field):
                self.assertEqual(getattr(order, field), getattr(self.package, field))

    def test_each_package_type_can_be_ordered(self):
        for offer_type in ("basic", "standard", "premium"):
            with self.subTest(offer_type=offer_type):
                package = package_of(self.offer, offer_type)
                response = self.order({"offer_detail_id": package.pk})
                self.assertStatus(response, 201)
                self.assertEqual(response.json()["offer_type"], offer_type)
                self.assertEqual(response.json()["revisions"], package.revisions)

    def test_ids_sent_as_strings_are_accepted(self):
        response = self.order({"offer_detail_id": str(self.package.pk), "business_user_id": str(self.business.user.pk)})

        self.assertStatus(response, 201)
        self.assertEqual(response.json()["offer_detail"], self.package.pk)

    def test_the_matching_business_user_id_of_the_written_spec_is_accepted(self):
        response = self.order({"offer_detail_id": self.package.pk, "business_user_id": self.business.user.pk})

        self.assertStatus(response, 201)
        self.assertEqual(response.json()["business_user"], self.business.user.pk)

    def test_a_null_business_user_id_counts_as_absent(self):
        response = self.order({"offer_detail_id": self.package.pk, "business_user_id": None})

        self.assertStatus(response, 201)
        self.assertEqual(response.json()["business_user"], self.business.user.pk)

    def test_server_owned_fields_in_the_body_are_ignored(self):
        other_customer = self.make_user("customer")
        other_business = self.make_user("business")
        other_package = package_of(make_offer(other_business), "premium")

        response = self.order(
            {
                "offer_detail_id": self.package.pk,
                "offer_detail": other_package.pk,
                "customer_user": other_customer.pk,
                "business_user": other_business.pk,
                "status": "completed",
                "title": "Free",
                "revisions": 99,
                "delivery_time_in_days": 1,
                "price": 1,
                "features": [],
                "offer_type": "premium",
                "id": 999,
            }
        )

        self.assertStatus(response, 201)
        self.assertEqual(response.json(), order_body(Order.objects.get()))
        order = Order.objects.get()
        self.assertNotEqual(order.pk, 999)
        self.assertEqual(
            (order.customer_user, order.business_user, order.offer_detail, order.status),
            (self.customer.user, self.business.user, self.package, Order.Status.IN_PROGRESS),
        )
        self.assertEqual((order.title, order.price, order.revisions), ("Standard Design", Decimal("599.99"), 5))

    # --- refusals ---------------------------------------------------------------------------------------

    def test_business_user_cannot_order(self):
        response = self.order({"offer_detail_id": self.package.pk}, client=self.make_business())

        self.assertStatus(response, 403)
        self.assertEqual(response.json(), {"detail": ONLY_CUSTOMERS})
        self.assertNoOrderStored()

    def test_the_package_owner_cannot_order_its_own_package(self):
        self.assertRefused(self.business, 403)

    def test_staff_without_a_type_cannot_order(self):
        self.assertRefused(self.make_staff(), 403)

    def test_anonymous_is_refused_with_401(self):
        self.assertRefused(self.anonymous(), 401)

    def test_a_stale_token_is_refused_with_401(self):
        self.assertRefused(self.stale_token_client(), 401)

    def test_an_unknown_package_answers_404(self):
        for package_id in (self.package.pk + 1000, 0, -1, str(self.package.pk + 1000), 2**70):
            with self.subTest(package_id=package_id):
                response = self.order({"offer_detail_id": package_id})
                self.assertStatus(response, 404)
                self.assertEqual(response.json(), {"detail": PACKAGE_NOT_FOUND})
        self.assertNoOrderStored()

    def test_a_missing_package_id_is_a_400_naming_offer_detail_id(self):
        for body in ({}, {"offer_detail_id": None}, {"business_user_id": self.business.user.pk}):
            with self.subTest(body=body):
                response = self.order(body)
                self.assertFieldError(response, "offer_detail_id")
                self.assertEqual(response.json()["offer_detail_id"], [PACKAGE_REQUIRED])
        self.assertNoOrderStored()

    def test_a_malformed_package_id_is_a_400_naming_offer_detail_id(self):
        for value in ("abc", "", "1.5", 1.5, True, [self.package.pk], {"id": self.package.pk}):
            with self.subTest(value=value):
                response = self.order({"offer_detail_id": value})
                self.assertFieldError(response, "offer_detail_id")
                self.assertEqual(response.json()["offer_detail_id"], [PACKAGE_ID_INVALID])
        self.assertNoOrderStored()

    def test_a_malformed_business_user_id_is_a_400_naming_business_user_id(self):
        for value in ("abc", "", [1]):
            with self.subTest(value=value):
                response = self.order({"offer_detail_id": self.package.pk, "business_user_id": value})
                self.assertEqual(response.json(), {"business_user_id": [BUSINESS_USER_ID_INVALID]})
        self.assertNoOrderStored()

    def test_a_business_user_id_other_than_the_package_owner_is_a_400(self):
        other_business = self.make_user("business")
        for value in (other_business.pk, self.customer.user.pk, str(other_business.pk), 10**6):
            with self.subTest(value=value):
                response = self.order({"offer_detail_id": self.package.pk, "business_user_id": value})
                self.assertStatus(response, 400)
                self.assertEqual(response.json(), {"business_user_id": [BUSINESS_USER_MISMATCH]})
        self.assertNoOrderStored()

    def test_a_body_that_is_not_an_object_is_a_400(self):
        response = self.customer.post(URL, [self.package.pk], format="json")

        self.assertFieldError(response, "non_field_errors")
        self.assertNoOrderStored()

    def test_a_package_deleted_while_ordering_answers_404(self):
        def delete_offer_first(**kwargs):
            self.offer.delete()
            return order_create(**kwargs)

        with mock.patch("order_app.api.views.order_create", side_effect=delete_offer_first):
            response = self.order({"offer_detail_id": self.package.pk})

        self.assertStatus(response, 404)
        self.assertEqual(response.json(), {"detail": PACKAGE_NOT_FOUND})
        self.assertNoOrderStored()

    # --- the snapshot outlives the offer ----------------------------------------------------------------

    def test_editing_the_package_afterwards_does_not_change_the_order(self):
        order_id = self.order({"offer_detail_id": self.package.pk}).json()["id"]
        self.package.title = "Standard Design v2"
        self.package.price = Decimal("899.00")
        self.package.revisions = 1
        self.package.features = ["Everything new"]
        self.package.save()

        response = self.customer.get(f"{URL}{order_id}/")

        self.assertStatus(response, 200)
        body = response.json()
        self.assertEqual(body["offer_detail"], self.package.pk)
        self.assertEqual(
            (body["title"], body["price"], body["revisions"], body["features"]),
            ("Standard Design", 599.99, 5, ["Logo Design", "Business Card"]),
        )

    def test_deleting_the_offer_keeps_the_order_with_offer_detail_null(self):
        created = self.order({"offer_detail_id": self.package.pk}).json()
        self.offer.delete()

        order = Order.objects.get(pk=created["id"])
        self.assertIsNone(order.offer_detail_id)
        expected = {**created, "offer_detail": None}
        for client in (self.customer, self.business):
            with self.subTest(user=client.user.username):
                listed = client.get(URL)
                self.assertStatus(listed, 200)
                self.assertEqual(listed.json(), [expected])
                self.assertEqual(client.get(f"{URL}{order.pk}/").json(), expected)
