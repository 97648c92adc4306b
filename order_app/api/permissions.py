"""Who may change or delete an order (roles for creating one are in auth_app.api.permissions)."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

ONLY_ORDER_BUSINESS_USER = _("Only the business user of this order can change it.")
ONLY_STAFF = _("Only staff members can delete orders.")


class IsOrderBusinessUser(BasePermission):
    """Allows acting on an order only to the business user who received it."""

    message = ONLY_ORDER_BUSINESS_USER

    def has_object_permission(self, request, view, obj):
        return obj.business_user_id == request.user.pk


class IsStaffUser(BasePermission):
    """Allows the request only for authenticated staff members."""

    message = ONLY_STAFF

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_staff)
