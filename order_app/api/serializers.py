"""Order payloads: the order as answered, the create body and the status change body."""

from collections.abc import Mapping

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from order_app.models import Order

PACKAGE_REQUIRED = _("Choose the package to order (offer_detail_id).")
PACKAGE_ID_INVALID = _("The package id must be a whole number.")
BUSINESS_USER_ID_INVALID = _("The business user id must be a whole number.")
STATUS_REQUIRED = _("Send the new status: in_progress, completed or cancelled.")
STATUS_INVALID = _("The status must be one of in_progress, completed or cancelled.")
FIELD_NOT_EDITABLE = _("Only the status of an order can be changed.")


class OrderSerializer(serializers.ModelSerializer):
    """The full order: who, which package (null once its offer is deleted), the package snapshot, status."""

    features = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "customer_user",
            "business_user",
            "offer_detail",
            "title",
            "revisions",
            "delivery_time_in_days",
            "price",
            "features",
            "offer_type",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OrderCreateSerializer(serializers.Serializer):
    """The package to order; `business_user_id` is optional and, when given, must be the package owner's id."""

    offer_detail_id = serializers.IntegerField(
        error_messages={"required": PACKAGE_REQUIRED, "null": PACKAGE_REQUIRED, "invalid": PACKAGE_ID_INVALID}
    )
    business_user_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Optional (null counts as absent); when given it must be the id of the package's owner.",
        error_messages={"invalid": BUSINESS_USER_ID_INVALID},
    )


class OrderStatusSerializer(serializers.ModelSerializer):
    """The only change an order accepts: its status, required, any direction; any other key is refused."""

    status = serializers.ChoiceField(
        choices=Order.Status.choices,
        error_messages={
            "required": STATUS_REQUIRED,
            "null": STATUS_INVALID,
            "invalid_choice": STATUS_INVALID,
        },
    )

    class Meta:
        model = Order
        fields = ["status"]

    def to_internal_value(self, data):
        # Silently dropping e.g. `price` would let the caller believe it was changed.
        unknown = {}
        if isinstance(data, Mapping):
            unknown = {key: [FIELD_NOT_EDITABLE] for key in data if key not in self.fields}
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError({**exc.detail, **unknown}) from exc
        if unknown:
            raise serializers.ValidationError(unknown)
        return value
