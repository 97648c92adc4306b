"""Account writes that span several models."""

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

User = get_user_model()


@transaction.atomic
def user_register(*, username, email, password, type):
    """Create the user, its profile (via the post_save receiver) and its token in one transaction."""
    user = User.objects.create_user(username=username, email=email, password=password, type=type)
    token = Token.objects.create(user=user)
    return user, token


def user_token(user):
    """The user's token; the same key on every login until logout deletes it."""
    token, _ = Token.objects.get_or_create(user=user)
    return token
