"""The order tests' package terms (which they assert), and the exact JSON of an order."""

from decimal import Decimal

from core import testing
from core.testing import CoderrTestCase, CustomerAndBusinessTestCase, iso, make_order, package_of

PACKAGES = {
    "basic": {
        "title": "Basic Design",
        "revisions": 2,
        "delivery_time_in_days": 7,
        "price": Decimal("100.00"),
        "features": ["Logo Design"],
    },
    "standard": {
        "title": "Standard Design",
        "revisions": 5,
        "delivery_time_in_days": 10,
        "price": Decimal("599.99"),
        "features": ["Logo Design", "Business Card"],
    },
    "premium": {
        "title": "Premium Design",
        "revisions": -1,
        "delivery_time_in_days": 14,
        "price": Decimal("1500.00"),
        "features": ["Logo Design", "Business Card", "Letterhead"],
    },
}


def make_offer(owner, *, packages=None, **fields):
    """The shared offer builder with this suite's package terms (PACKAGES), which the order tests assert."""
    terms = {offer_type: {**values, **(packages or {}).get(offer_type, {})} for offer_type, values in PACKAGES.items()}
    return testing.make_offer(owner, packages=terms, **fields)


def order_body(order):
    """The JSON the API answers for `order`, read from the database row."""
    return {
        "id": order.pk,
        "customer_user": order.customer_user_id,
        "business_user": order.business_user_id,
        "offer_detail": order.offer_detail_id,
        "title": order.title,
        "revisions": order.revisions,
        "delivery_time_in_days": order.delivery_time_in_days,
        "price": float(order.price),
        "features": order.features,
        "offer_type": order.offer_type,
        "status": order.status,
        "created_at": iso(order.created_at),
        "updated_at": iso(order.updated_at),
    }


class OrderTestCase(CustomerAndBusinessTestCase):
    """One order of the customer for the business user's standard package (made once per class), at `self.url`."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.order = make_order(cls.customer_user, package_of(make_offer(cls.business_user)))
        cls.url = f"/api/orders/{cls.order.pk}/"


class OfferTestCase(CoderrTestCase):
    """For model and service tests (users, no clients): `customer`, `business` and an offer of the business user
    with this suite's PACKAGES, `offer`, made once per class."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.customer = cls.make_user("customer")
        cls.business = cls.make_user("business")
        cls.offer = make_offer(cls.business)
