"""tools/write_env.py: .env is created, repaired or refused, never left with an empty SECRET_KEY."""

import contextlib
import io
import os
import stat
import tempfile
from pathlib import Path
from unittest import TestCase, mock

from tools import write_env

EXAMPLE = "# Coderr configuration.\nDEBUG=True\n# Long random string.\nSECRET_KEY=\nALLOWED_HOSTS=127.0.0.1\n"


def fixed_key():
    return "generated-key"


class WriteEnvTests(TestCase):
    def setUp(self):
        self.dir = Path(self.enterContext(tempfile.TemporaryDirectory()))
        self.env = self.dir / ".env"
        self.example = self.dir / ".env.example"
        self.example.write_text(EXAMPLE)

    def ensure(self):
        return write_env.ensure_env(self.env, self.example, make_key=fixed_key)

    def read(self):
        with open(self.env, encoding="utf-8", newline="") as handle:
            return handle.read()

    def test_missing_env_is_copied_from_the_example_with_a_generated_key(self):
        self.assertEqual(self.ensure(), write_env.CREATED)
        self.assertEqual(
            self.read(),
            "# Coderr configuration.\nDEBUG=True\n# Long random string.\nSECRET_KEY=generated-key\n"
            "ALLOWED_HOSTS=127.0.0.1\n",
        )

    def test_new_env_is_readable_by_its_owner_only(self):
        self.ensure()
        self.assertEqual(stat.S_IMODE(self.env.stat().st_mode), 0o600)

    def test_half_written_env_gets_its_empty_key_filled_and_keeps_everything_else(self):
        self.env.write_text("DEBUG=False\nSECRET_KEY=\nALLOWED_HOSTS=api.example.com\n")
        self.assertEqual(self.ensure(), write_env.FILLED)
        self.assertEqual(self.read(), "DEBUG=False\nSECRET_KEY=generated-key\nALLOWED_HOSTS=api.example.com\n")

    def test_quoted_empty_key_counts_as_empty(self):
        self.env.write_text('SECRET_KEY = ""\n')
        self.assertEqual(self.ensure(), write_env.FILLED)
        self.assertEqual(self.read(), "SECRET_KEY=generated-key\n")

    def test_env_without_a_key_line_gets_one_appended(self):
        self.env.write_text("DEBUG=True")
        self.assertEqual(self.ensure(), write_env.ADDED)
        self.assertEqual(self.read(), "DEBUG=True\nSECRET_KEY=generated-key\n")

    def test_empty_env_file_is_replaced_by_the_example(self):
        self.env.write_text("\n")
        self.assertEqual(self.ensure(), write_env.CREATED)
        self.assertIn("SECRET_KEY=generated-key\n", self.read())
        self.assertTrue(self.read().startswith("# Coderr configuration.\n"))

    def test_key_that_is_set_is_never_changed_and_the_file_not_rewritten(self):
        self.env.write_text("SECRET_KEY=kept\n# SECRET_KEY=\n")
        os.chmod(self.env, 0o640)
        before = self.env.stat().st_mtime_ns
        self.assertIsNone(self.ensure())
        self.assertEqual(self.read(), "SECRET_KEY=kept\n# SECRET_KEY=\n")
        self.assertEqual(self.env.stat().st_mtime_ns, before)

    def test_repair_keeps_the_files_mode_and_line_endings(self):
        self.env.write_bytes(b"DEBUG=True\r\nSECRET_KEY=\r\n")
        os.chmod(self.env, 0o640)
        self.ensure()
        self.assertEqual(self.env.read_bytes(), b"DEBUG=True\r\nSECRET_KEY=generated-key\r\n")
        self.assertEqual(stat.S_IMODE(self.env.stat().st_mode), 0o640)

    def test_two_key_lines_are_refused_and_the_file_left_alone(self):
        self.env.write_text("SECRET_KEY=\nSECRET_KEY=other\n")
        with self.assertRaises(write_env.EnvFileError) as raised:
            self.ensure()
        self.assertEqual(str(raised.exception), write_env.DUPLICATE.format(count=2))
        self.assertEqual(self.read(), "SECRET_KEY=\nSECRET_KEY=other\n")

    def test_env_that_is_not_text_is_refused(self):
        self.env.write_bytes(b"SECRET_KEY=\xff\n")
        with self.assertRaises(write_env.EnvFileError) as raised:
            self.ensure()
        self.assertEqual(str(raised.exception), write_env.UNREADABLE)

    def test_no_temporary_file_is_left_behind(self):
        self.ensure()
        self.assertEqual(sorted(path.name for path in self.dir.iterdir()), [".env", ".env.example"])

    def test_failed_write_leaves_the_old_file_and_no_temporary_file(self):
        self.env.write_text("SECRET_KEY=\n")
        with mock.patch.object(write_env.os, "replace", side_effect=OSError("disk full")), self.assertRaises(OSError):
            self.ensure()
        self.assertEqual(self.read(), "SECRET_KEY=\n")
        self.assertEqual(sorted(path.name for path in self.dir.iterdir()), [".env", ".env.example"])

    def test_example_that_already_carries_a_key_is_copied_as_it_is(self):
        self.example.write_text("SECRET_KEY=from-example\n")
        self.assertEqual(self.ensure(), write_env.CREATED)
        self.assertEqual(self.read(), "SECRET_KEY=from-example\n")

    def test_generated_keys_are_long_and_random(self):
        first, second = write_env.new_key(), write_env.new_key()
        self.assertGreaterEqual(len(first), 50)
        self.assertNotEqual(first, second)


class WriteEnvCommandTests(TestCase):
    """What `make` shows: one line when .env changed, nothing when it was fine, an error and exit 1 when refused."""

    def run_main(self, env_text=None):
        root = Path(self.enterContext(tempfile.TemporaryDirectory()))
        (root / ".env.example").write_text("SECRET_KEY=\n")
        if env_text is not None:
            (root / ".env").write_text(env_text)
        out, err = io.StringIO(), io.StringIO()
        with (
            mock.patch.object(write_env, "ROOT", root),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            code = write_env.main()
        return code, out.getvalue(), err.getvalue()

    def test_creating_env_prints_what_was_done(self):
        self.assertEqual(self.run_main(), (0, write_env.CREATED + "\n", ""))

    def test_a_complete_env_prints_nothing(self):
        self.assertEqual(self.run_main("SECRET_KEY=kept\n"), (0, "", ""))

    def test_a_refused_env_fails_with_the_reason(self):
        expected = "error: " + write_env.DUPLICATE.format(count=2) + "\n"
        self.assertEqual(self.run_main("SECRET_KEY=a\nSECRET_KEY=b\n"), (1, "", expected))
