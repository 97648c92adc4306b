"""The WSGI application with one planted bug, for tests that need an unexpected error inside a real gunicorn.

`gunicorn "core.tests.fault_wsgi:application_with_planted_bug()"`: the JSON 404 for unknown API routes
(GET /api/no-such-route/) raises RuntimeError(PLANTED_ERROR) instead of answering; everything else is the real
application. Importing this module changes nothing; only the factory plants the bug, in the server's process.
"""

import importlib

PLANTED_ERROR = "planted error for the error-reporting test"


def _planted_bug(*args, **kwargs):
    raise RuntimeError(PLANTED_ERROR)


def application_with_planted_bug():
    from core.wsgi import application

    # Only once the line above has set Django up can core.views be imported.
    importlib.import_module("core.views").JsonResponse = _planted_bug
    return application
