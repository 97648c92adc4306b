"""Platform statistics for the landing page, counted by the database."""

from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, Sum

from offer_app.models import Offer
from reviews_app.models import Review

User = get_user_model()


def platform_statistics():
    """Review count and average, business users and offers: one aggregate query per table."""
    reviews = Review.objects.order_by().aggregate(count=Count("pk"), total=Sum("rating"))
    return {
        "review_count": reviews["count"],
        "average_rating": average_to_one_decimal(reviews["total"], reviews["count"]),
        "business_profile_count": User.objects.filter(type=User.Type.BUSINESS).count(),
        "offer_count": Offer.objects.count(),
    }


def average_to_one_decimal(total, count):
    """total / count rounded half up to one decimal (4.25 → 4.3, as people round), 0 when there is nothing."""
    if not count:
        return 0
    # Exact decimal division; a float average would round 4.25 down to 4.2.
    return float((Decimal(total) / count).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
