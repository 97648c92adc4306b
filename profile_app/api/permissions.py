"""Who may change a profile."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

NOT_PROFILE_OWNER = _("You can only edit your own profile.")


class IsProfileOwnerOrReadOnly(BasePermission):
    """Anyone allowed in may read a profile; only its own user may change it."""

    message = NOT_PROFILE_OWNER

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or obj.user_id == request.user.pk
