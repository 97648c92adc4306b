"""JSON answers for what no API view handles (unknown routes, Django's error handlers), and media in development."""

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.static import serve

from core.api.exceptions import SERVER_ERROR

NOT_FOUND = _("Not found.")
BAD_REQUEST = _("Bad request.")
FORBIDDEN = _("You do not have permission to perform this action.")


# Changes nothing, so it needs no CSRF protection; with it, a POST/PATCH/DELETE to an unknown route would get
# Django's HTML 403 page (CSRF cookie not set) instead of the JSON 404.
@csrf_exempt
def api_not_found(request, *args, **kwargs):
    return JsonResponse({"detail": NOT_FOUND}, status=404)


def page_not_found(request, exception=None):
    return JsonResponse({"detail": NOT_FOUND}, status=404)


def bad_request(request, exception=None):
    return JsonResponse({"detail": BAD_REQUEST}, status=400)


def permission_denied(request, exception=None):
    return JsonResponse({"detail": FORBIDDEN}, status=403)


def server_error(request):
    return JsonResponse({"detail": SERVER_ERROR}, status=500)


def serve_media(request, path):
    """Serves uploads in development; MEDIA_ROOT is read per request so tests can point it elsewhere."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
