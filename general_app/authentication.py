"""Token authentication for public endpoints."""

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


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
