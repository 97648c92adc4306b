"""Token authentication: knox's hashed, expiring tokens, read with one prepared statement; a lenient variant.

knox (django-rest-knox) keeps a SHA-512 digest of each token and its first 15 characters (`token_key`), by
which the candidates are found. Its own lookup reads the candidates with their users, then every other token
of the user (to delete the expired ones) on each request. This one reads the candidates with their users in
one prepared statement and leaves the clean-up to the next login (auth_app.services.token_issue). The
digest comparison, the expiry and knox's renewal rule are knox's.
"""

import binascii
import functools
from hmac import compare_digest

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from knox import auth
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from rest_framework.exceptions import AuthenticationFailed

from core.db.prepared import PreparedQuery

# DRF's and knox's wording, so that their translations apply.
INVALID_TOKEN = _("Invalid token.")
INACTIVE_USER = _("User inactive or deleted.")
INVALID_CHARACTERS = _("Invalid token header. Token string should not contain invalid characters.")


@functools.cache  # the models' fields do not change at run time; the token lookup is on every request
def _token_and_user_columns():
    user_columns = [field.attname for field in get_user_model()._meta.concrete_fields]
    token_columns = [field.attname for field in get_token_model()._meta.concrete_fields]
    return tuple(token_columns), tuple(user_columns)


def _tokens_with_users(token_key):
    token_columns, user_columns = _token_and_user_columns()
    return (
        get_token_model()
        .objects.filter(token_key=token_key)
        .values(*token_columns, *(f"user__{column}" for column in user_columns))
    )


TOKENS_WITH_USERS = PreparedQuery(_tokens_with_users, str)


class TokenAuthentication(auth.TokenAuthentication):
    """knox's token authentication (`Authorization: Token <key>`), its lookup one prepared statement.

    Answers as knox does: `request.auth` is the AuthToken; an unknown, revoked or expired token is "Invalid
    token.", a deactivated user's "User inactive or deleted.".
    """

    def authenticate_credentials(self, token):
        if isinstance(token, bytes):
            try:
                token = token.decode()
            except UnicodeError:
                raise AuthenticationFailed(INVALID_CHARACTERS) from None
        try:
            digest = hash_token(token)
        except (TypeError, binascii.Error):
            raise AuthenticationFailed(INVALID_TOKEN) from None
        token_columns, user_columns = _token_and_user_columns()
        for row in TOKENS_WITH_USERS.rows(token[: CONSTANTS.TOKEN_KEY_LENGTH]):
            if not compare_digest(digest, row["digest"]):
                continue
            if row["expiry"] is not None and row["expiry"] < timezone.now():
                break
            user = get_user_model().from_db(DEFAULT_DB_ALIAS, user_columns, [row[f"user__{c}"] for c in user_columns])
            if not user.is_active:
                raise AuthenticationFailed(INACTIVE_USER)
            auth_token = get_token_model().from_db(DEFAULT_DB_ALIAS, token_columns, [row[c] for c in token_columns])
            auth_token.user = user
            if knox_settings.AUTO_REFRESH and auth_token.expiry is not None:
                self.renew_token(auth_token)
            return user, auth_token
        raise AuthenticationFailed(INVALID_TOKEN)

    def renew_token(self, auth_token):
        """knox's renewal: expiry = now + TOKEN_TTL (at most created + AUTO_REFRESH_MAX_TTL), written only when
        that moves it by more than MIN_REFRESH_INTERVAL seconds, so at most once a minute per token.

        knox writes with `save(update_fields=...)`, which fails when the row is gone; here an UPDATE that finds
        no row is fine (the request may be the logout that revokes the token). The write is a transaction of
        its own, after any transaction the request is in has committed; one that fails is logged and tried
        again by the token's next request.
        """
        new_expiry = timezone.now() + knox_settings.TOKEN_TTL
        if knox_settings.AUTO_REFRESH_MAX_TTL is not None:
            new_expiry = min(new_expiry, auth_token.created + knox_settings.AUTO_REFRESH_MAX_TTL)
        if (new_expiry - auth_token.expiry).total_seconds() <= knox_settings.MIN_REFRESH_INTERVAL:
            return
        auth_token.expiry = new_expiry
        transaction.on_commit(functools.partial(_write_expiry, auth_token.digest, new_expiry), robust=True)


def _write_expiry(digest, expiry):
    # In transaction.atomic() like every write: on SQLite it queues for the write lock (core/db/sqlite_backend).
    with transaction.atomic():
        get_token_model().objects.filter(digest=digest).update(expiry=expiry)


class LenientTokenAuthentication(TokenAuthentication):
    """Treats a stale, revoked, expired or malformed token as anonymous instead of answering 401.

    The frontend sends its stored token on every request, public ones too, so registration, login and the
    public GETs must not fail because of it. Views that need a user still say so with a permission class,
    which answers 401 for the anonymous request.
    """

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except AuthenticationFailed:
            return None
