"""Who may change an offer."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

NOT_OFFER_OWNER = _("Only the business user who created this offer can change or delete it.")


class IsOfferOwner(BasePermission):
    """Allows changing or deleting an offer only for the user who created it."""

    message = NOT_OFFER_OWNER

    def has_object_permission(self, request, view, obj):
        return obj.user_id == request.user.id
