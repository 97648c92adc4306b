"""Token authentication: one prepared statement per request, and a lenient variant for public endpoints."""

import functools

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import AuthenticationFailed

from core.db.prepared import PreparedQuery


@functools.cache  # the models' fields do not change at run time; the token lookup is on every request
def _token_and_user_columns():
    user_columns = [field.attname for field in get_user_model()._meta.concrete_fields]
    token_columns = [field.attname for field in Token._meta.concrete_fields]
    return tuple(token_columns), tuple(user_columns)


def _token_with_user(key):
    token_columns, user_columns = _token_and_user_columns()
    return Token.objects.filter(key=key).values(*token_columns, *(f"user__{column}" for column in user_columns))


TOKEN_WITH_USER = PreparedQuery(_token_with_user, str)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, with the token and its user read by a prepared statement.

    Same answers as DRF's `select_related("user").get(key=key)` (the token lookup runs on every
    authenticated request, so its compilation was a visible share of the cheap ones).
    """

    def authenticate_credentials(self, key):
        row = TOKEN_WITH_USER.first(key)
        if row is None:
            raise AuthenticationFailed(_("Invalid token."))
        token_columns, user_columns = _token_and_user_columns()
        user = get_user_model().from_db(DEFAULT_DB_ALIAS, user_columns, [row[f"user__{c}"] for c in user_columns])
        if not user.is_active:
            raise AuthenticationFailed(_("User inactive or deleted."))
        token = Token.from_db(DEFAULT_DB_ALIAS, token_columns, [row[column] for column in token_columns])
        token.user = user
        return user, token


class LenientTokenAuthentication(TokenAuthentication):
    """Treats a stale, revoked or malformed token as anonymous instead of answering 401.

    The frontend sends its stored token on every request, public ones too, so registration, login and the
    public GETs must not fail because of it. Views that need a user still say so with a permission class,
    which answers 401 for the anonymous request.
    """

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            return None
