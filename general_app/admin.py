"""Admin for API tokens, and the image check every admin form with an upload shares."""

from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import UploadedFile
from rest_framework import serializers

# Imported first so that DRF's TokenAdmin is registered before it is replaced below.
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from general_app.images import sanitize_image


def clean_uploaded_image(value):
    """Send a new admin upload through the API's image pipeline (verified, re-encoded, renamed).

    Anything else (the current image kept, or False for "clear") passes through unchanged.
    """
    if not isinstance(value, UploadedFile):
        return value
    try:
        return sanitize_image(value)
    except serializers.ValidationError as exc:
        raise forms.ValidationError([str(message) for message in exc.detail]) from exc


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class CoderrTokenAdmin(TokenAdmin):
    list_display = ("key", "user", "user__type", "created")
    list_filter = ("user__type", "created")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    search_help_text = "Username or email"
    autocomplete_fields = ("user",)

    def get_fields(self, request, obj=None):
        return ("user", "key", "created") if obj else ("user",)

    def get_readonly_fields(self, request, obj=None):
        # A token is revoked by deleting it; moving a key to another account is never what an admin means.
        return ("user", "key", "created") if obj else ()
