"""A list's FilterSet is its only parser; prepared statements are derived from the FilterSet's cleaned values.

`PreparedList(OfferFilter, base_queryset)` validates the query parameters with the FilterSet (a 400 names
the parameter, as DjangoFilterBackend answers), and turns the cleaned values into a *selection*: which
filters are set, the values to bind, and the values that choose the statement (an ordering). The statement
for a selection is built by applying the FilterSet's own filters to stand-in values (core.db.prepared), so
adding a filter to the FilterSet adds it here too. Each filter says how its value binds with
`prepared_type` (int, Decimal, Contains, or BY_VALUE); a choice or ordering filter chooses by value. A
filter without one, or a value outside what the statement binds (core.db.prepared.bindable), makes the
list go through the FilterSet's queryset instead, which gives the same rows.

A successful validation is kept per distinct parameter string (the frontend sends few): the FilterSet's
form costs more than the prepared statement it selects. Invalid parameters are validated every time, so
their messages are always in the request's language.
"""

import functools
from dataclasses import dataclass

from django.http import QueryDict
from django_filters import filters
from django_filters.constants import EMPTY_VALUES
from django_filters.utils import translate_validation

from core.db.prepared import PreparedCount, PreparedQuery, bindable

BY_VALUE = "by value"  # the filter's value chooses the statement (an ordering); it is never bound

_VALIDATED_PARAMETER_SETS = 1024
_STATEMENTS = 512


def prepared_type(filter_):
    """How a filter's cleaned value enters a prepared statement, or None when it cannot."""
    declared = getattr(filter_, "prepared_type", None)
    if declared is not None:
        return declared
    # A choice (an ordering too) has few valid values: each chooses its own statement.
    return BY_VALUE if isinstance(filter_, filters.ChoiceFilter) else None


@dataclass(frozen=True)
class Selection:
    """The set filters of one request: `key` chooses the statement, `args` are bound to it."""

    key: tuple
    types: tuple
    args: tuple
    prepared: bool


def _frozen(value):
    return tuple(value) if isinstance(value, list) else value


class PreparedList:
    """Prepared statements for the lists one FilterSet filters (see the module docstring)."""

    def __init__(self, filterset_class, base_queryset):
        self.filterset_class = filterset_class
        self.base_queryset = base_queryset
        self._kinds = {name: prepared_type(f) for name, f in filterset_class.base_filters.items()}
        self._cleaned = functools.lru_cache(maxsize=_VALIDATED_PARAMETER_SETS)(self._validate)
        self._statement = functools.lru_cache(maxsize=_STATEMENTS)(self._build)

    def select(self, params, request=None):
        """The selection for these query parameters; a ValidationError (400) when the FilterSet refuses them."""
        raw = tuple((name, tuple(params.getlist(name))) for name in self._kinds)
        selection = self._cleaned(raw)
        if selection is None:
            filterset = self.filterset_class(params, queryset=self.base_queryset(), request=request)
            filterset.is_valid()
            raise translate_validation(filterset.errors)
        return selection

    def queryset(self, selection):
        """The FilterSet's queryset for a selection: the same rows as its prepared statements."""
        return self._filtered(selection.key, selection.args)

    def rows(self, selection, finish, *finish_args):
        """`finish(filtered_queryset, *finish_args)` (a values() queryset) run as a prepared statement."""
        if not selection.prepared:
            return list(finish(self.queryset(selection), *finish_args))
        return self._statement(selection.key, selection.types, finish, finish_args).rows(*selection.args)

    def count(self, selection):
        """The number of rows of the selection."""
        if not selection.prepared:
            return self.queryset(selection).count()
        return self._statement(selection.key, selection.types, None, ()).count(*selection.args)

    def _validate(self, raw):
        data = QueryDict(mutable=True)
        for name, values in raw:
            if values:
                data.setlist(name, list(values))
        filterset = self.filterset_class(data, queryset=self.base_queryset())
        if not filterset.is_valid():
            return None
        key, types, args, prepared = [], [], [], True
        for name, value in filterset.form.cleaned_data.items():
            if value in EMPTY_VALUES:
                continue
            kind = self._kinds[name]
            if kind is None:
                prepared = False
                key.append((name, BY_VALUE, _frozen(value)))
            elif kind is BY_VALUE:
                key.append((name, BY_VALUE, _frozen(value)))
            elif isinstance(value, tuple):  # several values of one kind (the terms of a search)
                key.append((name, len(value), None))
                types.extend([kind] * len(value))
                args.extend(value)
            else:
                key.append((name, None, None))
                types.append(kind)
                args.append(value)
        prepared = prepared and all(bindable(kind, arg) for kind, arg in zip(types, args, strict=True))
        return Selection(tuple(key), tuple(types), tuple(args), prepared)

    def _filtered(self, key, args):
        queryset = self.base_queryset()
        filterset = self.filterset_class(queryset=queryset)
        remaining = iter(args)
        for name, arity, chosen in key:
            if arity is BY_VALUE:
                value = list(chosen) if isinstance(chosen, tuple) else chosen
            elif arity is None:
                value = next(remaining)
            else:
                value = tuple(next(remaining) for _ in range(arity))
            queryset = filterset.filters[name].filter(queryset, value)
        return queryset

    def _build(self, key, types, finish, finish_args):
        if finish is None:
            return PreparedCount(lambda *args: self._filtered(key, args).order_by().values("pk"), *types)
        return PreparedQuery(lambda *args: finish(self._filtered(key, args), *finish_args), *types)
