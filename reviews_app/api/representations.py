"""The review list read by prepared statements (core.db.prepared) for the parameters the frontend sends.

`ReviewFilter` stays the definition of the list's parameters: anything this module does not read exactly
(a malformed or huge id, several sort keys) goes through it, and reviews_app/tests check that both agree.
"""

import functools
import re

from core.db.prepared import PreparedQuery
from reviews_app.api.serializers import ReviewSerializer
from reviews_app.models import Review

# Plain ids only; anything else (signs, spaces, 19+ digits) is for the filter set to accept or reject.
_PLAIN_ID = re.compile(r"[0-9]{1,18}")
ID_FILTERS = ("business_user_id", "reviewer_id")
# ReviewFilter's orderings of one key, each with the newest id as the tie-breaker; "" is the default.
ORDERINGS = {
    "": ("-updated_at", "-id"),
    "updated_at": ("updated_at", "-id"),
    "-updated_at": ("-updated_at", "-id"),
    "rating": ("rating", "-id"),
    "-rating": ("-rating", "-id"),
}


@functools.cache  # one per combination of filters and ordering: 4 x 5 of them
def _review_list(filters, ordering):
    return PreparedQuery(
        lambda *ids: (
            Review.objects.filter(**dict(zip(filters, ids, strict=True)))
            .order_by(*ORDERINGS[ordering])
            .values(*ReviewSerializer.Meta.fields)
        ),
        *[int] * len(filters),
    )


def prepared_review_rows(params):
    """The list for these query parameters as ReviewSerializer shows it, or None when the filter set must decide."""
    filters, ids = [], []
    for name in ID_FILTERS:
        value = params.get(name, "")
        if value:
            if not _PLAIN_ID.fullmatch(value):
                return None
            filters.append(name)
            ids.append(int(value))
    ordering = params.get("ordering", "")
    if ordering not in ORDERINGS:
        return None
    return _review_list(tuple(filters), ordering).rows(*ids)
