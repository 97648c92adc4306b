"""Profiles read fast: ProfileSerializer's and ProfileListSerializer's shapes (core.api.representation)."""

import functools

from core.api.representation import ReadShape
from core.db.prepared import PreparedQuery
from profile_app.api.serializers import ProfileListSerializer, ProfileSerializer
from profile_app.models import Profile

PROFILE_SHAPE = ReadShape(ProfileSerializer)
PROFILE_LIST_SHAPE = ReadShape(ProfileListSerializer)

# The two hot reads, compiled once (core.db.prepared).
PROFILE_OF_USER = PreparedQuery(lambda user_id: PROFILE_SHAPE.values(Profile.objects.filter(user_id=user_id)), int)


@functools.cache
def profiles_of_type(user_type):
    """The list of one user type's profiles, ordered by user id."""
    return PreparedQuery(
        lambda: PROFILE_LIST_SHAPE.values(Profile.objects.filter(user__type=user_type).order_by("user_id"))
    )
