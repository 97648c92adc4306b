"""Content-Security-Policy: none for the API's JSON, just enough for the admin and the Swagger UI.

The API answers JSON, which no browser should ever render, run or frame: `SECURE_CSP` (settings) forbids
everything, as defence in depth should an answer be opened as a page. The two HTML parts of the site get
policies that allow exactly what they load, from this origin only: the admin (its scripts and styles carry
the request's nonce, Django's admin templates add it) and the Swagger UI at /api/docs/ (served by
drf-spectacular's split view, so its start script is a file, not inline code).
"""

from django.contrib import admin
from django.middleware.csp import ContentSecurityPolicyMiddleware as DjangoContentSecurityPolicyMiddleware
from django.utils.csp import CSP

ADMIN_NAMESPACE = admin.site.name

ADMIN_POLICY = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}

# drf-spectacular's Swagger UI page has one inline <style> block (no nonce): it is allowed by its hash, which
# core/tests/test_content_security_policy.py recomputes from the served page, so an upgrade that changes the
# block fails there. Swagger UI's own scripts set styles through the DOM, which style-src does not restrict.
SWAGGER_UI_STYLE_HASH = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"

DOCS_POLICY = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, SWAGGER_UI_STYLE_HASH],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}


class ContentSecurityPolicyMiddleware(DjangoContentSecurityPolicyMiddleware):
    """Django's CSP middleware (SECURE_CSP, per-view `csp_override`), with ADMIN_POLICY for the admin's views."""

    def process_response(self, request, response):
        match = request.resolver_match
        if match is not None and ADMIN_NAMESPACE in match.namespaces and not hasattr(response, "_csp_config"):
            response._csp_config = ADMIN_POLICY
        return super().process_response(request, response)
