"""The exact JSON of a review, and who is not its author, shared by the review tests."""

from core.testing import iso
from reviews_app.models import Review


def review_body(review):
    """The exact JSON of a review, read back from the database."""
    review = Review.objects.get(pk=review.pk)
    return {
        "id": review.pk,
        "business_user": review.business_user_id,
        "reviewer": review.reviewer_id,
        "rating": review.rating,
        "description": review.description,
        "created_at": iso(review.created_at),
        "updated_at": iso(review.updated_at),
    }


def non_authors(test, business):
    """Everyone signed in but a review's author, by label: clients made by `test` and the reviewed `business`."""
    return {
        "other customer": test.make_customer(),
        "reviewed business user": business,
        "other business user": test.make_business(),
        "staff": test.make_staff(),
    }
