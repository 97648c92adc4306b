"""Profiles read with values() (see general_app.representation); ProfileSerializer stays the definition."""

from general_app.representation import media_url

# The flat shape's fields that live on the user.
USER_COLUMNS = {
    "username": "user__username",
    "first_name": "user__first_name",
    "last_name": "user__last_name",
    "email": "user__email",
    "type": "user__type",
}


def profile_rows(profiles, request, fields):
    """`profiles` (a Profile queryset) with the given fields of the flat shape, as ProfileSerializer shows them."""
    columns = {field: USER_COLUMNS.get(field, field) for field in fields}
    rows = profiles.values(*columns.values())
    return [
        {
            field: media_url(request, row[column]) if field == "file" else row[column]
            for field, column in columns.items()
        }
        for row in rows
    ]
