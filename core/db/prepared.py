"""Querysets compiled to SQL once per process and database, then run with new parameters.

Django compiles a queryset to SQL each time it is evaluated. For the hot reads that compilation costs
more than the database needs to run the statement (0.1–0.3 ms against SQLite's tens of microseconds;
see README, Performance). A `PreparedQuery` is written as an ordinary `values()` queryset, compiled on
first use per database alias, and afterwards only executed: the SQL, the column names and the fields'
converters are kept, so its rows are exactly what `values()` returns (core/tests/test_prepared.py
compares them).

    package = PreparedQuery(lambda pk: OfferDetail.objects.filter(pk=pk).values("id", "title"), int)
    package.rows(7)    # [{"id": 7, "title": "Basic"}] or []

The parameters are declared by type (int, str, Decimal, or `Contains` for the value of a
`contains`/`icontains` lookup, which the ORM escapes and wraps in `%`); the builder is called once with
stand-in values of those types, and each place the compiled statement binds a stand-in is bound to the
caller's value instead. Any other parameter the ORM rewrites before binding it cannot be found again,
and compiling says so. LIMIT and OFFSET are written into Django's SQL, so a slice is part of the query.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections

# Stand-ins for the parameters while compiling. They need not differ from real arguments (those are bound
# by position), only from the query's own constants. Ints stay within 32 bits, which every integer column
# admits (the ORM drops a comparison with an out-of-range value). Strings hold LIKE's special characters,
# so a lookup that escapes its value (iexact, contains, ...) visibly rewrites it and is refused.
_STAND_INS = {
    int: lambda index: 2_147_480_000 + index,
    str: lambda index: f"prepared%parameter_{index}\\",
    Decimal: lambda index: Decimal("21474800.01") + index,
}


class Contains:
    """The parameter type of a `contains`/`icontains` lookup's value: bound as the ORM binds it, escaped and in %."""

    @staticmethod
    def bound(value, connection):
        return f"%{connection.ops.prep_for_like_query(value)}%"


_STAND_INS[Contains] = _STAND_INS[str]


@dataclass(frozen=True)
class _Compiled:
    sql: str
    # Per bound value: the index of the caller's argument and the type the ORM wrapped it in (psycopg's
    # Int4 for an integer column on PostgreSQL, else the plain type), or None and the constant to bind.
    params: tuple[tuple[int | None, object], ...]
    names: tuple[str, ...]
    converters: tuple[tuple[int, tuple, object], ...]


class PreparedQuery:
    """A values() queryset with typed parameters, compiled once per database alias."""

    counts = False

    def __init__(self, build, *types):
        unsupported = [t for t in types if t not in _STAND_INS]
        if unsupported:
            raise ImproperlyConfigured(
                f"PreparedQuery parameters must be int, str, Decimal or Contains, not {unsupported}."
            )
        self.build = build
        self.types = types
        self._compiled = {}

    def rows(self, *args, using=DEFAULT_DB_ALIAS):
        """The rows for these arguments, as dicts keyed like values()."""
        if len(args) != len(self.types):
            raise TypeError(f"expected {len(self.types)} arguments, got {len(args)}")
        compiled = self._compiled.get(using) or self._compile(using)
        connection = connections[using]
        args = [
            kind.bound(arg, connection) if kind is Contains else arg for kind, arg in zip(self.types, args, strict=True)
        ]
        params = [value if index is None else value(args[index]) for index, value in compiled.params]
        # PostgreSQL may also prepare the statement on the server, once per connection (core.db.postgresql_backend).
        reusing = getattr(connection, "plan_reusing_cursor", None)
        with reusing(compiled.sql) if reusing else connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            fetched = cursor.fetchall()
        names, converters = compiled.names, compiled.converters
        result = []
        for row in fetched:
            if converters:
                row = list(row)
                for position, functions, expression in converters:
                    value = row[position]
                    for function in functions:
                        value = function(value, expression, connection)
                    row[position] = value
            result.append(dict(zip(names, row, strict=True)))
        return result

    def first(self, *args, using=DEFAULT_DB_ALIAS):
        """The first row, or None."""
        rows = self.rows(*args, using=using)
        return rows[0] if rows else None

    def _compile(self, using):
        stand_ins = [_STAND_INS[kind](index) for index, kind in enumerate(self.types)]
        queryset = self.build(*stand_ins)
        connection = connections[using]
        stand_ins = [
            kind.bound(s, connection) if kind is Contains else s for kind, s in zip(self.types, stand_ins, strict=True)
        ]
        query = queryset.query
        if not query.selected or query.extra_select:
            raise ImproperlyConfigured("PreparedQuery needs a values() queryset.")
        compiler = query.get_compiler(using)
        try:
            sql, bound = compiler.as_sql()
        except EmptyResultSet:
            raise ImproperlyConfigured("PreparedQuery parameters must be values their columns can hold.") from None
        params, found = [], set()
        for value in bound:
            index = next((i for i, s in enumerate(stand_ins) if isinstance(value, type(s)) and value == s), None)
            found.add(index)
            params.append((index, value if index is None else type(value)))
        missing = set(range(len(stand_ins))) - found
        if missing:
            raise ImproperlyConfigured(
                f"PreparedQuery parameters {sorted(missing)} are not bound as given (the ORM rewrote them)."
            )
        if self.counts:
            compiled = _Compiled(f"SELECT COUNT(*) FROM ({sql}) counted", tuple(params), ("count",), ())
        else:
            names = tuple(query.selected)
            columns = [select[0] for select in compiler.select[: compiler.col_count]]
            converters = tuple(
                (position, tuple(functions), expression)
                for position, (functions, expression) in compiler.get_converters(columns).items()
            )
            compiled = _Compiled(sql, tuple(params), names, converters)
        self._compiled[using] = compiled
        return compiled


class PreparedCount(PreparedQuery):
    """The number of rows of a values() queryset (give it `.order_by().values("pk")`): `count(*args)`."""

    counts = True

    def count(self, *args, using=DEFAULT_DB_ALIAS):
        return self.rows(*args, using=using)[0]["count"]


# What a stand-in proves the ORM binds unchanged: ints within 32 bits (every integer column holds them), and
# decimals of at most two places below 10^8 (the money columns). Larger values are left to the ORM, which
# may answer "no match" for a value its column cannot hold instead of binding it.
_BINDABLE = {
    int: lambda value: -(2**31) <= value < 2**31,
    Decimal: lambda value: value.is_finite() and value.as_tuple().exponent >= -2 and abs(value) < 10**8,
    str: lambda value: True,
    Contains: lambda value: True,
}


def bindable(kind, value):
    """Whether a prepared statement binds `value` (of parameter type `kind`) exactly as the ORM would."""
    expected = str if kind is Contains else kind
    return type(value) is expected and _BINDABLE[kind](value)
