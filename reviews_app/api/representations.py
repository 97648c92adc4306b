"""The review list read fast: ReviewSerializer's shape (core.api.representation) over ReviewFilter's prepared
statements (core.api.filtering)."""

from core.api.filtering import PreparedList
from core.api.representation import ReadShape
from reviews_app.api.filters import ReviewFilter
from reviews_app.api.serializers import ReviewSerializer
from reviews_app.models import Review

REVIEW_SHAPE = ReadShape(ReviewSerializer)
REVIEW_LIST = PreparedList(ReviewFilter, lambda: Review.objects.order_by("-updated_at", "-id"))
