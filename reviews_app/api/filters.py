"""Query parameters of the review list."""

from django import forms
from django_filters import rest_framework as filters
from django_filters.constants import EMPTY_VALUES

from reviews_app.models import Review


class IdFilter(filters.Filter):
    """An exact match on a whole number; anything else is a 400 naming the parameter."""

    field_class = forms.IntegerField
    prepared_type = int


class StableOrderingFilter(filters.OrderingFilter):
    """The requested ordering, then newest id first, so equal values always come back in the same order."""

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        ordering = [self.get_ordering_value(param) for param in value if param not in EMPTY_VALUES]
        return qs.order_by(*ordering, "-id")


class ReviewFilter(filters.FilterSet):
    # `user__id`, not `user_id`: Django turns an id beyond the column's range into "no match" only on the
    # target's own field; on the foreign-key column it would raise OverflowError (a 500) on SQLite.
    business_user_id = IdFilter(field_name="business_user__id", help_text="Only reviews of this business user.")
    reviewer_id = IdFilter(field_name="reviewer__id", help_text="Only reviews written by this user.")
    ordering = StableOrderingFilter(
        fields=("updated_at", "rating"),
        help_text="Sort key, `-` for descending. Default `-updated_at`; ties are broken by newest id.",
    )

    class Meta:
        model = Review
        fields = ["business_user_id", "reviewer_id"]
