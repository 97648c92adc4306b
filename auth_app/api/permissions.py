"""Role permissions shared by every app: checked in has_permission because DRF runs none on create."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

ONLY_CUSTOMERS = _("Only customer users can perform this action.")
ONLY_BUSINESS = _("Only business users can perform this action.")


class IsCustomerUser(BasePermission):
    """Allows the request only for authenticated users of type customer."""

    message = ONLY_CUSTOMERS

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_customer)


class IsBusinessUser(BasePermission):
    """Allows the request only for authenticated users of type business."""

    message = ONLY_BUSINESS

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.is_business)
