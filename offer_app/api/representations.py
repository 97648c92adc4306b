"""The offer list's and detail's JSON, built from values() rows (see general_app.representation).

`OfferSerializer` stays the definition; general_app/tests/test_representation.py checks that both produce
the same JSON.
"""

import functools

from django.urls import reverse

from general_app.representation import media_url
from offer_app.api.filters import DEFAULT_ORDERING
from offer_app.api.serializers import OfferDetailSerializer
from offer_app.models import PACKAGE_TYPES, Offer, OfferDetail

OFFER_COLUMNS = ("id", "user", "title", "image", "description", "created_at", "updated_at")
CREATOR_COLUMNS = {"first_name": "user__first_name", "last_name": "user__last_name", "username": "user__username"}


@functools.cache
def _prepared_offers():
    # Resolving values() costs more than the query it builds runs; done once per process, cloned per use.
    return Offer.objects.order_by(*DEFAULT_ORDERING).values(
        *OFFER_COLUMNS, "min_price", "min_delivery_time", *CREATOR_COLUMNS.values()
    )


def offers_for_display():
    """Offers as the list and the detail show them: one row each, the creator's names joined."""
    return _prepared_offers().all()


@functools.cache
def _prepared_packages():
    # Every field of OfferDetailSerializer is a column, so values() gives its output.
    return OfferDetail.objects.values(*OfferDetailSerializer.Meta.fields)


def packages_for_display():
    """Packages as GET /api/offerdetails/{id}/ shows them (OfferDetailSerializer's fields are all columns)."""
    return _prepared_packages().all()


def package_url_prefix(request):
    """The absolute URL of GET /api/offerdetails/{id}/ without the id: built once per request, not per package."""
    return request.build_absolute_uri(reverse("offerdetail-detail", kwargs={"pk": 0})).removesuffix("0/")


def package_links(offer_ids, request):
    """{offer id: [{id, url}, ...]} with each offer's packages in the order basic, standard, premium.

    Sorted here rather than by the database: three rows per offer, and the ORDER BY CASE costs more.
    """
    prefix = package_url_prefix(request)
    rows = OfferDetail.objects.filter(offer_id__in=offer_ids).order_by().values_list("offer_id", "id", "offer_type")
    links = {offer_id: [] for offer_id in offer_ids}
    for offer_id, package_id, _type in sorted(rows, key=lambda row: (row[0], PACKAGE_TYPES.index(row[2]))):
        links[offer_id].append({"id": package_id, "url": f"{prefix}{package_id}/"})
    return links


def offer_representations(rows, request):
    """Rows of `offers_for_display()` as OfferSerializer shows them."""
    rows = list(rows)
    links = package_links([row["id"] for row in rows], request)
    return [
        {
            **{column: row[column] for column in OFFER_COLUMNS},
            "image": media_url(request, row["image"]),
            "details": links[row["id"]],
            "min_price": row["min_price"],
            "min_delivery_time": row["min_delivery_time"],
            "user_details": {key: row[column] for key, column in CREATOR_COLUMNS.items()},
        }
        for row in rows
    ]
