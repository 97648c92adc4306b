"""The fuzzing behind fuzz/run.py: seeded objects, generated cases steered at them, the checks, the tallies.

Imports Django models at the top, so it is imported only once fuzz/run.py has set up Django.
"""

import itertools
import logging
import warnings
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import hypothesis
import schemathesis
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test.utils import override_settings
from hypothesis.errors import Unsatisfiable
from knox.models import AuthToken
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup, ServerError
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.transport.serialization import Binary

from auth_app.services import token_for_key, token_issue
from core.testing import PACKAGES, image_bytes, make_offer, package_of
from core.wsgi import application
from order_app.services import order_create
from reviews_app.models import Review

User = get_user_model()

PASSWORD = "Fuzz-pass-0123"
ROLES = ("customer", "business")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Every GENERATED_IDS_EVERY-th case keeps the path ids the fuzzer generated (unknown, negative, huge ids).
GENERATED_IDS_EVERY = 5
# The fuzzer is after the API's handling of input, not password hashing: a fast hasher saves minutes.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# They revoke the caller's token (logout/all every token of the account); the fuzzer restores it.
LOGOUTS = {"POST /api/logout/", "POST /api/logout/all/"}


def fuzz(*, examples, only=()):
    """Migrate the database, seed it and fuzz every operation (or those named in `only`) with both tokens."""
    override_settings(PASSWORD_HASHERS=FAST_HASHERS).enable()
    warnings.filterwarnings("ignore", module="schemathesis")
    server_log = ServerLog()
    server_log.install()
    call_command("migrate", verbosity=0, interactive=False)

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    if only:
        operations = [operation for operation in operations if operation.label in only]
        if not operations:
            raise SystemExit(f"fuzz: no operation named {', '.join(only)}")
    # Deletions last: whatever they remove cannot matter to the operations fuzzed before them.
    operations.sort(key=lambda operation: operation.method.upper() == "DELETE")

    fuzzer = Fuzzer(Fixtures.seed(), examples, server_log)
    for operation in operations:
        for role in ROLES:
            fuzzer.run(operation, role)
    return fuzzer


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
    return User.objects.create_user(username, f"{username}@fuzz.example", PASSWORD, type=type)


@dataclass
class Fixtures:
    """The seeded objects: the customer's order of the business user's package, and its review of them."""

    users: dict
    tokens: dict
    other_business: User
    offer: object
    package: object
    order: object
    review: Review
    serial: itertools.count = field(default_factory=itertools.count)

    @classmethod
    def seed(cls):
        users = {role: make_user(role, f"fuzz-{role}") for role in ROLES}
        other_business = make_user("business", "fuzz-other-business")
        make_offer(other_business)
        offer = make_offer(users["business"])
        package = package_of(offer)
        return cls(
            users=users,
            tokens={role: token_issue(user=user) for role, user in users.items()},
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
            raise SystemExit(f"fuzz: add the seeded object for the path of {operation.label} to path_ids()")
        return ids.get(operation.path, {})

    def disposable(self, path):
        """A new object for one DELETE case, so that deleting never takes the seeded objects with it."""
        business, customer = self.users["business"], self.users["customer"]
        if path == "/api/offers/{id}/":
            return make_offer(business).pk
        if path == "/api/orders/{id}/":
            return order_create(customer=customer, offer_detail=package_of(make_offer(business))).pk
        if path == "/api/reviews/{id}/":
            reviewed = make_user("business", f"fuzz-reviewed-{next(self.serial)}")
            return Review.objects.create(reviewer=customer, business_user=reviewed, rating=3).pk
        raise SystemExit(f"fuzz: add a disposable object for DELETE {path} to disposable()")

    def valid_values(self, label):
        """Body values that point a generated body at existing objects, or make it pass a rule it rarely meets."""
        return {
            "POST /api/orders/": {"offer_detail_id": self.package.pk, "business_user_id": self.users["business"].pk},
            "POST /api/reviews/": {"business_user": self.other_business.pk},
            "POST /api/login/": {"username": self.users["customer"].username, "password": PASSWORD},
            "POST /api/registration/": {"password": PASSWORD, "repeated_password": PASSWORD},
            # One package of each type: a rule no schema can state.
            "POST /api/offers/": {
                "details": [{**package, "price": float(package["price"])} for package in PACKAGES.values()]
            },
        }.get(label, {})

    def restore_token(self, role):
        """A logout revoked the caller's token: the same key goes back for the cases that follow."""
        token = token_for_key(user=self.users[role], key=self.tokens[role])
        AuthToken.objects.get_or_create(
            digest=token.digest, defaults={"token_key": token.token_key, "user": token.user, "expiry": token.expiry}
        )


@dataclass
class Tally:
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    server_errors: int = 0
    violations: int = 0
    notes: list = field(default_factory=list)


class Fuzzer:
    def __init__(self, fixtures, examples, server_log):
        self.fixtures = fixtures
        self.examples = examples
        self.server_log = server_log
        self.image = Binary(image_bytes())
        self.tallies = defaultdict(Tally)
        # One example of every distinct failure: (operation, failure type, status) -> report.
        self.failures = {}

    def run(self, operation, role):
        tally = self.tallies[operation.label, role]
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                self.run_mode(operation, role, mode, tally)
            except Unsatisfiable:
                # An operation without any input has no invalid input either.
                tally.notes.append(f"no {mode.value} data")

    def run_mode(self, operation, role, mode, tally):
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
        self.steer(case, role, index)
        response = case.call(headers={"Authorization": f"Token {self.fixtures.tokens[role]}"})
        if case.operation.label in LOGOUTS:
            self.fixtures.restore_token(role)
        tally.cases += 1
        tally.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
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
        """Seeded ids in the path (most cases); valid values and a real image in every other body."""
        if index % GENERATED_IDS_EVERY != GENERATED_IDS_EVERY - 1:
            ids = self.fixtures.path_ids(case.operation, role)
            if ids:
                case.path_parameters = {**case.path_parameters, **ids}
        if index % 2 and isinstance(case.body, dict):
            body = dict(case.body)
            for name, value in self.fixtures.valid_values(case.operation.label).items():
                if name in body:
                    body[name] = value
            if case.media_type == "multipart/form-data":
                for name in ("file", "image"):
                    if isinstance(body.get(name), (bytes, Binary)):
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
