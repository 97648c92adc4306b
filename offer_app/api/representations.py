"""The offer list's and detail's JSON, built from values() rows (see core.api.representation).

`OfferSerializer` stays the definition; core/tests/test_representation.py checks that both produce
the same JSON.
"""

import functools
import re
from decimal import Decimal

from django.db.models import Q
from django.urls import reverse

from core.api.representation import media_url
from core.db.prepared import Contains, PreparedCount, PreparedQuery
from offer_app.api.filters import DEFAULT_ORDERING, ORDERINGS
from offer_app.api.serializers import OfferDetailSerializer
from offer_app.models import PACKAGE_TYPES, Offer, OfferDetail

OFFER_COLUMNS = ("id", "user", "title", "image", "description", "created_at", "updated_at")
CREATOR_COLUMNS = {"first_name": "user__first_name", "last_name": "user__last_name", "username": "user__username"}


def offers_for_display(offers=None):
    """Offers as the list and the detail show them: one row each, the creator's names joined."""
    if offers is None:
        offers = Offer.objects.order_by(*DEFAULT_ORDERING)
    return offers.values(*OFFER_COLUMNS, "min_price", "min_delivery_time", *CREATOR_COLUMNS.values())


# The unfiltered list's pages and the single offer: the hot reads, compiled once (core.db.prepared).
OFFER_BY_ID = PreparedQuery(lambda pk: offers_for_display(Offer.objects.filter(pk=pk)), int)
PACKAGE_BY_ID = PreparedQuery(
    lambda pk: OfferDetail.objects.filter(pk=pk).values(*OfferDetailSerializer.Meta.fields), int
)


# The list's filters as prepared statements take them: parameter -> (lookup, parameter type, accepted text).
# Only plain values are read here (ids and day counts that fit the columns, prices with at most two
# decimals); anything else, valid or not, goes through OfferFilter, which stays the definition.
PREPARED_FILTERS = {
    "creator_id": ("user_id", int, re.compile(r"[0-9]{1,18}")),
    "min_price": ("min_price__gte", Decimal, re.compile(r"[0-9]{1,8}(\.[0-9]{1,2})?")),
    "max_price": ("min_price__lte", Decimal, re.compile(r"[0-9]{1,8}(\.[0-9]{1,2})?")),
    "max_delivery_time": ("min_delivery_time__lte", int, re.compile(r"[0-9]{1,9}")),
}
TYPES = {"search": Contains} | {name: kind for name, (_lookup, kind, _text) in PREPARED_FILTERS.items()}


def prepared_filters(params):
    """The list's query parameters as (filter names, arguments, ordering) for prepared statements, or None.

    None means OfferFilter must read them. Empty parameters mean no filter, as there.
    """
    names, args = [], []
    search = params.get("search", "").strip()  # the filter's form field strips too
    if search:
        if "\x00" in search:  # the form refuses it (400)
            return None
        names.append("search")
        args.append(search)
    for name, (_lookup, kind, text) in PREPARED_FILTERS.items():
        value = params.get(name, "")
        if value:
            if not text.fullmatch(value):
                return None
            names.append(name)
            args.append(kind(value))
    ordering = params.get("ordering", "") or "-updated_at"
    if ordering not in ORDERINGS:
        return None
    return tuple(names), args, ordering


def _filtered(names, args, ordering):
    offers = Offer.objects.order_by(*ORDERINGS[ordering])
    for name, arg in zip(names, args, strict=True):
        if name == "search":
            offers = offers.filter(Q(title__icontains=arg) | Q(description__icontains=arg))
        else:
            offers = offers.filter(**{PREPARED_FILTERS[name][0]: arg})
    return offers


@functools.lru_cache(maxsize=256)
def _count(names):
    return PreparedCount(lambda *args: _filtered(names, args, "-updated_at").order_by().values("pk"), *_types(names))


@functools.lru_cache(maxsize=256)
def _page(names, ordering, offset, limit):
    return PreparedQuery(
        lambda *args: offers_for_display(_filtered(names, args, ordering))[offset : offset + limit], *_types(names)
    )


def _types(names):
    return [TYPES[name] for name in names]


@functools.cache  # one per page size: at most max_page_size of them
def _package_links_of(count):
    return PreparedQuery(
        lambda *ids: OfferDetail.objects.filter(offer_id__in=ids).order_by().values("offer_id", "id", "offer_type"),
        *[int] * count,
    )


class OfferListing:
    """What the list's paginator pages through: `count()` and slices of `offers_for_display()` rows.

    Either prepared statements for `prepared_filters()`'s (names, args, ordering), or the Offer queryset
    OfferFilter filtered and ordered. Counting needs no join with the creators either way.
    """

    def __init__(self, prepared=None, *, offers=None):
        self.prepared = prepared
        self.offers = offers

    def count(self):
        if self.offers is not None:
            return self.offers.count()
        names, args, _ordering = self.prepared
        return _count(names).count(*args)

    def __getitem__(self, page):
        if page.stop <= page.start:
            return []
        if self.offers is not None:
            return list(offers_for_display(self.offers)[page])
        names, args, ordering = self.prepared
        return _page(names, ordering, page.start, page.stop - page.start).rows(*args)


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
