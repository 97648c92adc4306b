"""Who may change a review."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

NOT_REVIEW_AUTHOR = _("Only the author of this review can change or delete it.")


class IsReviewAuthorOrReadOnly(BasePermission):
    """Anyone allowed in may read a review; only its reviewer may change or delete it."""

    message = NOT_REVIEW_AUTHOR

    def has_object_permission(self, request, view, obj):
        return request.method in SAFE_METHODS or obj.reviewer_id == request.user.pk
