"""`manage.py release` in-process: collects once, then changes nothing; migrates only what is pending.

The production run (DEBUG off, the manifest storage, a fresh database, in a subprocess) is in
test_deployment.ProductionServerTests; here the static files go to plain storage, which is quicker.
"""

import io
import os
import shutil
import tempfile
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.test import TestCase, override_settings

PLAIN_STATIC = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def release():
    out = io.StringIO()
    call_command("release", stdout=out)
    return out.getvalue()


class ReleaseCommandTests(TestCase):
    def setUp(self):
        static_root = tempfile.mkdtemp(prefix="coderr-release-")
        self.addCleanup(shutil.rmtree, static_root, ignore_errors=True)
        self.static_root = Path(static_root)
        override = override_settings(STATIC_ROOT=static_root, STORAGES=PLAIN_STATIC)
        override.enable()
        self.addCleanup(override.disable)

    def static_files(self):
        return {path: path.stat().st_mtime_ns for path in self.static_root.rglob("*") if path.is_file()}

    def test_the_first_run_collects_the_static_files_and_the_second_writes_nothing(self):
        first = release()
        collected = self.static_files()

        second = release()

        self.assertEqual(first, f"Release done: 0 migrations applied, {len(collected)} static files copied.\n")
        self.assertIn(self.static_root / "admin" / "css" / "base.css", collected)
        self.assertEqual(second, "Release done: 0 migrations applied, 0 static files copied.\n")
        self.assertEqual(self.static_files(), collected)

    def test_a_static_file_changed_since_the_last_release_is_collected_again(self):
        release()
        stale = self.static_root / "admin" / "css" / "base.css"
        stale.write_text("/* stale */")
        os.utime(stale, (0, 0))

        again = release()

        self.assertEqual(again, "Release done: 0 migrations applied, 1 static files copied.\n")
        self.assertNotEqual(stale.read_text(), "/* stale */")

    def test_pending_migrations_are_applied_with_migrate(self):
        pending = [(mock.sentinel.migration, False), (mock.sentinel.other, False)]
        module = "core.management.commands.release"
        with (
            mock.patch(f"{module}.MigrationExecutor.migration_plan", return_value=pending),
            mock.patch(f"{module}.call_command") as call,
        ):
            output = release()

        call.assert_called_once_with("migrate", database="default", interactive=False, verbosity=1)
        self.assertTrue(output.startswith("Release done: 2 migrations applied, "), output)
