"""Reviews: a customer's rating of a business user."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.validators import PLAIN_TEXT_HELP, PlainTextValidator


class Review(models.Model):
    """A rating from 1 to 5; a reviewer reviews each business user at most once (database-enforced)."""

    business_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_received"
    )
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews_written")
    rating = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(5)])
    description = models.TextField(blank=True, default="", validators=[PlainTextValidator()], help_text=PLAIN_TEXT_HELP)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["business_user", "-updated_at"], name="review_business_updated_idx"),
            models.Index(fields=["reviewer", "-updated_at"], name="review_reviewer_updated_idx"),
            models.Index(fields=["-updated_at", "-id"], name="review_updated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reviewer", "business_user"], name="review_one_per_business_user"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5"),
        ]

    def __str__(self):
        return f"Review {self.pk}: {self.rating}/5"
