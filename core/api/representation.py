"""Fast read paths for the hot endpoints.

A DRF serializer builds a field object per attribute and calls it for every row; on lists of hundreds of
rows that is most of a request's time. Where a read serializer's fields are model columns (a foreign key
shown as its id), `values()` yields its output directly, and the JSON encoder writes datetimes and
decimals the way DRF's fields do. The serializers remain the definition and the OpenAPI schema;
core/tests/test_representation.py compares both outputs, so the two cannot drift apart.
"""

from django.core.files.storage import default_storage


def serialized_rows(queryset, serializer_class):
    """The rows of `queryset` as `serializer_class` shows them, read with values()."""
    return list(queryset.values(*serializer_class.Meta.fields))


def media_url(request, name):
    """What DRF's file fields answer for a stored file name: its absolute URL, or None."""
    return request.build_absolute_uri(default_storage.url(name)) if name else None
