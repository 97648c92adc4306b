"""Profiles read with values() (see core.api.representation); ProfileSerializer stays the definition."""

import functools

from core.api.representation import media_url
from core.db.prepared import PreparedQuery
from profile_app.api.serializers import ProfileListSerializer, ProfileSerializer
from profile_app.models import Profile

# The flat shape's fields that live on the user.
USER_COLUMNS = {
    "username": "user__username",
    "first_name": "user__first_name",
    "last_name": "user__last_name",
    "email": "user__email",
    "type": "user__type",
}


def _columns(fields):
    return {field: USER_COLUMNS.get(field, field) for field in fields}


def profile_values(profiles, fields):
    """`profiles` (a Profile queryset) as values() rows with the columns of the given fields of the flat shape."""
    return profiles.values(*_columns(fields).values())


def profile_rows(rows, request, fields):
    """Rows of `profile_values()` with the given fields, as ProfileSerializer shows them."""
    columns = _columns(fields)
    return [
        {
            field: media_url(request, row[column]) if field == "file" else row[column]
            for field, column in columns.items()
        }
        for row in rows
    ]


# The two hot reads, compiled once (core.db.prepared).
PROFILE_OF_USER = PreparedQuery(
    lambda user_id: profile_values(Profile.objects.filter(user_id=user_id), ProfileSerializer.Meta.fields), int
)


@functools.cache
def profiles_of_type(user_type):
    """The list of one user type's profiles, ordered by user id."""
    return PreparedQuery(
        lambda: profile_values(
            Profile.objects.filter(user__type=user_type).order_by("user_id"), ProfileListSerializer.Meta.fields
        )
    )
