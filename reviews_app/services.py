"""Review writes, each its own transaction."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from reviews_app.models import Review

ALREADY_REVIEWED = _(
    "You have already reviewed this business user. You can only submit one review per business profile."
)


class AlreadyReviewed(DomainError):
    """One review per (reviewer, business user): the database's unique constraint decided."""

    message = ALREADY_REVIEWED


def review_create(*, reviewer, business_user, rating, description=""):
    """A new review by `reviewer` of `business_user`; AlreadyReviewed when one exists.

    The serializer's unique-together check words the common case; two identical POSTs can both pass it,
    and then the constraint lets one win and the other gets the same answer, never a 500.
    """
    try:
        with transaction.atomic():
            return Review.objects.create(
                reviewer=reviewer, business_user=business_user, rating=rating, description=description
            )
    except IntegrityError:
        if Review.objects.filter(reviewer=reviewer, business_user=business_user).exists():
            raise AlreadyReviewed from None
        raise


@transaction.atomic
def review_update(*, review, **fields):
    """Change the given fields (rating, description) of `review`."""
    for name, value in fields.items():
        setattr(review, name, value)
    review.save()
    return review


@transaction.atomic
def review_delete(*, review):
    review.delete()
