"""Helpers shared by the profile tests."""

from pathlib import Path

from django.conf import settings


def media_path(name):
    return Path(settings.MEDIA_ROOT) / name
