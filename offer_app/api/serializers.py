"""Offer and package payloads: the public item shape, and the create and edit bodies."""

import json
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.utils import html

from core.images import SanitizedImageField
from core.validators import MARKUP_NOT_ALLOWED, PLAIN_TEXT_HELP, PlainTextValidator
from offer_app.models import PACKAGE_TYPES, Offer, OfferDetail, OfferType

OFFER_TITLE_REQUIRED = _("Enter a title for the offer.")
OFFER_TITLE_TOO_LONG = _("The offer title can have at most 255 characters.")
OFFER_DESCRIPTION_REQUIRED = _("Enter a description for the offer.")
PACKAGES_NOT_A_LIST = _("Send the packages as a list (in a multipart request: as a JSON string).")
PACKAGE_NOT_AN_OBJECT = _("Each package must be an object with its fields.")
PACKAGES_THREE_TYPES = _("An offer needs exactly three packages: one basic, one standard and one premium.")
PACKAGES_ONE_TO_THREE = _("Send one to three packages, each identified by its offer_type.")
PACKAGE_TYPE_TWICE = _("Each package type may appear only once.")
PACKAGE_TYPE_REQUIRED = _("Name the package type: basic, standard or premium.")
PACKAGE_TYPE_INVALID = _("The package type must be basic, standard or premium.")
PACKAGE_TYPE_MISSING = _("This offer has no package of this type.")
PACKAGE_ID_INVALID = _("A package id must be a positive whole number.")
PACKAGE_TYPE_UNCHANGEABLE = _("A package's type cannot be changed: this id is not the offer's package of this type.")
PACKAGE_TITLE_REQUIRED = _("Enter a title for the package.")
PACKAGE_TITLE_TOO_LONG = _("The package title can have at most 255 characters.")
REVISIONS_REQUIRED = _("Enter the number of revisions (-1 for unlimited).")
REVISIONS_INVALID = _("Revisions must be a whole number (-1 for unlimited).")
REVISIONS_TOO_SMALL = _("Revisions must be at least -1 (-1 means unlimited).")
REVISIONS_TOO_LARGE = _("The number of revisions is too large.")
DELIVERY_TIME_REQUIRED = _("Enter the delivery time in days.")
DELIVERY_TIME_INVALID = _("The delivery time must be a whole number of days.")
DELIVERY_TIME_TOO_SMALL = _("The delivery time must be at least 1 day.")
DELIVERY_TIME_TOO_LARGE = _("The delivery time is too large.")
PRICE_REQUIRED = _("Enter a price.")
PRICE_INVALID = _("The price must be a number.")
PRICE_TOO_SMALL = _("Price must be at least 0.")
PRICE_TOO_LARGE = _("Price must be at most 99999999.99.")
PRICE_DECIMALS = _("The price can have at most 2 decimal places.")
FEATURES_REQUIRED = _("Enter the package's features as a list (it may be empty).")
FEATURES_NOT_A_LIST = _("Features must be a list of texts.")
FEATURE_BLANK = _("Every feature must be a non-blank text.")

EDITED_PACKAGES_HELP = (
    "One to three packages, each found by its offer_type and changed in place; in a multipart request a JSON string."
)

# The database columns are 32-bit integers; larger numbers are refused here instead of failing there.
MAX_INTEGER = 2_147_483_647
MAX_PRICE = Decimal("99999999.99")


def _messages(required, **others):
    """Error messages for a field whose absence, null and blank all mean the same thing to the user."""
    return {"required": required, "null": required, "blank": required, **others}


def _title(required, too_long):
    """A title as offers and packages have it: plain text, at most 255 characters."""
    return serializers.CharField(
        max_length=255,
        validators=[PlainTextValidator()],
        help_text=PLAIN_TEXT_HELP,
        error_messages=_messages(required, max_length=too_long),
    )


class OfferUserDetailsSerializer(serializers.ModelSerializer):
    """The names of an offer's creator, shown with the offer."""

    class Meta:
        model = get_user_model()
        fields = ["first_name", "last_name", "username"]
        read_only_fields = fields
        extra_kwargs = {"username": {"help_text": None}}


class OfferDetailLinkSerializer(serializers.ModelSerializer):
    """A package as the offer list shows it: its id and where to fetch it."""

    url = serializers.HyperlinkedIdentityField(view_name="offerdetail-detail")

    class Meta:
        model = OfferDetail
        fields = ["id", "url"]


class OfferSerializer(serializers.ModelSerializer):
    """An offer as the list and the detail page show it."""

    image = SanitizedImageField(read_only=True)
    details = OfferDetailLinkSerializer(many=True, read_only=True)
    min_price = serializers.DecimalField(max_digits=10, decimal_places=2, read_only=True, allow_null=True)
    user_details = OfferUserDetailsSerializer(source="user", read_only=True)

    class Meta:
        model = Offer
        fields = [
            "id",
            "user",
            "title",
            "image",
            "description",
            "created_at",
            "updated_at",
            "details",
            "min_price",
            "min_delivery_time",
            "user_details",
        ]
        read_only_fields = fields


class FeatureListField(serializers.ListField):
    """A list of non-blank plain texts; each kind of bad item is reported once for the whole list."""

    default_error_messages = {"not_a_list": FEATURES_NOT_A_LIST}

    def __init__(self, **kwargs):
        kwargs.setdefault("child", serializers.CharField(validators=[PlainTextValidator()]))
        kwargs.setdefault("help_text", f"A list of non-blank texts. {PLAIN_TEXT_HELP}")
        super().__init__(**kwargs)

    def run_child_validation(self, data):
        try:
            return super().run_child_validation(data)
        except serializers.ValidationError as exc:
            codes = {code for item_codes in exc.get_codes().values() for code in item_codes}
            messages = [FEATURE_BLANK] if codes - {PlainTextValidator.code} else []
            if PlainTextValidator.code in codes:
                messages.append(MARKUP_NOT_ALLOWED)
            raise serializers.ValidationError(messages) from exc


class PriceField(serializers.DecimalField):
    """Money as stored (Decimal(10, 2)): refused for too many decimals or for its size, never rounded."""

    def __init__(self, **kwargs):
        # No max_digits: "12345678.123" is refused for its decimals and 1e300 for its size, each in its own
        # words, instead of both for "too many digits".
        super().__init__(max_digits=None, decimal_places=2, min_value=Decimal("0"), max_value=MAX_PRICE, **kwargs)

    def validate_precision(self, value):
        value = super().validate_precision(value)
        # The range is checked here, before quantize(), which cannot represent numbers like 1e300.
        if value < self.min_value:
            self.fail("min_value", min_value=self.min_value)
        if value > self.max_value:
            self.fail("max_value", max_value=self.max_value)
        return value


class PackageListSerializer(serializers.ListSerializer):
    """The `details` list: a JSON string in multipart requests, and errors as a list aligned with the input."""

    default_error_messages = {
        "required": PACKAGES_THREE_TYPES,
        "null": PACKAGES_NOT_A_LIST,
        "not_a_list": PACKAGES_NOT_A_LIST,
        "too_many": PACKAGES_THREE_TYPES,
    }

    def get_value(self, dictionary):
        if html.is_html_input(dictionary) and isinstance(dictionary.get(self.field_name), str):
            raw = dictionary.get(self.field_name)
            try:
                return json.loads(raw)
            except ValueError:
                # Left as the string: to_internal_value answers that it is not a list.
                return raw
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list")
        # An offer has three packages at most; a longer list is refused before any package is validated.
        if len(data) > len(PACKAGE_TYPES):
            self.fail("too_many")
        validated, errors = [], []
        for item in data:
            try:
                validated.append(self.child.run_validation(item))
                errors.append({})
            except serializers.ValidationError as exc:
                errors.append(exc.detail)
        # The contract's nested error shape: one entry per package, `{}` for the valid ones.
        if any(errors):
            raise serializers.ValidationError(errors)
        return validated


class OfferDetailSerializer(serializers.ModelSerializer):
    """One package as answered: GET /api/offerdetails/{id}/ and the packages in a create or edit answer."""

    features = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = OfferDetail
        fields = ["id", "title", "revisions", "delivery_time_in_days", "price", "features", "offer_type"]
        read_only_fields = fields


class OfferDetailWriteSerializer(serializers.Serializer):
    """One package in the `details` of a create or edit body.

    In an edit (a partial update) every field but `offer_type` may be left out. `id` is never written; the
    frontend sends it back, and then it must be the id of the offer's package of that type.
    """

    default_error_messages = {"invalid": PACKAGE_NOT_AN_OBJECT, "null": PACKAGE_NOT_AN_OBJECT}

    id = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages=dict.fromkeys(
            ("invalid", "null", "min_value", "max_value", "max_string_length"), PACKAGE_ID_INVALID
        ),
        help_text="Optional; never changes. When sent, it must be the id of the offer's package of this type.",
    )
    title = _title(PACKAGE_TITLE_REQUIRED, PACKAGE_TITLE_TOO_LONG)
    revisions = serializers.IntegerField(
        min_value=-1,
        max_value=MAX_INTEGER,
        help_text="-1 means unlimited; 0 is allowed.",
        error_messages=_messages(
            REVISIONS_REQUIRED,
            invalid=REVISIONS_INVALID,
            max_string_length=REVISIONS_INVALID,
            min_value=REVISIONS_TOO_SMALL,
            max_value=REVISIONS_TOO_LARGE,
        ),
    )
    delivery_time_in_days = serializers.IntegerField(
        min_value=1,
        max_value=MAX_INTEGER,
        error_messages=_messages(
            DELIVERY_TIME_REQUIRED,
            invalid=DELIVERY_TIME_INVALID,
            max_string_length=DELIVERY_TIME_INVALID,
            min_value=DELIVERY_TIME_TOO_SMALL,
            max_value=DELIVERY_TIME_TOO_LARGE,
        ),
    )
    price = PriceField(
        help_text="From 0 to 99999999.99 with at most 2 decimal places (never rounded); a number or a numeric string.",
        error_messages=_messages(
            PRICE_REQUIRED,
            invalid=PRICE_INVALID,
            max_string_length=PRICE_INVALID,
            min_value=PRICE_TOO_SMALL,
            max_value=PRICE_TOO_LARGE,
            max_decimal_places=PRICE_DECIMALS,
        ),
    )
    features = FeatureListField(error_messages=_messages(FEATURES_REQUIRED))
    offer_type = serializers.ChoiceField(
        choices=OfferType.choices,
        error_messages=_messages(PACKAGE_TYPE_REQUIRED, invalid_choice=PACKAGE_TYPE_INVALID),
    )

    class Meta:
        list_serializer_class = PackageListSerializer

    def validate(self, attrs):
        # An edit may leave fields out, but a package is found by its type, so the type must be there.
        if "offer_type" not in attrs:
            raise serializers.ValidationError({"offer_type": [PACKAGE_TYPE_REQUIRED]})
        return attrs


class OfferWriteSerializer(serializers.Serializer):
    """The body of POST /api/offers/: the offer with exactly one package of each type."""

    title = _title(OFFER_TITLE_REQUIRED, OFFER_TITLE_TOO_LONG)
    description = serializers.CharField(
        validators=[PlainTextValidator()],
        help_text=PLAIN_TEXT_HELP,
        error_messages=_messages(OFFER_DESCRIPTION_REQUIRED),
    )
    image = SanitizedImageField(
        required=False,
        allow_null=True,
        help_text="JPEG, PNG, GIF or WebP within the upload limit (5 MB by default), multipart only; null for none.",
    )
    details = OfferDetailWriteSerializer(
        many=True, help_text="The packages basic, standard and premium; in a multipart request a JSON string."
    )

    def validate_details(self, packages):
        types = [package["offer_type"] for package in packages]
        if sorted(types, key=PACKAGE_TYPES.index) != PACKAGE_TYPES:
            raise serializers.ValidationError(PACKAGE_TYPE_TWICE if _repeats(types) else PACKAGES_THREE_TYPES)
        return _without_ids(packages)


class OfferUpdateSerializer(OfferWriteSerializer):
    """The body of PATCH /api/offers/{id}/: any of the fields; one to three packages, matched by their type."""

    details = OfferDetailWriteSerializer(
        many=True,
        error_messages={"too_many": PACKAGES_ONE_TO_THREE},
        help_text=EDITED_PACKAGES_HELP,
    )

    def validate_details(self, packages):
        types = [package["offer_type"] for package in packages]
        if not packages:
            raise serializers.ValidationError(PACKAGES_ONE_TO_THREE)
        if _repeats(types):
            raise serializers.ValidationError(PACKAGE_TYPE_TWICE)
        existing = {package.offer_type: package.id for package in self.instance.details.all()}
        errors = [_package_match_error(package, existing) for package in packages]
        if any(errors):
            raise serializers.ValidationError(errors)
        return _without_ids(packages)


# OpenAPI only, like OfferUpdateSchemaSerializer below: the edit itself is validated by OfferUpdateSerializer.
class OfferDetailEditSerializer(OfferDetailWriteSerializer):
    """One package in an edit: found by its `offer_type`; every other field may be left out."""

    def get_fields(self):
        fields = super().get_fields()
        for name, field in fields.items():
            field.required = name == "offer_type"
        return fields


# OpenAPI only: documents OfferUpdateSerializer's body, whose packages are partial (a nested serializer is not).
@extend_schema_serializer(component_name="OfferUpdate")
class OfferUpdateSchemaSerializer(OfferUpdateSerializer):
    """The body of PATCH /api/offers/{id}/: any of the fields; one to three packages, matched by their type."""

    details = OfferDetailEditSerializer(many=True, help_text=EDITED_PACKAGES_HELP)


class OfferWrittenSerializer(serializers.ModelSerializer):
    """What a create or an edit answers: the offer with its packages in full."""

    image = SanitizedImageField(read_only=True)
    details = OfferDetailSerializer(many=True, read_only=True)

    class Meta:
        model = Offer
        fields = ["id", "title", "image", "description", "details"]
        read_only_fields = fields


def _repeats(values):
    return len(set(values)) != len(values)


def _without_ids(packages):
    return [{key: value for key, value in package.items() if key != "id"} for package in packages]


def _package_match_error(package, existing):
    """The error of one edited package against the offer's packages by type ({} when it matches)."""
    package_id = existing.get(package["offer_type"])
    if package_id is None:
        return {"offer_type": [PACKAGE_TYPE_MISSING]}
    if package.get("id", package_id) != package_id:
        return {"offer_type": [PACKAGE_TYPE_UNCHANGEABLE]}
    return {}
