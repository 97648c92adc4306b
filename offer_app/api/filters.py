"""Query parameters of the offer list. Empty values mean "no filter"; malformed ones answer 400."""

from django import forms
from django.db.models import F, Q
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

CREATOR_ID_INVALID = "creator_id must be a user id (a whole number)."
MAX_DELIVERY_TIME_INVALID = "max_delivery_time must be a whole number of days."
MIN_PRICE_INVALID = "min_price must be a number, e.g. 49.99."
MAX_PRICE_INVALID = "max_price must be a number, e.g. 49.99."
ORDERING_INVALID = "ordering must be one of: created_at, -created_at, updated_at, -updated_at, min_price, -min_price."

# Every ordering ends on the id, in the same direction, so offers with equal values keep a stable order
# across pages. Offers without packages (no min_price) count as the most expensive.
ORDERINGS = {
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
    "min_price": (F("min_price").asc(nulls_last=True), "id"),
    "-min_price": (F("min_price").desc(nulls_first=True), "-id"),
}
DEFAULT_ORDERING = ORDERINGS["-updated_at"]

# Ids and day counts beyond a 64-bit integer cannot match anything, and SQLite cannot even bind them.
_INT64 = {"min_value": -(2**63), "max_value": 2**63 - 1}


def _all_errors(message):
    return dict.fromkeys(("invalid", "min_value", "max_value", "max_digits"), message)


class PriceFilter(filters.NumberFilter):
    """A decimal filter whose size is bounded by its number of digits alone (one error, not two)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 40)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(filters.NumberFilter):
    """A whole-number filter (NumberFilter accepts decimals)."""

    field_class = forms.IntegerField

    def get_max_validator(self):
        return None


class OfferFilter(filters.FilterSet):
    creator_id = IntegerFilter(
        field_name="user_id",
        help_text="Only offers of this user id.",
        error_messages=_all_errors(CREATOR_ID_INVALID),
        **_INT64,
    )
    search = filters.CharFilter(method="filter_search", help_text="Text in the title or description, any case.")
    min_price = PriceFilter(
        field_name="min_price",
        lookup_expr="gte",
        help_text="Offers whose cheapest package costs at least this much.",
        error_messages=_all_errors(MIN_PRICE_INVALID),
    )
    max_price = PriceFilter(
        field_name="min_price",
        lookup_expr="lte",
        help_text="Offers whose cheapest package costs at most this much.",
        error_messages=_all_errors(MAX_PRICE_INVALID),
    )
    max_delivery_time = IntegerFilter(
        field_name="min_delivery_time",
        lookup_expr="lte",
        help_text="Offers with at least one package delivered within this many days.",
        error_messages=_all_errors(MAX_DELIVERY_TIME_INVALID),
        **_INT64,
    )
    ordering = filters.ChoiceFilter(
        choices=[(value, value) for value in ORDERINGS],
        method="order",
        help_text="Sort order (default -updated_at); ties are broken by id in the same direction.",
        error_messages={"invalid_choice": ORDERING_INVALID},
    )

    def filter_search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(description__icontains=value))

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])
