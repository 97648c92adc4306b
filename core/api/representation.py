"""Read serializers' JSON built from values() rows: the serializer is the definition, this is how it is read fast.

A DRF serializer builds a field object per attribute and calls it for every row; on lists of hundreds of
rows that is most of a request's time. `ReadShape` reads the serializer's declared fields once and derives
from them what `values()` must select and how a row becomes the serializer's output:

- a field whose source is a column (or a path through foreign keys, `user.first_name`) is that column;
- a file or image field is its column, answered as the absolute URL DRF's file fields give;
- a nested single serializer (`user_details`) is an object of its own fields' columns, prefixed by its source;
- anything else (a list of related objects, a computed field) needs an explicit hook, given by name.

So adding a field to a read serializer adds it to the fast path, and a field the fast path cannot read
fails at import, not in a response. The JSON encoder writes datetimes and decimals as DRF's fields do
(core/tests/test_representation.py compares both for every shape).
"""

from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import default_storage
from rest_framework import relations, serializers

_COLUMN, _FILE, _NESTED, _HOOK = range(4)


def media_url(request, name):
    """What DRF's file fields answer for a stored file name: its absolute URL, or None."""
    return request.build_absolute_uri(default_storage.url(name)) if name else None


def _column(field, prefix):
    if field.source == "*":
        raise ImproperlyConfigured(f"{field.field_name!r} reads the whole object: give it a hook.")
    return prefix + "__".join(field.source_attrs)


def _plan(serializer, prefix, hooks, owner):
    plan = []
    for name, field in serializer.fields.items():
        if field.write_only:
            continue
        if not prefix and name in hooks:
            plan.append((name, _HOOK, name))
        elif isinstance(field, serializers.ListSerializer | relations.ManyRelatedField):
            raise ImproperlyConfigured(f"{owner}.{name} is a list of related objects: give it a hook.")
        elif isinstance(field, serializers.BaseSerializer):
            nested_prefix = _column(field, prefix) + "__"
            nested = _plan(field, nested_prefix, {}, f"{owner}.{name}")
            if any(kind != _COLUMN for _name, kind, _arg in nested):
                raise ImproperlyConfigured(f"{owner}.{name} nests more than columns: give it a hook.")
            plan.append((name, _NESTED, tuple((key, column) for key, _kind, column in nested)))
        elif isinstance(field, serializers.SerializerMethodField | relations.HyperlinkedRelatedField):
            raise ImproperlyConfigured(f"{owner}.{name} is computed: give it a hook.")
        elif isinstance(field, serializers.FileField):
            plan.append((name, _FILE, _column(field, prefix)))
        else:
            plan.append((name, _COLUMN, _column(field, prefix)))
    return plan


class ReadShape:
    """A read serializer's output, derived from its fields, built from `values(*shape.columns)` rows.

    `hooks` maps a field name to `hook(rows, request)`, which returns that field's values for the rows, in
    their order: the one place where a shape needs more than its rows (an offer's package links).
    """

    def __init__(self, serializer_class, hooks=None):
        hooks = hooks or {}
        self.serializer_class = serializer_class
        self.hooks = hooks
        self.plan = tuple(_plan(serializer_class(), "", hooks, serializer_class.__name__))
        unknown = set(hooks) - {name for name, kind, _arg in self.plan if kind == _HOOK}
        if unknown:
            raise ImproperlyConfigured(f"{serializer_class.__name__} has no fields {sorted(unknown)} to hook.")
        columns = []
        for _name, kind, arg in self.plan:
            if kind in (_COLUMN, _FILE):
                columns.append(arg)
            elif kind == _NESTED:
                columns.extend(column for _key, column in arg)
        self.columns = tuple(dict.fromkeys(columns))
        # When every field is a column of its own name, values() rows already are the output.
        self._rows_are_output = all(kind == _COLUMN and name == arg for name, kind, arg in self.plan)

    def values(self, queryset):
        """`queryset` (of the serializer's model) as the rows this shape reads."""
        return queryset.values(*self.columns)

    def represent(self, rows, request=None):
        """The serializer's output for `values()` rows of `self.columns` (a list, in the rows' order)."""
        if self._rows_are_output:
            return list(rows)
        rows = list(rows)
        hooked = {name: hook(rows, request) for name, hook in self.hooks.items()}
        output = []
        for index, row in enumerate(rows):
            item = {}
            for name, kind, arg in self.plan:
                if kind == _COLUMN:
                    item[name] = row[arg]
                elif kind == _FILE:
                    item[name] = media_url(request, row[arg])
                elif kind == _NESTED:
                    item[name] = {key: row[column] for key, column in arg}
                else:
                    item[name] = hooked[name][index]
            output.append(item)
        return output

    def read(self, queryset, request=None):
        """The serializer's output for every object of `queryset`."""
        return self.represent(self.values(queryset), request)
