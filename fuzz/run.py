"""Fuzz every API operation with schemathesis, from the OpenAPI schema the API itself serves.

    .venv/bin/python fuzz/run.py [--examples 100] [--operation "PATCH /api/offers/{id}/"]

Runs in-process through WSGI against a throwaway SQLite database in a temporary directory (migrated here,
throttling off, uploads stored there too). Every operation is fuzzed with a customer's token and with a
business user's token, in positive mode (data the schema allows) and negative mode (data it forbids),
`--examples` generated cases each. Hypothesis is derandomized, so every run sends the same cases.

Paths get the ids of seeded objects (the caller's own profile, the business user's offer, the order and the
review between the two) so the cases reach the handlers; every fifth case keeps its generated ids to reach
the unknown-id paths. Every DELETE case deletes an object made for it, and the DELETE operations run last.
Every other generated body is pointed at existing objects (the package to order, the business user to
review, the credentials to log in with, a real image to upload): random ids would hardly ever get past the
first lookup.

Every response is checked: no 5xx, a documented status code and content type, and a body that conforms to
the documented schema. The table lists cases, answered status codes, server errors and schema violations per
operation and token, followed by one example of every distinct failure; the exit status is 1 when there is
any.
"""

import argparse
import itertools
import logging
import os
import secrets
import sys
import tempfile
import time
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PASSWORD = "Fuzz-pass-0123"
ROLES = ("customer", "business")
# Every GENERATED_IDS_EVERY-th case keeps the path ids the fuzzer generated (unknown, negative, huge ids).
GENERATED_IDS_EVERY = 5
# The fuzzer is after the API's handling of input, not password hashing: a fast hasher saves minutes.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
        }
    )


class ServerLog(logging.Handler):
    """Collects what the server logs at ERROR (with tracebacks), to show with the 5xx that caused it."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        self.records = []

    def emit(self, record):
        self.records.append(self.format(record))

    def take(self):
        text, self.records = "\n".join(self.records), []
        return text

    def install(self):
        for name in ("coderr.errors", "django.request"):
            logger = logging.getLogger(name)
            logger.handlers, logger.propagate = [self], False


def make_user(type, username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_user(username, f"{username}@fuzz.example", PASSWORD, type=type)


@dataclass
class Fixtures:
    """The seeded objects: the customer's order of the business user's package, and its review of them."""

    users: dict
    tokens: dict
    other_business: object
    offer: object
    package: object
    order: object
    review: object
    serial: itertools.count = field(default_factory=itertools.count)

    @classmethod
    def seed(cls):
        from rest_framework.authtoken.models import Token

        from general_app.testing import make_offer, package_of
        from order_app.services import order_create
        from reviews_app.models import Review

        users = {role: make_user(role, f"fuzz-{role}") for role in ROLES}
        other_business = make_user("business", "fuzz-other-business")
        make_offer(other_business)
        offer = make_offer(users["business"])
        package = package_of(offer)
        return cls(
            users=users,
            tokens={role: Token.objects.create(user=user).key for role, user in users.items()},
            other_business=other_business,
            offer=offer,
            package=package,
            order=order_create(customer=users["customer"], offer_detail=package),
            review=Review.objects.create(reviewer=users["customer"], business_user=users["business"], rating=4),
        )

    def path_ids(self, operation, role):
        """The path parameters of `operation` for `role`: objects that exist, a fresh one for a DELETE."""
        if operation.method.upper() == "DELETE":
            return {"id": self.disposable(operation.path)}
        business_id = {"business_user_id": self.users["business"].pk}
        ids = {
            "/api/profile/{user_id}/": {"user_id": self.users[role].pk},
            "/api/offers/{id}/": {"id": self.offer.pk},
            "/api/offerdetails/{id}/": {"id": self.package.pk},
            "/api/orders/{id}/": {"id": self.order.pk},
            "/api/order-count/{business_user_id}/": business_id,
            "/api/completed-order-count/{business_user_id}/": business_id,
            "/api/reviews/{id}/": {"id": self.review.pk},
        }
        if operation.path_parameters and operation.path not in ids:
            raise SystemExit(f"fuzz/run.py: add the seeded object for the path of {operation.label} to path_ids()")
        return ids.get(operation.path, {})

    def disposable(self, path):
        """A new object for one DELETE case, so that deleting never takes the seeded objects with it."""
        from general_app.testing import make_offer, package_of
        from order_app.services import order_create
        from reviews_app.models import Review

        business, customer = self.users["business"], self.users["customer"]
        if path == "/api/offers/{id}/":
            return make_offer(business).pk
        if path == "/api/orders/{id}/":
            return order_create(customer=customer, offer_detail=package_of(make_offer(business))).pk
        if path == "/api/reviews/{id}/":
            reviewed = make_user("business", f"fuzz-reviewed-{next(self.serial)}")
            return Review.objects.create(reviewer=customer, business_user=reviewed, rating=3).pk
        raise SystemExit(f"fuzz/run.py: add a disposable object for DELETE {path} to disposable()")

    def references(self, label):
        """Body values that point a generated body at existing objects (or at valid credentials)."""
        return {
            "POST /api/orders/": {"offer_detail_id": self.package.pk, "business_user_id": self.users["business"].pk},
            "POST /api/reviews/": {"business_user": self.other_business.pk},
            "POST /api/login/": {"username": self.users["customer"].username, "password": PASSWORD},
        }.get(label, {})

    def restore_token(self, role):
        """Logout deletes the caller's token: the same key goes back for the cases that follow."""
        from rest_framework.authtoken.models import Token

        Token.objects.get_or_create(user=self.users[role], defaults={"key": self.tokens[role]})


@dataclass
class Tally:
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    server_errors: int = 0
    violations: int = 0
    notes: list = field(default_factory=list)


class Fuzzer:
    def __init__(self, fixtures, checks, examples, server_log):
        from general_app.testing import image_bytes

        self.fixtures = fixtures
        self.checks = checks
        self.examples = examples
        self.server_log = server_log
        self.image = image_bytes()
        self.tallies = defaultdict(Tally)
        # One example of every distinct failure: (operation, failure type, status) -> report.
        self.failures = {}

    def run(self, operation, role):
        from hypothesis.errors import Unsatisfiable
        from schemathesis import GenerationMode

        tally = self.tallies[operation.label, role]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                self.run_mode(operation, role, mode, tally)
            except Unsatisfiable:
                # An operation without any input has no invalid input either.
                tally.notes.append(f"no {mode.value} data")

    def run_mode(self, operation, role, mode, tally):
        import hypothesis

        counter = itertools.count()

        @hypothesis.settings(
            max_examples=self.examples,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
            phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
            verbosity=hypothesis.Verbosity.quiet,
        )
        @hypothesis.given(operation.as_strategy(generation_mode=mode))
        def fuzz_case(case):
            self.send(case, role, next(counter), tally)

        fuzz_case()

    def send(self, case, role, index, tally):
        from schemathesis.core.failures import FailureGroup, ServerError

        self.steer(case, role, index)
        response = case.call(headers={"Authorization": f"Token {self.fixtures.tokens[role]}"})
        if case.operation.label == "POST /api/logout/":
            self.fixtures.restore_token(role)
        tally.cases += 1
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=self.checks)
        except FailureGroup as group:
            for failure in group.exceptions:
                if isinstance(failure, ServerError):
                    tally.server_errors += 1
                else:
                    tally.violations += 1
                key = (case.operation.label, type(failure).__name__, response.status_code)
                self.failures.setdefault(key, self.describe(case, role, response, failure))
        self.server_log.take()

    def steer(self, case, role, index):
        """Seeded ids in the path (most cases); real references and a real image in every other body."""
        if index % GENERATED_IDS_EVERY != GENERATED_IDS_EVERY - 1:
            ids = self.fixtures.path_ids(case.operation, role)
            if ids:
                case.path_parameters = {**case.path_parameters, **ids}
        if index % 2 and isinstance(case.body, dict):
            body = dict(case.body)
            for name, value in self.fixtures.references(case.operation.label).items():
                if name in body:
                    body[name] = value
            for name in ("file", "image"):
                if isinstance(body.get(name), bytes):
                    body[name] = self.image
            case.body = body

    def describe(self, case, role, response, failure):
        lines = [
            f"{case.operation.label} as {role}: {failure.title} ({response.status_code})",
            failure.message.strip(),
            f"request: {case.as_curl_command(headers=dict(response.request.headers))}",
            f"response: {response.text[:500]}",
        ]
        server_log = self.server_log.take()
        if server_log:
            lines.append(f"server log: {server_log}")
        return "\n  ".join(line.replace("\n", "\n  ") for line in lines if line)


def print_table(tallies, elapsed):
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
    total = Tally(
        cases=sum(tally.cases for tally in tallies.values()),
        server_errors=sum(tally.server_errors for tally in tallies.values()),
        violations=sum(tally.violations for tally in tallies.values()),
    )
    operations = len({label for label, _ in tallies})
    print(
        f"\n{operations} operations, {total.cases} cases, {total.server_errors} server errors, "
        f"{total.violations} schema violations, {elapsed:.0f} s"
    )
    return total


def fuzz(args):
    import schemathesis
    from django.core.management import call_command
    from django.test.utils import override_settings
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    from core.wsgi import application

    started = time.monotonic()
    override_settings(PASSWORD_HASHERS=FAST_HASHERS).enable()
    server_log = ServerLog()
    server_log.install()
    warnings.filterwarnings("ignore", module="schemathesis")
    call_command("migrate", verbosity=0, interactive=False)

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    if args.operation:
        operations = [operation for operation in operations if operation.label in args.operation]
        if not operations:
            raise SystemExit(f"fuzz/run.py: no operation named {args.operation}")
    # Deletions last: whatever they remove cannot matter to the operations fuzzed before them.
    operations.sort(key=lambda operation: operation.method.upper() == "DELETE")

    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    fuzzer = Fuzzer(Fixtures.seed(), checks, args.examples, server_log)
    for operation in operations:
        for role in ROLES:
            fuzzer.run(operation, role)

    total = print_table(fuzzer.tallies, time.monotonic() - started)
    for report in fuzzer.failures.values():
        print(f"\n{report}")
    return 1 if total.server_errors or total.violations else 0


def main(argv=None):
    args = parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="coderr-fuzz-") as workdir:
        configure_environment(Path(workdir))
        import django

        django.setup()
        return fuzz(args)


if __name__ == "__main__":
    sys.exit(main())
