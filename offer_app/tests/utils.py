"""Builders and expected bodies shared by the offer tests."""

from copy import deepcopy
from decimal import Decimal

from core.testing import PACKAGES, PartiesTestCase, iso, make_offer
from offer_app.models import Offer, OfferDetail


class OfferOwnerTestCase(PartiesTestCase):
    """A business user, `owner`, and an offer of theirs with the three PACKAGES, `offer`, made once per class."""

    PARTIES = {"owner": "business"}

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.offer = make_offer(cls.owner_user)


def package_payload(kind, **changes):
    """One package of type `kind` as the frontend sends it (JSON numbers); `changes` may change any key."""
    package = {**deepcopy(PACKAGES[kind]), **changes}
    if isinstance(package.get("price"), Decimal):
        package["price"] = float(package["price"])
    return package


def offer_payload(**changes):
    """A valid create body with the three packages."""
    body = {
        "title": "Website Design",
        "description": "Modern, responsive websites.",
        "image": None,
        "details": [package_payload(offer_type) for offer_type in PACKAGES],
    }
    body.update(changes)
    return body


def image_url(offer):
    return f"http://testserver{offer.image.url}" if offer.image else None


def detail_body(package):
    """The exact JSON of GET /api/offerdetails/{id}/."""
    return {
        "id": package.pk,
        "title": package.title,
        "revisions": package.revisions,
        "delivery_time_in_days": package.delivery_time_in_days,
        "price": float(package.price),
        "features": package.features,
        "offer_type": package.offer_type,
    }


def offer_body(offer):
    """The exact JSON of an offer in the list and at GET /api/offers/{id}/, read back from the database."""
    offer = Offer.objects.select_related("user").get(pk=offer.pk)
    return {
        "id": offer.pk,
        "user": offer.user_id,
        "title": offer.title,
        "image": image_url(offer),
        "description": offer.description,
        "created_at": iso(offer.created_at),
        "updated_at": iso(offer.updated_at),
        "details": [
            {"id": package.pk, "url": f"http://testserver/api/offerdetails/{package.pk}/"}
            for package in offer.details.all()
        ],
        "min_price": float(offer.min_price) if offer.min_price is not None else None,
        "min_delivery_time": offer.min_delivery_time,
        "user_details": {
            "first_name": offer.user.first_name,
            "last_name": offer.user.last_name,
            "username": offer.user.username,
        },
    }


def written_body(offer):
    """The exact JSON that a create or an edit answers, read back from the database."""
    offer = Offer.objects.get(pk=offer.pk)
    return {
        "id": offer.pk,
        "title": offer.title,
        "image": image_url(offer),
        "description": offer.description,
        "details": [detail_body(package) for package in offer.details.all()],
    }


def package_rows(offer):
    """The offer's packages as plain values, to prove that nothing changed."""
    return list(OfferDetail.objects.filter(offer=offer).order_by("id").values())
