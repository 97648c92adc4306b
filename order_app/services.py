"""Order writes: an order is made from a package and keeps a copy of its terms."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from core.db.ids import lookup_id
from core.db.prepared import PreparedQuery
from core.errors import DomainError
from offer_app.models import OfferDetail
from order_app.models import Order

PACKAGE_NOT_FOUND = _("The package you want to order does not exist.")
BUSINESS_USER_MISMATCH = _("This package belongs to another business user.")

# The package terms an order copies, so later edits or deletion of the offer never change the order.
SNAPSHOT_FIELDS = ("title", "revisions", "delivery_time_in_days", "price", "features", "offer_type")


def package_snapshot(package):
    """The order fields copied from `package`."""
    snapshot = {name: getattr(package, name) for name in SNAPSHOT_FIELDS}
    snapshot["features"] = list(snapshot["features"])
    return snapshot


# The package's terms and owner, read under a row lock (PostgreSQL; SQLite's write lock covers the whole
# transaction). Prepared (core.db.prepared): this runs for every order.
LOCKED_PACKAGE = PreparedQuery(
    lambda pk: (
        OfferDetail.objects.select_for_update(of=("self",))
        .filter(pk=pk)
        .values("id", *SNAPSHOT_FIELDS, "offer__user_id")
    ),
    int,
)


class PackageNotFound(DomainError):
    """There is no package with the ordered id (a 404, as the written spec says)."""

    status = 404
    message = PACKAGE_NOT_FOUND


class WrongBusinessUser(DomainError):
    """The order named a business user who does not own the package."""

    field = "business_user_id"
    message = BUSINESS_USER_MISMATCH


@transaction.atomic
def order_create(*, customer, offer_detail, business_user_id=None):
    """Order `offer_detail` for `customer`; the business user and the package's terms come from the package.

    Only `offer_detail.pk` is used: the package row is read here under a row lock, so the snapshot is the
    package as committed at this moment and a concurrent deletion of its offer waits for this order instead
    of leaving it pointing at a row that no longer exists. Raises PackageNotFound when there is no
    such package, and WrongBusinessUser when `business_user_id` is given and is not the package's owner.
    """
    pk = lookup_id(offer_detail.pk)
    package = LOCKED_PACKAGE.first(pk) if pk is not None else None
    if package is None:
        raise PackageNotFound
    owner_id = package.pop("offer__user_id")
    if business_user_id is not None and business_user_id != owner_id:
        raise WrongBusinessUser
    return Order.objects.create(
        customer_user=customer,
        business_user_id=owner_id,
        offer_detail_id=package.pop("id"),
        **package,
    )


@transaction.atomic
def order_status_update(*, order, status):
    """Move `order` to `status` (any direction: the business user corrects mistakes)."""
    order.status = status
    order.save()
    return order


@transaction.atomic
def order_delete(*, order):
    """Delete `order` (staff only: participants keep their history)."""
    order.delete()
