"""PreparedQuery answers exactly what its values() queryset does, and token authentication reads through it."""

import unittest
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.db.models import Count, Max, Q
from django.test.utils import CaptureQueriesContext
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.exceptions import AuthenticationFailed

from core.api.authentication import TokenAuthentication
from core.db.ids import lookup_id
from core.db.prepared import Contains, PreparedQuery, bindable
from core.testing import TEST_PASSWORD, CoderrTestCase, User, make_offer
from offer_app.models import Offer, OfferDetail

INVALID_TOKEN = {"detail": "Invalid token."}
INACTIVE_USER = {"detail": "User inactive or deleted."}

# The stand-ins PreparedQuery compiles with (core.db.prepared._STAND_INS), written out so that a test
# passing them as real arguments does not depend on the private table.
STR_STAND_IN = "prepared%parameter_0\\"
INT_STAND_IN = 2_147_480_000


class RecordedStatements:
    """The SQL text (with its placeholders, before the backend interpolates anything) and params executed."""

    def __init__(self):
        self.statements = []

    def __call__(self, execute, sql, params, many, context):
        self.statements.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)


class PreparedQueryTestCase(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.ann = self.make_user("business", username="ann")
        self.bob = self.make_user("business", username="bob")
        self.carl = self.make_user("customer", username="carl")
        self.ann_offer = make_offer(self.ann, title="Logo Design")
        self.bob_offer = make_offer(
            self.bob, title="Web Shop", packages={"premium": {"price": Decimal("12345.67"), "features": []}}
        )
        self.bob_second_offer = make_offer(self.bob, title="Landing Page")

    def assertSameRows(self, prepared_rows, orm_rows):
        """Equal rows, keys in the same order, and every value of the same type (converters applied)."""
        orm_rows = list(orm_rows)
        self.assertEqual(prepared_rows, orm_rows)
        for prepared, expected in zip(prepared_rows, orm_rows, strict=True):
            self.assertEqual(list(prepared), list(expected))
            self.assertEqual(
                {key: type(value) for key, value in prepared.items()},
                {key: type(value) for key, value in expected.items()},
            )


class PreparedRowsMatchValuesTests(PreparedQueryTestCase):
    def test_int_parameter_filter_matches_values(self):
        build = lambda pk: OfferDetail.objects.filter(pk=pk).values("id", "title", "offer_type")  # noqa: E731
        prepared = PreparedQuery(build, int)

        for package in OfferDetail.objects.all():
            with self.subTest(pk=package.pk):
                rows = prepared.rows(package.pk)
                self.assertEqual(len(rows), 1)
                self.assertSameRows(rows, build(package.pk))
        self.assertEqual(prepared.rows(OfferDetail.objects.order_by("-pk").first().pk + 1000), [])

    def test_str_parameter_filter_matches_values(self):
        build = lambda username: User.objects.filter(username=username).values("id", "username", "type")  # noqa: E731
        prepared = PreparedQuery(build, str)

        for username in ("ann", "bob", "carl", "nobody", "ANN", ""):
            with self.subTest(username=username):
                self.assertSameRows(prepared.rows(username), build(username))
        self.assertEqual(prepared.rows("carl"), [{"id": self.carl.pk, "username": "carl", "type": "customer"}])

    def test_query_with_a_join_matches_values(self):
        def build(username):
            return (
                Offer.objects.filter(user__username=username)
                .order_by("id")
                .values("id", "title", "user__username", "user__type", "user_id")
            )

        prepared = PreparedQuery(build, str)

        for username in ("ann", "bob", "carl"):
            with self.subTest(username=username):
                self.assertSameRows(prepared.rows(username), build(username))
        self.assertEqual([row["title"] for row in prepared.rows("bob")], ["Web Shop", "Landing Page"])
        self.assertEqual({row["user__username"] for row in prepared.rows("bob")}, {"bob"})

    def test_datetime_decimal_and_json_columns_are_converted_like_values(self):
        def build(user_id):
            return (
                OfferDetail.objects.filter(offer__user_id=user_id)
                .order_by("id")
                .values("id", "price", "features", "offer__created_at", "offer__updated_at", "offer__min_price")
            )

        prepared = PreparedQuery(build, int)
        rows = prepared.rows(self.bob.pk)

        self.assertEqual(len(rows), 6)
        self.assertSameRows(rows, build(self.bob.pk))
        first = rows[0]
        self.assertIs(type(first["price"]), Decimal)
        self.assertIs(type(first["offer__min_price"]), Decimal)
        self.assertIs(type(first["features"]), list)
        self.assertIs(type(first["offer__created_at"]), datetime)
        self.assertIsNotNone(first["offer__created_at"].tzinfo)
        self.assertEqual(first["offer__created_at"], self.bob_offer.created_at)
        premium = OfferDetail.objects.get(offer=self.bob_offer, offer_type="premium")
        (row,) = [row for row in rows if row["id"] == premium.pk]
        self.assertEqual(row["price"], Decimal("12345.67"))
        self.assertEqual(str(row["price"]), "12345.67")
        self.assertEqual(row["features"], [])
        standard = OfferDetail.objects.get(offer=self.bob_offer, offer_type="standard")
        (row,) = [row for row in rows if row["id"] == standard.pk]
        self.assertEqual(row["features"], ["Responsive Design", "SEO"])

    def test_aggregates_in_values_keep_their_order_and_converters(self):
        def build(user_id):
            return (
                Offer.objects.filter(user_id=user_id)
                .order_by("id")
                .values("title")
                .annotate(packages=Count("details"), top_price=Max("details__price"))
                .values("top_price", "title", "packages", "id")
            )

        prepared = PreparedQuery(build, int)
        rows = prepared.rows(self.bob.pk)

        self.assertSameRows(rows, build(self.bob.pk))
        self.assertEqual(list(rows[0]), ["top_price", "title", "packages", "id"])
        self.assertEqual(rows[0]["top_price"], Decimal("12345.67"))
        self.assertIs(type(rows[0]["top_price"]), Decimal)

    def test_sliced_query_matches_values(self):
        def build(user_id):
            return OfferDetail.objects.filter(offer__user_id=user_id).order_by("id").values("id", "title")[1:4]

        prepared = PreparedQuery(build, int)

        for user in (self.ann, self.bob, self.carl):
            with self.subTest(user=user.username):
                self.assertSameRows(prepared.rows(user.pk), build(user.pk))
        self.assertEqual(len(prepared.rows(self.ann.pk)), 2)  # 3 packages, offset 1
        self.assertEqual(len(prepared.rows(self.bob.pk)), 3)  # 6 packages, offset 1, limit 3
        expected_ids = list(
            OfferDetail.objects.filter(offer__user=self.bob).order_by("id").values_list("id", flat=True)
        )
        self.assertEqual([row["id"] for row in prepared.rows(self.bob.pk)], expected_ids[1:4])

    def test_query_without_parameters_matches_values(self):
        build = lambda: Offer.objects.order_by("-id").values("id", "title")[:2]  # noqa: E731
        prepared = PreparedQuery(build)

        self.assertSameRows(prepared.rows(), build())
        self.assertEqual([row["title"] for row in prepared.rows()], ["Landing Page", "Web Shop"])

    def test_a_parameter_used_twice_is_bound_in_both_places(self):
        def build(name):
            return User.objects.filter(Q(username=name) | Q(email=name)).order_by("id").values("id")

        prepared = PreparedQuery(build, str)

        self.assertEqual(prepared.rows("ann"), [{"id": self.ann.pk}])
        self.assertEqual(prepared.rows(self.bob.email), [{"id": self.bob.pk}])
        self.assertEqual(prepared.rows("nobody"), [])

    def test_several_parameters_are_bound_to_their_own_places(self):
        # Declared (str, int) but used int first in the SQL: each place binds its own argument.
        def build(offer_type, user_id):
            return (
                OfferDetail.objects.filter(offer__user_id=user_id, offer_type=offer_type)
                .order_by("id")
                .values("id", "offer_type", "offer__user_id")
            )

        prepared = PreparedQuery(build, str, int)

        for offer_type, user in (("basic", self.bob), ("premium", self.ann), ("standard", self.carl)):
            with self.subTest(offer_type=offer_type, user=user.username):
                self.assertSameRows(prepared.rows(offer_type, user.pk), build(offer_type, user.pk))
        self.assertEqual(len(prepared.rows("basic", self.bob.pk)), 2)


class PreparedQueryReuseTests(PreparedQueryTestCase):
    def test_successive_calls_reuse_the_compiled_sql_with_new_arguments(self):
        built = []

        def build(pk):
            built.append(pk)
            return OfferDetail.objects.filter(pk=pk).values("id", "title")

        prepared = PreparedQuery(build, int)
        first, second = OfferDetail.objects.order_by("id")[:2]
        recorded = RecordedStatements()

        with CaptureQueriesContext(connection) as first_call, connection.execute_wrapper(recorded):
            first_rows = prepared.rows(first.pk)
        with CaptureQueriesContext(connection) as second_call, connection.execute_wrapper(recorded):
            second_rows = prepared.rows(second.pk)
        with CaptureQueriesContext(connection) as third_call, connection.execute_wrapper(recorded):
            self.assertIsNone(prepared.first(10**12))

        self.assertEqual(first_rows, [{"id": first.pk, "title": first.title}])
        self.assertEqual(second_rows, [{"id": second.pk, "title": second.title}])
        self.assertEqual(len(first_call), 1)
        self.assertEqual(len(second_call), 1)
        self.assertEqual(len(third_call), 1)
        self.assertEqual(len(recorded.statements), 3)
        (first_sql, first_params), (second_sql, second_params), (third_sql, third_params) = recorded.statements
        self.assertEqual(second_sql, first_sql)
        self.assertEqual(third_sql, first_sql)
        # The argument, then the constants of OfferDetail's default ordering (a CASE over the package types).
        self.assertEqual(first_params[0], first.pk)
        self.assertEqual(second_params[0], second.pk)
        self.assertEqual(third_params[0], 10**12)
        self.assertIn("basic", first_params[1:])
        self.assertEqual(second_params[1:], first_params[1:])
        self.assertEqual(third_params[1:], first_params[1:])
        # Compiled once: the builder ran a single time, with the stand-in, never with a caller's argument.
        self.assertEqual(built, [INT_STAND_IN])

    def test_captured_sql_differs_only_in_the_bound_argument(self):
        prepared = PreparedQuery(lambda name: User.objects.filter(username=name).values("id"), str)

        with CaptureQueriesContext(connection) as first_call:
            prepared.rows("ann")
        with CaptureQueriesContext(connection) as second_call:
            prepared.rows("bob")

        self.assertEqual(len(first_call), 1)
        self.assertEqual(len(second_call), 1)
        self.assertEqual(
            first_call.captured_queries[0]["sql"].replace("'ann'", "?"),
            second_call.captured_queries[0]["sql"].replace("'bob'", "?"),
        )

    def test_first_returns_the_first_row_or_none(self):
        prepared = PreparedQuery(
            lambda user_id: Offer.objects.filter(user_id=user_id).order_by("id").values("id", "title"), int
        )

        self.assertEqual(prepared.first(self.bob.pk), {"id": self.bob_offer.pk, "title": "Web Shop"})
        self.assertIsNone(prepared.first(self.carl.pk))
        self.assertIsNone(prepared.first(10**12))


class PreparedQueryArgumentsAreDataTests(PreparedQueryTestCase):
    def test_an_argument_equal_to_the_str_stand_in_is_bound_as_data(self):
        build = lambda username: User.objects.filter(username=username).values("id")  # noqa: E731
        prepared = PreparedQuery(build, str)
        self.assertEqual(prepared.rows("ann"), [{"id": self.ann.pk}])  # compiled

        self.assertEqual(prepared.rows(STR_STAND_IN), [])
        self.assertIsNone(prepared.first(STR_STAND_IN))
        self.assertEqual(prepared.rows(STR_STAND_IN), list(build(STR_STAND_IN)))
        self.assertEqual(prepared.rows("bob"), [{"id": self.bob.pk}])

    def test_the_stand_in_as_the_first_argument_is_also_just_data(self):
        # The first call compiles; it must not confuse the caller's argument with the stand-in.
        prepared = PreparedQuery(lambda username: User.objects.filter(username=username).values("id"), str)

        self.assertEqual(prepared.rows(STR_STAND_IN), [])
        self.assertEqual(prepared.rows("carl"), [{"id": self.carl.pk}])

    def test_an_argument_equal_to_the_int_stand_in_is_bound_as_data(self):
        build = lambda pk: OfferDetail.objects.filter(pk=pk).values("id")  # noqa: E731
        prepared = PreparedQuery(build, int)

        self.assertEqual(prepared.rows(INT_STAND_IN), [])
        self.assertEqual(prepared.rows(INT_STAND_IN - 1), [])
        package = OfferDetail.objects.first()
        self.assertEqual(prepared.rows(package.pk), [{"id": package.pk}])

    def test_sql_in_a_str_argument_is_bound_as_data(self):
        prepared = PreparedQuery(lambda username: User.objects.filter(username=username).values("id"), str)

        self.assertEqual(prepared.rows("ann' OR '1'='1"), [])
        self.assertEqual(prepared.rows('ann" OR 1=1 --'), [])
        self.assertEqual(User.objects.count(), 3)


class PreparedQueryMisuseTests(PreparedQueryTestCase):
    def test_a_parameter_the_orm_rewrites_is_refused_on_first_use(self):
        prepared = PreparedQuery(lambda text: Offer.objects.filter(title__icontains=text).values("id"), str)

        with CaptureQueriesContext(connection) as queries, self.assertRaisesMessage(ImproperlyConfigured, "[0]"):
            prepared.rows("Logo")
        self.assertEqual(len(queries), 0)
        with self.assertRaises(ImproperlyConfigured):  # not remembered as compiled
            prepared.rows("Logo")

    def test_an_int_parameter_on_a_decimal_column_is_refused(self):
        prepared = PreparedQuery(lambda price: OfferDetail.objects.filter(price=price).values("id"), int)

        with self.assertRaises(ImproperlyConfigured):
            prepared.rows(5)

    def test_a_queryset_without_values_is_refused_on_first_use(self):
        prepared = PreparedQuery(lambda pk: Offer.objects.filter(pk=pk), int)

        with self.assertRaisesMessage(ImproperlyConfigured, "values()"):
            prepared.rows(self.ann_offer.pk)
        with self.assertRaises(ImproperlyConfigured):
            prepared.first(self.ann_offer.pk)

    def test_a_queryset_with_extra_select_is_refused(self):
        prepared = PreparedQuery(
            lambda pk: Offer.objects.filter(pk=pk).extra(select={"one": "1"}).values("id", "one"),
            int,
        )

        with self.assertRaises(ImproperlyConfigured):
            prepared.rows(self.ann_offer.pk)

    def test_unsupported_parameter_types_are_refused_at_construction(self):
        build = lambda value: Offer.objects.filter(pk=value).values("id")  # noqa: E731
        for kind in (float, bool, bytes, datetime, object):
            with self.subTest(kind=kind.__name__), self.assertRaises(ImproperlyConfigured):
                PreparedQuery(build, kind)
        with self.assertRaises(ImproperlyConfigured):
            PreparedQuery(lambda a, b: Offer.objects.filter(pk=a, title=b).values("id"), str, float)

    def test_a_wrong_number_of_arguments_raises_type_error(self):
        prepared = PreparedQuery(
            lambda user_id, offer_type: OfferDetail.objects.filter(
                offer__user_id=user_id, offer_type=offer_type
            ).values("id"),
            int,
            str,
        )

        with CaptureQueriesContext(connection) as queries:
            for args in ((), (self.bob.pk,), (self.bob.pk, "basic", "extra")):
                with self.subTest(args=args):
                    with self.assertRaises(TypeError):
                        prepared.rows(*args)
                    with self.assertRaises(TypeError):
                        prepared.first(*args)
        self.assertEqual(len(queries), 0)
        self.assertEqual(len(prepared.rows(self.bob.pk, "basic")), 2)
        with self.assertRaises(TypeError):
            PreparedQuery(lambda: Offer.objects.values("id")).rows(1)

    def assertCorrectOrRefused(self, build, kind, arguments):
        """The prepared query either refuses the queryset or answers what the ORM does for every argument."""
        prepared = PreparedQuery(build, kind)
        try:
            prepared.rows(arguments[0])  # compiles
        except ImproperlyConfigured:
            return
        for argument in arguments:
            with self.subTest(argument=argument):
                self.assertEqual(prepared.rows(argument), list(build(argument)))

    @unittest.skipUnless(connection.vendor == "sqlite", "SQLite escapes LIKE wildcards in iexact's parameter")
    def test_a_parameter_the_orm_escapes_is_refused_or_escaped(self):
        self.make_user("customer", username="a_c")
        self.make_user("customer", username="abc")
        self.make_user("customer", username="a%")

        self.assertCorrectOrRefused(
            lambda name: User.objects.filter(username__iexact=name).order_by("id").values("id", "username"),
            str,
            ["a_c", "A_C", "a%", "abc"],
        )

    def test_an_int_parameter_outside_the_columns_range_is_refused_or_works(self):
        self.assertCorrectOrRefused(
            lambda days: OfferDetail.objects.filter(delivery_time_in_days=days).order_by("id").values("id"),
            int,
            [7, 10, 99],
        )


class LookupIdTests(unittest.TestCase):
    def test_lookup_id_accepts_what_int_accepts_within_64_bits(self):
        cases = {
            "12": 12,
            " 12": 12,
            "12 ": 12,
            "+12": 12,
            "-12": -12,
            "0": 0,
            12: 12,
            "abc": None,
            "": None,
            "1.5": None,
            "12abc": None,
            None: None,
            str(2**63): None,
            str(2**63 - 1): 2**63 - 1,
            str(-(2**63)): -(2**63),
            str(-(2**63) - 1): None,
            "9" * 100: None,
        }
        for value, expected in cases.items():
            with self.subTest(value=value):
                self.assertEqual(lookup_id(value), expected)
                if expected is not None:
                    self.assertIs(type(lookup_id(value)), int)

    def test_a_looked_up_id_binds_in_a_prepared_query(self):
        prepared = PreparedQuery(lambda pk: User.objects.filter(pk=pk).values("id"), int)
        for value in (str(2**63 - 1), str(-(2**63))):
            with self.subTest(value=value):
                self.assertEqual(prepared.rows(lookup_id(value)), [])


class BindableTests(unittest.TestCase):
    def test_only_values_of_the_class_a_stand_in_proves_are_bound(self):
        cases = [
            (int, 0, True),
            (int, 2**31 - 1, True),
            (int, -(2**31), True),
            (int, 2**31, False),
            (int, True, False),
            (int, "7", False),
            (Decimal, Decimal("49.99"), True),
            (Decimal, Decimal("99999999.99"), True),
            (Decimal, Decimal("100000000"), False),
            (Decimal, Decimal("1.005"), False),
            (Decimal, Decimal("1E+2"), True),
            (Decimal, Decimal("NaN"), False),
            (Decimal, 5, False),
            (Contains, "50%_off", True),
            (str, "x", True),
        ]
        for kind, value, expected in cases:
            with self.subTest(kind=kind.__name__, value=value):
                self.assertIs(bindable(kind, value), expected)


class PreparedTokenAuthenticationTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.customer = self.make_customer(first_name="Cara", last_name="Stone")

    def test_a_valid_token_authenticates(self):
        response = self.customer.get("/api/orders/")

        self.assertStatus(response, 200)
        self.assertEqual(response.json(), [])

    def test_an_unknown_token_answers_401(self):
        response = self.stale_token_client().get("/api/orders/")

        self.assertStatus(response, 401)
        self.assertEqual(response.json(), INVALID_TOKEN)
        self.assertEqual(response["WWW-Authenticate"], "Token")

    def test_the_token_of_an_inactive_user_answers_401(self):
        inactive = self.make_customer(is_active=False)

        response = inactive.get("/api/orders/")

        self.assertStatus(response, 401)
        self.assertEqual(response.json(), INACTIVE_USER)

    def test_a_public_endpoint_treats_a_bad_token_as_anonymous(self):
        make_offer(self.make_user("business"))
        inactive = self.make_customer(is_active=False)
        anonymous = self.anonymous().get("/api/offers/")
        self.assertStatus(anonymous, 200)

        for client in (self.stale_token_client(), inactive):
            with self.subTest(client=client):
                response = client.get("/api/offers/")
                self.assertStatus(response, 200)
                self.assertEqual(response.json(), anonymous.json())

    def test_authenticate_credentials_returns_the_user_and_token_as_models(self):
        key = self.customer.token
        expected_user = User.objects.get(pk=self.customer.user.pk)
        expected_token = AuthToken.objects.get(digest=hash_token(key))

        with self.assertNumQueries(1), CaptureQueriesContext(connection) as queries:
            user, token = TokenAuthentication().authenticate_credentials(key.encode())

        # One statement: the candidates by the key's first 15 characters, joined with their users.
        self.assertRegex(queries[0]["sql"], r'^SELECT .* FROM "knox_authtoken" INNER JOIN "auth_app_user" ')
        self.assertIsInstance(user, User)
        self.assertIsInstance(token, AuthToken)
        self.assertEqual(user, expected_user)
        self.assertEqual(user.pk, expected_user.pk)
        self.assertEqual(user.type, "customer")
        self.assertTrue(user.is_customer)
        self.assertIs(user.is_active, True)
        self.assertEqual(token.pk, hash_token(key))
        self.assertEqual(token.token_key, key[:15])
        self.assertIs(token.user, user)
        self.assertEqual(token.user_id, user.pk)
        self.assertEqual(token.created, expected_token.created)
        self.assertEqual(token.expiry, expected_token.expiry)
        self.assertIsNotNone(token.created.tzinfo)
        self.assertIs(user._state.adding, False)
        self.assertIs(token._state.adding, False)
        self.assertEqual(user._state.db, "default")
        self.assertEqual(token._state.db, "default")
        for field in User._meta.concrete_fields:
            with self.subTest(field=field.attname):
                self.assertEqual(getattr(user, field.attname), getattr(expected_user, field.attname))
        self.assertTrue(user.check_password(TEST_PASSWORD))

    def test_authenticate_credentials_refuses_unknown_and_inactive(self):
        inactive = self.make_customer(is_active=False)
        for key, message in (
            ("0" * 40, "Invalid token."),
            ("", "Invalid token."),
            (self.customer.token.upper() + "x", "Invalid token."),
            # Found by its first 15 characters, refused by the digest of the whole key.
            (self.customer.token[:15] + "0" * 49, "Invalid token."),
            (inactive.token, "User inactive or deleted."),
            (b"\xe4" * 64, "Invalid token header. Token string should not contain invalid characters."),
        ):
            with self.subTest(key=key), self.assertRaisesMessage(AuthenticationFailed, message):
                TokenAuthentication().authenticate_credentials(key)

    def test_a_header_that_is_not_utf8_answers_401_and_counts_as_anonymous_on_public_endpoints(self):
        client = self.anonymous()
        client.credentials(HTTP_AUTHORIZATION="Token " + "\u00e4" * 64)

        self.assertStatus(client.get("/api/offers/"), 200)
        response = client.get("/api/orders/")
        self.assertStatus(response, 401)
        self.assertEqual(
            response.json(), {"detail": "Invalid token header. Token string should not contain invalid characters."}
        )

    def test_the_token_is_read_again_on_every_request(self):
        AuthToken.objects.filter(user=self.customer.user).delete()

        response = self.customer.get("/api/orders/")

        self.assertStatus(response, 401)
        self.assertEqual(response.json(), INVALID_TOKEN)
