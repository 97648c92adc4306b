"""The other half of the read-only-request switch: marks safe-method requests for the backend in base.py."""

from core.db.sqlite_backend.base import read_only_request


class ReadOnlyRequestMiddleware:
    """Flags safe-method requests so the SQLite backend opens their transaction without the write lock."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = read_only_request.set(request.method in ("GET", "HEAD", "OPTIONS"))
        try:
            return self.get_response(request)
        finally:
            read_only_request.reset(token)
