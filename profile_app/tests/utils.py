"""Helpers shared by the profile tests."""

from pathlib import Path

from django.conf import settings

from profile_app.models import Profile


def media_path(name):
    return Path(settings.MEDIA_ROOT) / name


def fill_profile(user, **fields):
    """Give a user's profile (and the user) the given field values, straight in the database."""
    user_fields = {name: fields.pop(name) for name in ("first_name", "last_name", "email") if name in fields}
    if user_fields:
        type(user).objects.filter(pk=user.pk).update(**user_fields)
    if fields:
        Profile.objects.filter(user=user).update(**fields)
    return Profile.objects.select_related("user").get(user=user)
