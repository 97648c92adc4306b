"""The flat profile shape: the user's names, email and type next to the profile's own fields."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from auth_app.api.serializers import EMAIL_TAKEN
from core.api.schema import AnsweredInFullExtension
from core.images import SanitizedImageField
from core.validators import PLAIN_TEXT_HELP, PlainTextValidator
from profile_app.models import Profile
from profile_app.services import profile_update

User = get_user_model()

LIST_FIELDS = [
    "user",
    "username",
    "first_name",
    "last_name",
    "file",
    "location",
    "tel",
    "description",
    "working_hours",
    "type",
    "created_at",
]


def user_name_field(name):
    """The user's `first_name` or `last_name`, optional plain text, as a profile reads and edits it."""
    return serializers.CharField(
        source=f"user.{name}",
        max_length=150,
        required=False,
        allow_blank=True,
        validators=[PlainTextValidator()],
        help_text=PLAIN_TEXT_HELP,
    )


class ProfileSerializer(serializers.ModelSerializer):
    """One profile as GET and PATCH answer it; `user`, `username`, `type`, `created_at` are read-only."""

    user = serializers.IntegerField(source="user_id", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    first_name = user_name_field("first_name")
    last_name = user_name_field("last_name")
    email = serializers.EmailField(
        source="user.email", max_length=254, required=False, validators=[PlainTextValidator()]
    )
    type = serializers.ChoiceField(source="user.type", choices=User.Type.choices, allow_blank=True, read_only=True)
    file = SanitizedImageField(required=False, allow_null=True)

    class Meta:
        model = Profile
        fields = [*LIST_FIELDS, "email"]
        read_only_fields = ["created_at"]

    def validate_email(self, value):
        value = User.objects.normalize_email(value)
        others = User.objects.exclude(pk=self.instance.user_id) if self.instance else User.objects.all()
        if others.filter(email__iexact=value).exists():
            raise serializers.ValidationError(EMAIL_TAKEN)
        return value

    def update(self, instance, validated_data):
        user_fields = validated_data.pop("user", {})
        return profile_update(profile=instance, user_fields=user_fields, profile_fields=validated_data)


class ProfileListSerializer(ProfileSerializer):
    """A profile in the business and customer lists: the same shape without the email address."""

    class Meta(ProfileSerializer.Meta):
        fields = LIST_FIELDS


class ProfileAnsweredInFull(AnsweredInFullExtension):
    """OpenAPI: every profile field is in every answer (empty strings and null, never left out)."""

    target_class = ProfileSerializer
    match_subclasses = True
