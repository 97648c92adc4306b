"""Review payloads: one shape for reading and editing, one for creating."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.validators import UniqueTogetherValidator

from core.api.schema import AnsweredInFullExtension
from reviews_app.models import Review
from reviews_app.services import ALREADY_REVIEWED

User = get_user_model()

NOT_A_BUSINESS_USER = _("Choose an existing business user to review.")
RATING_OUT_OF_RANGE = _("Rating must be a whole number from 1 to 5.")

RATING_ERRORS = {
    "invalid": RATING_OUT_OF_RANGE,
    "min_value": RATING_OUT_OF_RANGE,
    "max_value": RATING_OUT_OF_RANGE,
    "max_string_length": RATING_OUT_OF_RANGE,
}


class ReviewSerializer(serializers.ModelSerializer):
    """The review as every endpoint answers it; only `rating` and `description` can be edited."""

    class Meta:
        model = Review
        fields = ["id", "business_user", "reviewer", "rating", "description", "created_at", "updated_at"]
        read_only_fields = ["id", "business_user", "reviewer", "created_at", "updated_at"]
        extra_kwargs = {"rating": {"error_messages": RATING_ERRORS}}


class ReviewAnsweredInFull(AnsweredInFullExtension):
    """OpenAPI: every review field, `description` included, is in every answer."""

    target_class = ReviewSerializer


class ReviewCreateSerializer(serializers.ModelSerializer):
    """A new review by the caller; the reviewer comes from the token, never from the body."""

    business_user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(type=User.Type.BUSINESS),
        error_messages={"does_not_exist": NOT_A_BUSINESS_USER, "incorrect_type": NOT_A_BUSINESS_USER},
    )
    reviewer = serializers.HiddenField(default=serializers.CurrentUserDefault())

    class Meta:
        model = Review
        fields = ["business_user", "rating", "description", "reviewer"]
        extra_kwargs = {"rating": {"error_messages": RATING_ERRORS}}
        # Words the database's unique constraint for the common case; the view covers the race.
        validators = [
            UniqueTogetherValidator(
                queryset=Review.objects.all(), fields=["reviewer", "business_user"], message=ALREADY_REVIEWED
            )
        ]
