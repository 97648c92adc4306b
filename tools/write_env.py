"""Create `.env` from `.env.example`, or repair one whose SECRET_KEY is missing or empty.

`make` runs this before every command that reads `.env`. A key that is set is never changed, so a developer's
sessions survive; an empty key (a set-up interrupted after the copy) is filled instead of starting Django with
none. Stdlib only: it runs on whatever Python the Makefile found, before `.venv` exists.
"""

import os
import secrets
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KEY = "SECRET_KEY"

CREATED = "Created .env from .env.example with a generated SECRET_KEY."
FILLED = "Filled the empty SECRET_KEY in .env with a generated one."
ADDED = "Added a generated SECRET_KEY to .env."
DUPLICATE = ".env sets SECRET_KEY on {count} lines; keep one (or delete .env to start from .env.example)."
UNREADABLE = ".env is not UTF-8 text: fix it or delete it to start from .env.example."


class EnvFileError(Exception):
    """.env is in a state this script will not guess about."""


def new_key():
    return secrets.token_urlsafe(50)


def _key_lines(lines):
    """Indexes of the lines that set SECRET_KEY, read the way python-decouple reads them."""
    found = []
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("#") and "=" in stripped and stripped.split("=", 1)[0].strip() == KEY:
            found.append(index)
    return found


def _is_empty_value(line):
    value = line.split("=", 1)[1].strip()
    return value in ("", '""', "''")


def _line_ending(line):
    return line[len(line.rstrip("\r\n")) :] or "\n"


def _read(path):
    with open(path, encoding="utf-8", newline="") as handle:  # newline="": keep the file's line endings
        return handle.read()


def _write_atomically(path, text):
    """Replace path with text in one rename, so an interrupted run leaves the old file or the new one."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o600
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".env.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ensure_env(env_path, example_path, make_key=new_key):
    """Make env_path hold a non-empty SECRET_KEY; returns what was done (a message), or None if nothing."""
    env_path = Path(env_path).resolve()
    current = None
    if env_path.exists():
        try:
            current = _read(env_path)
        except UnicodeDecodeError as exc:
            raise EnvFileError(UNREADABLE) from exc
    if current is None or not current.strip():
        text, done = _read(example_path), CREATED
    else:
        text, done = current, None

    lines = text.splitlines(keepends=True)
    found = _key_lines(lines)
    if len(found) > 1:
        raise EnvFileError(DUPLICATE.format(count=len(found)))
    if found and not _is_empty_value(lines[found[0]]):
        if done:  # a fresh copy of an example that already carries a key
            _write_atomically(env_path, text)
        return done
    if found:
        index = found[0]
        lines[index] = f"{KEY}={make_key()}{_line_ending(lines[index])}"
    else:
        if lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += "\n"
        lines.append(f"{KEY}={make_key()}\n")
    _write_atomically(env_path, "".join(lines))
    return done or (FILLED if found else ADDED)


def main():
    try:
        done = ensure_env(ROOT / ".env", ROOT / ".env.example")
    except (EnvFileError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if done:
        print(done)
    return 0


if __name__ == "__main__":
    sys.exit(main())
