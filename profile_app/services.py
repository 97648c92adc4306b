"""Profile writes: one edit spans the user (names, email) and its profile."""

from django.db import transaction


@transaction.atomic
def profile_update(*, profile, user_fields, profile_fields):
    """Apply one profile edit to the user and the profile together; returns the profile.

    The user is written first, so an edit that fails on the email constraint never stores its new image.
    """
    user = profile.user
    if user_fields:
        for name, value in user_fields.items():
            setattr(user, name, value)
        user.save(update_fields=list(user_fields))
    if profile_fields:
        for name, value in profile_fields.items():
            setattr(profile, name, value)
        profile.save(update_fields=list(profile_fields))
    return profile
