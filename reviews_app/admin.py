"""Admin for reviews."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from auth_app.models import User
from reviews_app.models import Review


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("id", "business_user", "reviewer", "rating", "short_description", "updated_at")
    list_filter = ("rating", "updated_at")
    list_select_related = ("business_user", "reviewer")
    search_fields = ("=id", "description", "business_user__username", "reviewer__username")
    autocomplete_fields = ("business_user", "reviewer")
    fields = ("business_user", "reviewer", "rating", "description", "created_at", "updated_at")

    # Only customers review, and only business users are reviewed.
    account_types = {"business_user": User.Type.BUSINESS, "reviewer": User.Type.CUSTOMER}

    @admin.display(description=_("Description"))
    def short_description(self, review):
        return review.description if len(review.description) <= 60 else f"{review.description[:57]}..."

    def get_readonly_fields(self, request, obj=None):
        # As in the API, a review stays between the same two accounts.
        return ("business_user", "reviewer", "created_at", "updated_at") if obj else ("created_at", "updated_at")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in self.account_types:
            kwargs["queryset"] = User.objects.filter(type=self.account_types[db_field.name])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
