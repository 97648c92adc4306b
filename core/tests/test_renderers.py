"""FastJSONRenderer writes exactly the bytes DRF's JSONRenderer writes."""

import datetime
from decimal import Decimal

from django.test import SimpleTestCase
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer

from core.api.renderers import FastJSONRenderer

UTC = datetime.UTC


class FastJSONRendererTests(SimpleTestCase):
    def test_renders_the_same_bytes_as_drf(self):
        payloads = [
            {"price": Decimal("599.99"), "round": Decimal("50.00"), "none": None, "flag": True},
            {"at": datetime.datetime(2026, 2, 13, 10, 0, tzinfo=UTC)},
            {"at": datetime.datetime(2026, 2, 13, 10, 0, 0, 123456, tzinfo=UTC)},
            {"day": datetime.date(2026, 2, 13)},
            [{"text": "Müller – «ok»", "features": ["a", "b"], "ids": [1, 2, 3]}],
            {"field": [ErrorDetail("Price must be at least 0.", code="min_value")], "lazy": gettext_lazy("Not found.")},
            {"details": [{}, {"price": ["Enter a price."]}, {}]},
            {"big": 2**53, "negative": -1, "float": 0.1},
        ]
        for payload in payloads:
            with self.subTest(payload=payload):
                self.assertEqual(FastJSONRenderer().render(payload), JSONRenderer().render(payload))

    def test_nothing_renders_as_an_empty_body(self):
        self.assertEqual(FastJSONRenderer().render(None), b"")

    def test_an_indent_request_is_pretty_printed_by_drf(self):
        rendered = FastJSONRenderer().render({"a": 1}, "application/json; indent=2", {})
        self.assertEqual(rendered, b'{\n  "a": 1\n}')
