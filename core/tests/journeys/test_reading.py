"""The journeys' field checks fail on the values that would break the frontend."""

from decimal import Decimal

from django.test import SimpleTestCase

from core.tests.journeys.frontend import (
    Integer,
    ListOf,
    MediaUrl,
    Money,
    Nullable,
    Reading,
    Revisions,
    Text,
    Timestamp,
)

IMAGE = "http://testserver/media/offer_images/0123456789abcdef0123456789abcdef.png"


def problems(value, shape):
    reading = Reading()
    reading.read(value, shape, "answer")
    return reading.problems


class PageReadingTests(SimpleTestCase):
    def assertAccepted(self, shape, *values):
        for value in values:
            with self.subTest(value=value):
                self.assertEqual(problems(value, shape), [])

    def assertRefused(self, shape, *values):
        for value in values:
            with self.subTest(value=value):
                self.assertEqual(len(problems(value, shape)), 1, value)

    def test_ids_must_be_json_integers(self):
        self.assertAccepted(Integer(), 0, 7)
        self.assertRefused(Integer(), Decimal("7.0"), "7", True, None)

    def test_strings_are_never_null(self):
        self.assertAccepted(Text(), "", "Berlin")
        self.assertRefused(Text(), None, 0)

    def test_money_is_a_number_with_at_most_two_decimals(self):
        self.assertAccepted(Money(), Decimal("299.99"), Decimal("50.0"), 50)
        self.assertRefused(Money(), "299.99", Decimal("1.005"), None, True)
        self.assertAccepted(Money("599.50"), Decimal("599.5"))
        self.assertRefused(Money("599.50"), Decimal("599.49"))

    def test_revisions_may_be_minus_one_for_unlimited_but_not_less(self):
        self.assertAccepted(Revisions(), -1, 0, 3)
        self.assertRefused(Revisions(), -2)

    def test_image_urls_must_be_absolute_urls_of_an_upload(self):
        self.assertAccepted(Nullable(MediaUrl("offer_images")), IMAGE, None)
        self.assertRefused(
            MediaUrl("offer_images"),
            IMAGE.removeprefix("http://testserver"),
            IMAGE.replace("offer_images", "profile_images"),
            IMAGE.replace("0123", "evil/../"),
            None,
        )

    def test_timestamps_carry_a_time_zone(self):
        self.assertAccepted(Timestamp(), "2026-02-13T10:00:00Z", "2026-02-13T10:00:00.5+01:00")
        self.assertRefused(Timestamp(), "2026-02-13T10:00:00", "2026-02-13", None)

    def test_lists_must_be_bare_arrays_of_the_right_length(self):
        self.assertAccepted(ListOf(Integer(), length=2), [1, 2])
        self.assertRefused(ListOf(Integer()), {"count": 0, "results": []}, None)
        self.assertRefused(ListOf(Integer(), length=3), [1, 2])

    def test_missing_fields_and_exact_values_of_another_json_type_are_reported(self):
        shape = {"user": 7, "first_name": "", "file": None}
        self.assertEqual(problems({"user": 7, "first_name": "", "file": None}, shape), [])
        self.assertEqual(
            problems({"user": Decimal("7"), "first_name": None}, shape),
            [
                "answer.user: expected 7, got Decimal('7')",
                "answer.first_name: expected '', got None",
                "answer.file: missing",
            ],
        )

    def test_every_field_read_is_counted_list_items_included(self):
        reading = Reading()
        reading.read(
            {"id": 1, "tags": ["a", "b"], "owner": {"name": "x"}},
            {"id": Integer(), "tags": ListOf(Text()), "owner": {"name": Text()}},
            "answer",
        )
        self.assertEqual(reading.fields, 5)
