"""The offer list, the offer and the package read fast: shapes derived from their serializers (core.api.representation).

The only part of an offer's shape that is not a column is `details`, its package links: `package_links` is
that field's hook. The list's parameters are OfferFilter's, run as prepared statements (core.api.filtering).
"""

import functools

from django.urls import reverse

from core.api.filtering import PreparedList
from core.api.representation import ReadShape
from core.db.prepared import PreparedQuery
from offer_app.api.filters import DEFAULT_ORDERING, OfferFilter
from offer_app.api.serializers import OfferDetailSerializer, OfferSerializer
from offer_app.models import PACKAGE_TYPES, Offer, OfferDetail, OfferListVersion


def package_url_prefix(request):
    """The absolute URL of GET /api/offerdetails/{id}/ without the id: built once per request, not per package."""
    return request.build_absolute_uri(reverse("offerdetail-detail", kwargs={"pk": 0})).removesuffix("0/")


@functools.cache  # one per number of offers: at most the largest page size
def _package_links_of(count):
    return PreparedQuery(
        lambda *ids: OfferDetail.objects.filter(offer_id__in=ids).order_by().values("offer_id", "id", "offer_type"),
        *[int] * count,
    )


def package_links(rows, request):
    """The `details` of offer rows: [{id, url}, ...] each, in the order basic, standard, premium.

    Sorted here rather than by the database: three rows per offer, and the ORDER BY CASE costs more.
    """
    links = {row["id"]: [] for row in rows}
    if not links:
        return []
    prefix = package_url_prefix(request)
    packages = _package_links_of(len(links)).rows(*links)
    for package in sorted(packages, key=lambda row: (row["offer_id"], PACKAGE_TYPES.index(row["offer_type"]))):
        links[package["offer_id"]].append({"id": package["id"], "url": f"{prefix}{package['id']}/"})
    return [links[row["id"]] for row in rows]


OFFER_SHAPE = ReadShape(OfferSerializer, hooks={"details": package_links})
PACKAGE_SHAPE = ReadShape(OfferDetailSerializer)

OFFER_BY_ID = PreparedQuery(lambda pk: OFFER_SHAPE.values(Offer.objects.filter(pk=pk)), int)
PACKAGE_BY_ID = PreparedQuery(lambda pk: PACKAGE_SHAPE.values(OfferDetail.objects.filter(pk=pk)), int)

OFFER_LIST = PreparedList(OfferFilter, lambda: Offer.objects.order_by(*DEFAULT_ORDERING))


def _page(offers, offset, limit):
    return OFFER_SHAPE.values(offers)[offset : offset + limit]


class OfferListing:
    """What the list's paginator pages through: the count and slices of OFFER_SHAPE rows of a selection."""

    def __init__(self, selection):
        self.selection = selection

    def count(self):
        # Counting a large selection reads every matching row; the count is cached until the offers change.
        counted = tuple(entry for entry in self.selection.key if entry[0] != "ordering"), self.selection.args
        return OfferListVersion.cached(("count", counted), lambda: OFFER_LIST.count(self.selection))

    def __getitem__(self, page):
        if page.stop <= page.start:
            return []
        return OFFER_LIST.rows(self.selection, _page, page.start, page.stop - page.start)
