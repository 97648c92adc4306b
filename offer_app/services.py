"""Offer writes: an offer and its packages change together or not at all."""

from django.db import transaction

from offer_app.models import Offer, OfferDetail, refresh_offer_aggregates

PACKAGE_FIELDS = ("title", "revisions", "delivery_time_in_days", "price", "features")


@transaction.atomic
def offer_create(*, user, title, description, details, image=None):
    """Create the offer and its packages (dicts of OfferDetail fields) and store the packages' minima."""
    offer = Offer.objects.create(user=user, title=title, description=description, image=image)
    OfferDetail.objects.bulk_create(OfferDetail(offer=offer, **package) for package in details)
    refresh_offer_aggregates(Offer.objects.filter(pk=offer.pk))
    return offer


@transaction.atomic
def offer_update(*, offer, details=(), **fields):
    """Change the offer's own fields and, in place, its packages of the given types; bumps `updated_at`.

    `fields` are any of title, description and image; `details` are dicts with an `offer_type` that the
    offer already has, plus the package fields to change.
    """
    if not fields and not details:
        return offer
    for name, value in fields.items():
        setattr(offer, name, value)
    # Saving the offer first takes its row lock: a concurrent edit of the same offer waits here, so the
    # minima computed below always see the other edit's packages once it has committed.
    offer.save(update_fields=[*fields, "updated_at"])
    if details:
        _update_packages(offer, details)
    return offer


def _update_packages(offer, details):
    by_type = {package.offer_type: package for package in OfferDetail.objects.filter(offer=offer)}
    packages, changed = [], set()
    for data in details:
        package = by_type[data["offer_type"]]
        for name in PACKAGE_FIELDS:
            if name in data:
                setattr(package, name, data[name])
                changed.add(name)
        packages.append(package)
    if changed:
        OfferDetail.objects.bulk_update(packages, sorted(changed))
        refresh_offer_aggregates(Offer.objects.filter(pk=offer.pk))


@transaction.atomic
def offer_delete(*, offer):
    """Delete the offer and its packages; orders made from them keep their snapshot (offer_detail NULL).

    The package rows are locked first: `order_create` locks the package it copies, so an order being placed
    right now either commits before this (and is then set to NULL with the others) or sees the package gone.
    """
    list(OfferDetail.objects.select_for_update().filter(offer=offer).values_list("pk", flat=True))
    offer.delete()
