"""Admin for accounts (Django's user admin with the Coderr account type) and their API tokens."""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

# Imported first so that DRF's TokenAdmin is registered before it is replaced below.
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy

from auth_app.api.serializers import EMAIL_TAKEN, USERNAME_TAKEN
from auth_app.models import User


class CaseInsensitiveUniqueMixin:
    """Words the case-insensitive unique constraints on username and email as the API does."""

    def _taken(self, field_name):
        value = self.cleaned_data.get(field_name)
        others = User.objects.exclude(pk=self.instance.pk) if self.instance.pk else User.objects.all()
        return value and others.filter(**{f"{field_name}__iexact": value}).exists()

    def clean_username(self):
        if self._taken("username"):
            raise forms.ValidationError(USERNAME_TAKEN)
        return self.cleaned_data["username"]

    def clean_email(self):
        if self._taken("email"):
            raise forms.ValidationError(EMAIL_TAKEN)
        return self.cleaned_data["email"]


class CoderrUserCreationForm(CaseInsensitiveUniqueMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "type")


class CoderrUserChangeForm(CaseInsensitiveUniqueMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class CoderrUserAdmin(UserAdmin):
    form = CoderrUserChangeForm
    add_form = CoderrUserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password", "type")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "email", "type", "usable_password", "password1", "password2"),
            },
        ),
    )
    list_display = ("username", "email", "type", "first_name", "last_name", "is_staff", "date_joined")
    list_filter = ("type", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "email", "first_name", "last_name")
    ordering = ("username",)
    readonly_fields = ("last_login", "date_joined")


admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class CoderrTokenAdmin(TokenAdmin):
    list_display = ("key", "user", "user__type", "created")
    list_filter = ("user__type", "created")
    list_select_related = ("user",)
    search_fields = ("user__username", "user__email")
    search_help_text = _("Username or email")
    autocomplete_fields = ("user",)

    def get_fields(self, request, obj=None):
        return ("user", "key", "created") if obj else ("user",)

    def get_readonly_fields(self, request, obj=None):
        # A token is revoked by deleting it; moving a key to another account is never what an admin means.
        return ("user", "key", "created") if obj else ()
