"""Admin for orders: the terms are a record of what was bought, so only the status is edited here."""

from django.contrib import admin

from order_app.models import Order


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "offer_type", "price", "status", "customer_user", "business_user", "created_at")
    list_display_links = ("id", "title")
    list_filter = ("status", "offer_type", "created_at")
    list_select_related = ("customer_user", "business_user")
    search_fields = ("=id", "title", "customer_user__username", "business_user__username")
    fields = (
        "status",
        "customer_user",
        "business_user",
        "offer_detail",
        "title",
        "offer_type",
        "price",
        "delivery_time_in_days",
        "revisions",
        "features",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields[1:]

    def has_add_permission(self, request):
        # Orders are placed by customers through the API, which takes the snapshot of the package.
        return False
