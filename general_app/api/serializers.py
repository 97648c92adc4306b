"""Response shapes of the cross-cutting endpoints, and schema helpers shared by the apps (OpenAPI only)."""

from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers


class BaseInfoSerializer(serializers.Serializer):
    review_count = serializers.IntegerField()
    average_rating = serializers.FloatField(help_text="Mean rating rounded to one decimal; 0 without reviews.")
    business_profile_count = serializers.IntegerField(help_text="Number of business users.")
    offer_count = serializers.IntegerField()


class AnsweredInFullExtension(OpenApiSerializerExtension):
    """Documents every field of the target serializer as present in its answers.

    drf-spectacular marks a writable field with `required=False` as optional in responses too, but a PATCH
    that may leave a field out still answers with all of them. Subclasses name the serializer in
    `target_class`; requests are documented unchanged.
    """

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "response":
            schema["required"] = sorted(schema["properties"])
        return schema
