"""Fuzz every API operation with schemathesis, from the OpenAPI schema the API itself serves.

    .venv/bin/python fuzz/run.py [--examples 100] [--operation "PATCH /api/offers/{id}/"]

Runs in-process through WSGI against a throwaway SQLite database in a temporary directory (migrated here,
throttling off, uploads stored there too). Every operation is fuzzed with a customer's token and with a
business user's token, in positive mode (data the schema allows) and negative mode (data it forbids),
`--examples` generated cases each. Hypothesis is derandomized, so every run sends the same cases.

Paths get the ids of seeded objects (the caller's own profile, the business user's offer, the order and the
review between the two) so the cases reach the handlers; every fifth case keeps its generated ids to reach
the unknown-id paths. Every DELETE case deletes an object made for it, and the DELETE operations run last.
Every other generated body is pointed at existing objects and valid values (the package to order, the
business user to review, credentials, one package of each type, a real image to upload): random values would
hardly ever get past the first check.

Every response is checked: no 5xx, a documented status code and content type, and a body that conforms to
the documented schema. The table lists cases, answered status codes, server errors and schema violations per
operation and token, followed by one example of every distinct failure; the exit status is 1 when there is
any. The fuzzing itself is in fuzz/fuzzer.py, which needs Django set up first.
"""

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=100, help="generated cases per operation, token and mode")
    parser.add_argument(
        "--operation", action="append", default=[], help='only this operation, e.g. "GET /api/offers/" (repeatable)'
    )
    return parser.parse_args(argv)


def configure_environment(workdir):
    """Point the project at the throwaway database and folders; must run before Django is set up."""
    (workdir / "static").mkdir()
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "core.settings",
            "DATABASE_URL": f"sqlite:///{workdir / 'fuzz.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "STATIC_ROOT": str(workdir / "static"),
            "THROTTLING_ENABLED": "False",
            "REDIS_URL": "",
            "DEBUG": "False",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "localhost",
            # Hypothesis keeps caches; they go with the rest, not into the project.
            "HYPOTHESIS_STORAGE_DIRECTORY": str(workdir / "hypothesis"),
        }
    )


def print_table(tallies):
    header = ("operation", "token", "cases", "5xx", "schema violations", "statuses", "")
    rows = [
        (
            label,
            role,
            str(tally.cases),
            str(tally.server_errors),
            str(tally.violations),
            " ".join(f"{status}×{count}" for status, count in sorted(tally.statuses.items())),
            ", ".join(tally.notes),
        )
        for (label, role), tally in tallies.items()
    ]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def main(argv=None):
    args = parse_args(argv)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="coderr-fuzz-") as workdir:
        configure_environment(Path(workdir))
        import django

        django.setup()
        from fuzz.fuzzer import fuzz

        fuzzer = fuzz(examples=args.examples, only=args.operation)
    print_table(fuzzer.tallies)
    tallies = fuzzer.tallies.values()
    cases = sum(tally.cases for tally in tallies)
    server_errors = sum(tally.server_errors for tally in tallies)
    violations = sum(tally.violations for tally in tallies)
    operations = len({label for label, _ in fuzzer.tallies})
    print(
        f"\n{operations} operations, {cases} cases, {server_errors} server errors, {violations} schema violations, "
        f"{time.monotonic() - started:.0f} s"
    )
    for report in fuzzer.failures.values():
        print(f"\n{report}")
    return 1 if server_errors or violations else 0


if __name__ == "__main__":
    sys.exit(main())
