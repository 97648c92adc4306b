"""Registration and login payloads."""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from core.validators import PlainTextValidator

User = get_user_model()

USERNAME_TAKEN = _("A user with this username already exists.")
EMAIL_TAKEN = _("A user with this email address already exists.")
PASSWORDS_DIFFER = _("The passwords do not match.")
INVALID_CREDENTIALS = _("Invalid username/email or password.")
IDENTIFIER_REQUIRED = _("Enter your username or email address.")


class RegistrationSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    email = serializers.EmailField(max_length=254, validators=[PlainTextValidator()])
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    repeated_password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})
    type = serializers.ChoiceField(choices=User.Type.choices)

    def validate_username(self, value):
        if User.objects.filter(username__iexact=value).exists():
            raise serializers.ValidationError(USERNAME_TAKEN)
        return value

    def validate_email(self, value):
        value = User.objects.normalize_email(value)
        if User.objects.filter(email__iexact=value).exists():
            raise serializers.ValidationError(EMAIL_TAKEN)
        return value

    def validate(self, attrs):
        if attrs["password"] != attrs["repeated_password"]:
            raise serializers.ValidationError({"repeated_password": [PASSWORDS_DIFFER]})
        candidate = User(username=attrs["username"], email=attrs["email"])
        try:
            validate_password(attrs["password"], user=candidate)
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs


class LoginSerializer(serializers.Serializer):
    """Accepts `username` (the frontend) or `email` (the written spec) with `password`."""

    username = serializers.CharField(required=False, allow_blank=True)
    email = serializers.CharField(required=False, allow_blank=True)
    password = serializers.CharField(write_only=True, trim_whitespace=False, style={"input_type": "password"})

    def validate(self, attrs):
        identifier = (attrs.get("username") or attrs.get("email") or "").strip()
        if not identifier:
            raise serializers.ValidationError({"username": [IDENTIFIER_REQUIRED]})
        user = find_login_user(identifier)
        if user is None:
            # Hash anyway so an unknown account takes as long to refuse as a wrong password.
            User().set_password(attrs["password"])
            raise serializers.ValidationError(INVALID_CREDENTIALS)
        if not user.check_password(attrs["password"]) or not user.is_active:
            raise serializers.ValidationError(INVALID_CREDENTIALS)
        attrs["user"] = user
        return attrs


def find_login_user(identifier):
    """The user whose username (any case) is the identifier, else whose email is, when it has an @."""
    user = User.objects.filter(username__iexact=identifier).first()
    if user is None and "@" in identifier:
        user = User.objects.filter(email__iexact=identifier).first()
    return user


class AuthResponseSerializer(serializers.Serializer):
    """What registration and login answer."""

    token = serializers.CharField(
        help_text=(
            "A new key for every registration and login; send it as `Authorization: Token <key>`. It stays "
            "valid until logout or until it goes unused for TOKEN_IDLE_DAYS (default 14) days."
        )
    )
    user_id = serializers.IntegerField()
    username = serializers.CharField()
    email = serializers.EmailField()
    type = serializers.ChoiceField(choices=User.Type.choices)


def auth_payload(user, key):
    return {"token": key, "user_id": user.pk, "username": user.username, "email": user.email, "type": user.type}
