"""Query parameters of the offer list. Empty values mean "no filter"; malformed ones answer 400."""

import re
from decimal import Decimal

from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from core.db.ids import ID_MAX, ID_MIN
from core.db.prepared import Contains

CREATOR_ID_INVALID = _("creator_id must be a user id (a whole number).")
MAX_DELIVERY_TIME_INVALID = _("max_delivery_time must be a whole number of days.")
MIN_PRICE_INVALID = _("min_price must be a number, e.g. 49.99.")
MAX_PRICE_INVALID = _("max_price must be a number, e.g. 49.99.")
ORDERING_INVALID = _(
    "ordering must be one of: created_at, -created_at, updated_at, -updated_at, min_price, -min_price."
)
SEARCH_TOO_MANY_TERMS = _("search can have at most {limit} terms.")
# Each term is two LIKE comparisons; SQLite refuses statements nested deeper than 1,000 levels.
MAX_SEARCH_TERMS = 20

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
_INT64 = {"min_value": ID_MIN, "max_value": ID_MAX}
# A "quoted phrase" (an unclosed quote runs to the end), or a run of non-blank characters.
_SEARCH_TERM = re.compile(r'"([^"]*)"?|(\S+)')


def _all_errors(message):
    return dict.fromkeys(("invalid", "min_value", "max_value", "max_digits"), message)


class PriceFilter(filters.NumberFilter):
    """A decimal filter whose size is bounded by its number of digits alone (one error, not two)."""

    prepared_type = Decimal

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 40)
        super().__init__(*args, **kwargs)

    def get_max_validator(self):
        return None


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(filters.NumberFilter):
    """A whole-number filter (NumberFilter accepts decimals)."""

    field_class = forms.IntegerField
    prepared_type = int

    def get_max_validator(self):
        return None


def search_terms(text):
    """The terms of a search: whitespace-separated words, a "quoted phrase" as one term, each once."""
    found = (match.group(1) if match.group(1) is not None else match.group(2) for match in _SEARCH_TERM.finditer(text))
    return tuple(dict.fromkeys(term.strip() for term in found if term.strip()))


class SearchTermsField(forms.CharField):
    """The search text as its terms (a tuple); more than MAX_SEARCH_TERMS is an error."""

    def clean(self, value):
        text = super().clean(value)
        if not text:
            return text
        terms = search_terms(text)
        if len(terms) > MAX_SEARCH_TERMS:
            raise forms.ValidationError(SEARCH_TOO_MANY_TERMS.format(limit=MAX_SEARCH_TERMS), code="too_many")
        return terms


class SearchFilter(filters.CharFilter):
    """Every term must occur, in any case, in the title or the description."""

    field_class = SearchTermsField
    prepared_type = Contains


class OfferFilter(filters.FilterSet):
    creator_id = IntegerFilter(
        field_name="user_id",
        help_text="Only offers of this user id.",
        error_messages=_all_errors(CREATOR_ID_INVALID),
        **_INT64,
    )
    search = SearchFilter(
        method="filter_search",
        help_text='Every whitespace-separated term, or "quoted phrase", must occur in the title or the '
        f"description, in any case (at most {MAX_SEARCH_TERMS} terms).",
    )
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

    def filter_search(self, queryset, name, terms):
        for term in terms:
            queryset = queryset.filter(Q(title__icontains=term) | Q(description__icontains=term))
        return queryset

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])
