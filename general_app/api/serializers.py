"""Response shape of the platform statistics (OpenAPI only)."""

from rest_framework import serializers


class BaseInfoSerializer(serializers.Serializer):
    review_count = serializers.IntegerField()
    average_rating = serializers.FloatField(help_text="Mean rating rounded to one decimal; 0 without reviews.")
    business_profile_count = serializers.IntegerField(help_text="Number of business users.")
    offer_count = serializers.IntegerField()
