"""The frontend as the API sees it: the requests it sends and the fields it reads from every answer.

A `Frontend` is one browser tab. Once it holds a token (from login or registration) it sends the
`Authorization` header on every request, public ones included, as the real frontend does. Each request names
the status the page expects and the *shape* the page reads: a dict of the fields it uses, each with its type
(`Integer()`, `Text()`, `Money()`, ...) or its exact value. Every answer is then checked three ways: the
status, every field of the shape, and the OpenAPI schema (core.tests.schema_validation). The test
classes count all three and print the totals when they finish, so the CI log shows how much was replayed.
"""

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from rest_framework.test import APIClient

from core.testing import MEDIA_HOST
from core.tests.schema_validation import openapi_document, validate_json_request, validate_response

RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


# --- What a page reads ----------------------------------------------------------------------------------


class Field:
    """One value a page reads. `problem()` says what is wrong with a value, or returns None."""

    def problem(self, value):
        raise NotImplementedError


class Integer(Field):
    """A JSON integer (ids are compared with `===`, so 7.0 or "7" would not do)."""

    def __init__(self, minimum=None, maximum=None):
        self.minimum, self.maximum = minimum, maximum

    def problem(self, value):
        if type(value) is not int:
            return f"expected an integer, got {value!r}"
        if self.minimum is not None and value < self.minimum:
            return f"expected at least {self.minimum}, got {value}"
        if self.maximum is not None and value > self.maximum:
            return f"expected at most {self.maximum}, got {value}"
        return None


class Revisions(Integer):
    """Revisions of a package: -1 means unlimited."""

    def __init__(self):
        super().__init__(minimum=-1)


class Number(Field):
    """Any JSON number (not a numeric string)."""

    def problem(self, value):
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return f"expected a number, got {value!r}"
        return None


class Money(Number):
    """A JSON number with at most two decimals (`299.99`, `50.0`), equal to `amount` when given."""

    def __init__(self, amount=None):
        self.amount = None if amount is None else Decimal(amount)

    def problem(self, value):
        problem = super().problem(value)
        if problem:
            return problem
        if Decimal(value).as_tuple().exponent < -2:
            return f"expected at most two decimals, got {value}"
        if self.amount is not None and Decimal(value) != self.amount:
            return f"expected {self.amount}, got {value}"
        return None


class Text(Field):
    """A string; never null (the frontend would print "null")."""

    def problem(self, value):
        return None if isinstance(value, str) else f"expected a string, got {value!r}"


class Choice(Field):
    def __init__(self, *values):
        self.values = values

    def problem(self, value):
        return None if value in self.values else f"expected one of {self.values}, got {value!r}"


class Timestamp(Field):
    """ISO 8601 with a time zone."""

    def problem(self, value):
        if isinstance(value, str) and RFC3339.fullmatch(value):
            return None
        return f"expected an ISO 8601 timestamp with time zone, got {value!r}"


class AbsoluteUrl(Field):
    """An absolute URL on this server whose path matches `path` (a regular expression)."""

    def __init__(self, path):
        self.pattern = re.compile(re.escape(MEDIA_HOST) + path)

    def problem(self, value):
        if isinstance(value, str) and self.pattern.fullmatch(value):
            return None
        return f"expected an absolute URL matching {self.pattern.pattern}, got {value!r}"


class MediaUrl(AbsoluteUrl):
    """An uploaded image: absolute (the frontend prefixes anything not starting with `http`), generated name."""

    def __init__(self, folder):
        super().__init__(rf"/media/{folder}/[0-9a-f]{{32}}\.(png|jpg|gif|webp)")


class Nullable(Field):
    def __init__(self, field):
        self.field = field

    def problem(self, value):
        return None if value is None else self.field.problem(value)


class ListOf(Field):
    """A bare JSON array (the frontend calls .map/.length on it) whose items all have `shape`."""

    def __init__(self, shape, length=None):
        self.shape, self.length = shape, length


@dataclass
class Reading:
    """The outcome of reading one answer: how many fields were checked and what was wrong."""

    fields: int = 0
    problems: list = field(default_factory=list)

    def read(self, value, shape, where):
        if isinstance(shape, dict):
            if not isinstance(value, dict):
                self.check(where, f"expected an object, got {value!r}")
                return
            for name, expected in shape.items():
                if name not in value:
                    self.check(f"{where}.{name}", "missing")
                else:
                    self.read(value[name], expected, f"{where}.{name}")
        elif isinstance(shape, ListOf):
            if not isinstance(value, list):
                self.check(where, f"expected an array, got {value!r}")
                return
            wrong_length = shape.length is not None and len(value) != shape.length
            self.check(where, f"expected {shape.length} items, got {len(value)}" if wrong_length else None)
            for index, item in enumerate(value):
                self.read(item, shape.shape, f"{where}[{index}]")
        elif isinstance(shape, Field):
            self.check(where, shape.problem(value))
        else:
            # An exact value, of the exact JSON type: 7 is not 7.0, "" is not None.
            same = type(value) is type(shape) and value == shape
            self.check(where, None if same else f"expected {shape!r}, got {value!r}")

    def check(self, where, problem):
        self.fields += 1
        if problem:
            self.problems.append(f"{where}: {problem}")


# --- The browser tab ----------------------------------------------------------------------------------


@dataclass
class JourneyStats:
    requests: int = 0
    fields: int = 0
    responses_validated: int = 0
    request_bodies_validated: int = 0
    operations: set = field(default_factory=set)

    def add(self, other):
        self.requests += other.requests
        self.fields += other.fields
        self.responses_validated += other.responses_validated
        self.request_bodies_validated += other.request_bodies_validated
        self.operations |= other.operations

    def __str__(self):
        covered = {(method, template) for method, template, _ in self.operations}
        documented = sum(len(operations) for operations in openapi_document()["paths"].values())
        return (
            f"{self.requests} requests replayed, {self.fields} response fields checked, "
            f"{self.responses_validated} responses and {self.request_bodies_validated} JSON request bodies "
            f"validated against the OpenAPI schema ({len(self.operations)} distinct operation/status pairs, "
            f"{len(covered)} of the {documented} documented operations)"
        )


class Frontend:
    """One tab of the frontend: a stored token and user id, sent with every request once it has them."""

    def __init__(self, test, stats):
        self.test = test
        self.stats = stats
        self.client = APIClient()
        self.token = None
        self.user_id = None

    def remember(self, token, user_id):
        """What the frontend keeps after login or registration."""
        self.token, self.user_id = token, user_id

    def get(self, path, reads, status=200):
        return self.send("get", path, reads, status=status)

    def post(self, path, body, reads, status=201, multipart=False):
        return self.send("post", path, reads, body=body, status=status, multipart=multipart)

    def patch(self, path, body, reads, status=200, multipart=False):
        return self.send("patch", path, reads, body=body, status=status, multipart=multipart)

    def delete(self, path, status=204):
        return self.send("delete", path, None, status=status)

    def send(self, method, path, reads, *, status, body=None, multipart=False):
        """One request: asserts the status, the schema and every field in `reads`; returns the parsed body."""
        headers = {"HTTP_AUTHORIZATION": f"Token {self.token}"} if self.token else {}
        options = {} if body is None else {"data": body, "format": "multipart" if multipart else "json"}
        response = getattr(self.client, method)(path, **options, **headers)
        where = f"{method.upper()} {path}"
        self.test.assertStatus(response, status)
        # Decimals, so that money is seen exactly as sent (299.99, not 299.98999...).
        answer = json.loads(response.content, parse_float=Decimal) if response.content else None
        route = urlsplit(path).path
        template = validate_response(method, route, response.status_code, response.get("Content-Type"), answer)
        self.stats.responses_validated += 1
        self.stats.operations.add((method.upper(), template, response.status_code))
        # Only bodies the API accepts must fit the schema: a request meant to fail may break it on purpose.
        if body is not None and not multipart and 200 <= status < 300:
            validate_json_request(method, route, body)
            self.stats.request_bodies_validated += 1
        self.stats.requests += 1
        if reads is None:
            self.test.assertIsNone(answer, f"{where}: expected no body")
        else:
            reading = Reading()
            reading.read(answer, reads, where)
            self.stats.fields += reading.fields
            if reading.problems:
                self.test.fail("The page cannot read the answer:\n  " + "\n  ".join(reading.problems))
        return answer

    def view_image(self, url):
        """What the browser does with an image URL: fetches it (outside /api/, so not in the schema)."""
        response = self.client.get(urlsplit(url).path)
        self.test.assertStatus(response, 200)
        self.test.assertTrue(response["Content-Type"].startswith("image/"), response["Content-Type"])
        # Read to the end, as the browser does: that also closes the file. (Closing the response directly would
        # fire request_finished in the test client and close the test's database connection mid-transaction.)
        self.test.assertTrue(response.getvalue(), "an empty image")
        self.stats.requests += 1
