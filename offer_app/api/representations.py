"""The offer list's and detail's JSON, built from values() rows (see general_app.representation).

`OfferSerializer` stays the definition; general_app/tests/test_representation.py checks that both produce
the same JSON.
"""

import functools

from django.urls import reverse

from general_app.prepared import PreparedQuery
from general_app.representation import media_url
from offer_app.api.filters import DEFAULT_ORDERING
from offer_app.api.serializers import OfferDetailSerializer
from offer_app.models import PACKAGE_TYPES, Offer, OfferDetail

OFFER_COLUMNS = ("id", "user", "title", "image", "description", "created_at", "updated_at")
CREATOR_COLUMNS = {"first_name": "user__first_name", "last_name": "user__last_name", "username": "user__username"}


def offers_for_display(offers=None):
    """Offers as the list and the detail show them: one row each, the creator's names joined."""
    if offers is None:
        offers = Offer.objects.order_by(*DEFAULT_ORDERING)
    return offers.values(*OFFER_COLUMNS, "min_price", "min_delivery_time", *CREATOR_COLUMNS.values())


# The unfiltered list's pages and the single offer: the hot reads, compiled once (general_app.prepared).
OFFER_BY_ID = PreparedQuery(lambda pk: offers_for_display(Offer.objects.filter(pk=pk)), int)
PACKAGE_BY_ID = PreparedQuery(
    lambda pk: OfferDetail.objects.filter(pk=pk).values(*OfferDetailSerializer.Meta.fields), int
)


@functools.lru_cache(maxsize=128)
def _offers_page(offset, limit):
    return PreparedQuery(lambda: offers_for_display()[offset : offset + limit])


@functools.cache  # one per page size: at most max_page_size of them
def _package_links_of(count):
    return PreparedQuery(
        lambda *ids: OfferDetail.objects.filter(offer_id__in=ids).order_by().values("offer_id", "id", "offer_type"),
        *[int] * count,
    )


class OfferListing:
    """What the list's paginator pages through: `count()` and slices of `offers_for_display()` rows.

    `offers` is the (filtered, ordered) Offer queryset. Counting it needs no join with the creators, and
    the unfiltered list, which the frontend asks for most, runs prepared statements.
    """

    def __init__(self, offers=None):
        self.offers = offers

    def count(self):
        return (Offer.objects if self.offers is None else self.offers).count()

    def __getitem__(self, page):
        if page.stop <= page.start:
            return []
        if self.offers is None:
            return _offers_page(page.start, page.stop - page.start).rows()
        return list(offers_for_display(self.offers)[page])


def package_url_prefix(request):
    """The absolute URL of GET /api/offerdetails/{id}/ without the id: built once per request, not per package."""
    return request.build_absolute_uri(reverse("offerdetail-detail", kwargs={"pk": 0})).removesuffix("0/")


def package_links(offer_ids, request):
    """{offer id: [{id, url}, ...]} with each offer's packages in the order basic, standard, premium.

    Sorted here rather than by the database: three rows per offer, and the ORDER BY CASE costs more.
    """
    prefix = package_url_prefix(request)
    links = {offer_id: [] for offer_id in offer_ids}
    if not links:
        return links
    rows = _package_links_of(len(links)).rows(*links)
    for row in sorted(rows, key=lambda row: (row["offer_id"], PACKAGE_TYPES.index(row["offer_type"]))):
        links[row["offer_id"]].append({"id": row["id"], "url": f"{prefix}{row['id']}/"})
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
