"""Test builders: an offer with its three packages (through the ORM), orders of them, API timestamps.

`make_offer` is meant to move into the shared test base (general_app.testing) once the offers API lands.
"""

from copy import deepcopy
from decimal import Decimal

from offer_app.models import Offer, OfferDetail
from order_app.models import Order
from order_app.services import order_create

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


def make_offer(owner, *, title="Website Design", description="Modern, responsive websites.", packages=None):
    """An offer of `owner` with a basic, standard and premium package (PACKAGES, updated per type by `packages`).

    `packages={"standard": {"price": Decimal("5.00")}}` changes single values; the stored minima are
    refreshed as the offers API would.
    """
    offer = Offer.objects.create(user=owner, title=title, description=description)
    terms = deepcopy(PACKAGES)
    for offer_type, changes in (packages or {}).items():
        terms[offer_type].update(changes)
    OfferDetail.objects.bulk_create(
        OfferDetail(offer=offer, offer_type=offer_type, **values) for offer_type, values in terms.items()
    )
    offer.refresh_aggregates()
    return offer


def package_of(offer, offer_type="standard"):
    return offer.details.get(offer_type=offer_type)


def make_order(customer, offer_detail, *, status=Order.Status.IN_PROGRESS, created_at=None):
    """An order made through `order_create`, then moved to `status` (and `created_at`, to fix the order)."""
    order = order_create(customer=customer, offer_detail=offer_detail)
    changes = {"status": status}
    if created_at is not None:
        changes["created_at"] = created_at
    Order.objects.filter(pk=order.pk).update(**changes)
    return Order.objects.get(pk=order.pk)


def make_orders(customer, offer_detail, *statuses):
    """One order of `offer_detail` by `customer` per given status."""
    return [make_order(customer, offer_detail, status=status) for status in statuses]


def api_datetime(value):
    """A datetime as the API writes it: ISO-8601, UTC as `Z`."""
    return value.isoformat().replace("+00:00", "Z")


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
        "created_at": api_datetime(order.created_at),
        "updated_at": api_datetime(order.updated_at),
    }
