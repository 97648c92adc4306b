"""Admin for accounts: Django's user admin with the Coderr account type."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from auth_app.models import User


class CoderrUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "type")


class CoderrUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class CoderrUserAdmin(UserAdmin):
    form = CoderrUserChangeForm
    add_form = CoderrUserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password", "type")}),
        ("Personal info", {"fields": ("first_name", "last_name", "email")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
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
