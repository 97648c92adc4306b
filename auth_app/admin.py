"""Admin for accounts (Django's user admin with the Coderr account type) and their API tokens."""

# Imported first so that knox's token admin (it shows digests and makes tokens) is registered before it is
# replaced below.
import knox.admin  # noqa: F401
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db.models import Count, Q
from django.db.models.functions import Now
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from knox.models import get_token_model

from auth_app.api.serializers import EMAIL_TAKEN, USERNAME_TAKEN
from auth_app.models import User

AuthToken = get_token_model()
LIVE = Q(expiry__isnull=True) | Q(expiry__gte=Now())
ADMIN_LOCKED_OUT = _("Account locked: too many login attempts. Please try again later.")


def admin_lockout_response(request, original_response, credentials):
    """The page django-axes answers a locked-out admin login with (AXES_LOCKOUT_CALLABLE): 429, in the admin's look."""
    return render(request, "auth_app/admin_lockout.html", {"message": ADMIN_LOCKED_OUT}, status=429)


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
        (_("API tokens"), {"fields": ("api_tokens",)}),
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
    readonly_fields = ("last_login", "date_joined", "api_tokens")

    @admin.display(description=_("API tokens"))
    def api_tokens(self, user):
        """How many sign-ins the account holds, linked to their list (where they are revoked)."""
        counts = AuthToken.objects.filter(user=user).aggregate(live=Count("pk", filter=LIVE), all=Count("pk"))
        url = reverse("admin:knox_authtoken_changelist") + f"?user__id__exact={user.pk}"
        text = _("%(live)d live, %(expired)d expired: list or revoke") % {
            "live": counts["live"],
            "expired": counts["all"] - counts["live"],
        }
        return format_html('<a href="{}">{}</a>', url, text)


admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class CoderrTokenAdmin(admin.ModelAdmin):
    """API tokens, one per sign-in: whose, issued and expiring when, never their key; deleting one revokes it.

    Only a digest of each key is stored, and the admin shows not even that (only the change page's address
    holds it, which is of no use for signing in). Tokens are issued by registration and login only.
    """

    fields = ("user", "created", "expiry", "is_live")
    readonly_fields = fields
    list_display = ("user", "user__type", "created", "expiry", "is_live")
    list_filter = ("user__type", "created", "expiry")
    list_select_related = ("user",)
    ordering = ("-created",)
    search_fields = ("user__username", "user__email")
    search_help_text = _("Username or email")

    @admin.display(boolean=True, description=_("Live"))
    def is_live(self, token):
        return token.expiry is None or token.expiry >= timezone.now()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
