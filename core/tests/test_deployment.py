"""Production settings: the deployment check, the secret key guard, and DEBUG-off serving through gunicorn."""

import re

from django.db.migrations.loader import MigrationLoader
from django.utils.csp import build_policy

from core.csp import DOCS_POLICY
from core.tests.servers import ServerTestCase, manage, run_manage, server_env

PRODUCTION_HOST = "api.example.com"
# What .ci/run gives `check --deploy`, all read from the environment by core/settings.py.
PRODUCTION_ENV = {
    "ALLOWED_HOSTS": PRODUCTION_HOST,
    "SECURE_SSL_REDIRECT": "True",
    "USE_X_FORWARDED_PROTO": "True",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
    "SECURE_HSTS_PRELOAD": "True",
    "SESSION_COOKIE_SECURE": "True",
    "CSRF_COOKIE_SECURE": "True",
}
# The reverse proxy terminates TLS and tells Django so.
BEHIND_HTTPS_PROXY = {"Host": PRODUCTION_HOST, "X-Forwarded-Proto": "https"}
HSTS = "max-age=31536000; includeSubDomains; preload"
# STATIC_ROOT is fixed in core/settings.py; this module points it at a temporary directory so that the test
# neither writes into the checkout nor races a parallel run.


class DeployCheckTests(ServerTestCase):
    tmp_prefix = "coderr-deploy-"

    def test_check_deploy_passes_with_production_settings(self):
        result = run_manage(
            server_env(self.database_url, **PRODUCTION_ENV), "check", "--deploy", "--fail-level", "WARNING"
        )

        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("System check identified no issues", result.stdout)

    def test_check_deploy_fails_when_a_production_setting_is_missing(self):
        env = server_env(self.database_url, **{**PRODUCTION_ENV, "SECURE_HSTS_SECONDS": "0"})

        result = run_manage(env, "check", "--deploy", "--fail-level", "WARNING")

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("security.W004", result.stderr)

    def test_settings_refuse_to_start_with_debug_off_and_no_secret_key(self):
        result = run_manage(server_env(self.database_url, DEBUG="False", SECRET_KEY=""), "check")

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("django.core.exceptions.ImproperlyConfigured: SECRET_KEY must be set", result.stderr)


class ProductionServerTests(ServerTestCase):
    """gunicorn with DEBUG off and the production settings, static files collected and served by WhiteNoise."""

    tmp_prefix = "coderr-deploy-"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = server_env(cls.database_url, **PRODUCTION_ENV, STATIC_ROOT=str(cls.tmp_dir / "static"))
        # What `make release` runs once per deploy; the server itself neither migrates nor collects.
        cls.env, cls.static_root = env, cls.tmp_dir / "static"
        cls.first_release = manage(env, "release").stdout.splitlines()[-1]
        cls.server = cls.start_class_gunicorn(env)

    def get(self, path, headers=BEHIND_HTTPS_PROXY):
        return self.server.request("GET", path, headers=headers)

    def static_files(self):
        """Every file in STATIC_ROOT with its modification time (ns)."""
        return {path: path.stat().st_mtime_ns for path in self.static_root.rglob("*") if path.is_file()}

    def test_the_first_release_applies_every_migration_and_collects_the_static_files(self):
        migrations = len(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)

        match = re.fullmatch(r"Release done: (\d+) migrations applied, (\d+) static files copied\.", self.first_release)

        self.assertIsNotNone(match, self.first_release)
        self.assertEqual(int(match[1]), migrations)
        self.assertGreater(int(match[2]), 100)
        self.assertTrue((self.static_root / "staticfiles.json").is_file())

    def test_a_second_release_applies_no_migration_and_writes_no_file(self):
        before = self.static_files()

        result = manage(self.env, "release")

        self.assertEqual(result.stdout, "Release done: 0 migrations applied, 0 static files copied.\n")
        self.assertEqual(self.static_files(), before)

    def test_admin_login_page_is_served_with_hsts_and_a_secure_csrf_cookie(self):
        reply = self.get("/admin/login/")

        self.assertEqual(reply.status, 200, reply.body[:500])
        self.assertIn(b"<form", reply.body)
        self.assertEqual(reply.headers["Strict-Transport-Security"], HSTS)
        self.assertRegex(reply.headers["Set-Cookie"], r"^csrftoken=[^;]+;.*; Secure")

    def test_the_stylesheet_the_admin_page_links_is_served_under_its_hashed_name(self):
        page = self.get("/admin/login/").body.decode()
        stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', page)
        self.assertIsNotNone(stylesheet, "the admin page must link the manifest's hashed base.css")

        reply = self.get(stylesheet[1])

        self.assertEqual(reply.status, 200)
        self.assertTrue(reply.headers["Content-Type"].startswith("text/css"), reply.headers["Content-Type"])
        self.assertIn("immutable", reply.headers["Cache-Control"])
        self.assertIn(b"body", reply.body)

    def test_swagger_ui_is_served(self):
        reply = self.get("/api/docs/")

        self.assertEqual(reply.status, 200, reply.body[:500])
        self.assertTrue(reply.headers["Content-Type"].startswith("text/html"), reply.headers["Content-Type"])
        self.assertEqual(reply.headers["Content-Security-Policy"], build_policy(DOCS_POLICY))
        # The start script is a file of its own (the policy allows no inline script).
        self.assertIn(b'<script src="/api/docs/?script="></script>', reply.body)
        script = self.get("/api/docs/?script=")
        self.assertEqual(script.status, 200, script.body[:500])
        self.assertIn(b"SwaggerUIBundle", script.body)

    def test_the_openapi_schema_is_served(self):
        reply = self.get("/api/schema/")

        self.assertEqual(reply.status, 200, reply.body[:500])
        self.assertTrue(reply.body.startswith(b"openapi: 3."), reply.body[:100])
        self.assertIn(b"/api/login/:", reply.body)

    def test_plain_http_is_redirected_to_https(self):
        reply = self.get("/api/health/", headers={"Host": PRODUCTION_HOST})

        self.assertEqual(reply.status, 301)
        self.assertEqual(reply.headers["Location"], f"https://{PRODUCTION_HOST}/api/health/")

    def test_an_unknown_host_is_refused(self):
        reply = self.get("/api/ping/", headers={"Host": "attacker.example.org", "X-Forwarded-Proto": "https"})

        self.assertEqual(reply.status, 400)
        self.assertEqual(reply.json(), {"detail": "Bad request."})
