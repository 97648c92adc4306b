"""Admin for profiles; a profile is created with its user, so it is usually edited here, not added."""

from django import forms
from django.contrib import admin

from core.images import clean_uploaded_image
from profile_app.models import Profile


class ProfileAdminForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ("user", "file", "location", "tel", "description", "working_hours")

    def clean_file(self):
        return clean_uploaded_image(self.cleaned_data["file"])


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    form = ProfileAdminForm
    list_display = ("user", "user__type", "user__first_name", "user__last_name", "location", "tel", "created_at")
    list_filter = ("user__type",)
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name", "location")
    autocomplete_fields = ("user",)
    fields = ("user", "file", "location", "tel", "description", "working_hours", "created_at")

    def get_readonly_fields(self, request, obj=None):
        # The primary key is the user: a profile cannot move to another account.
        return ("user", "created_at") if obj else ("created_at",)
