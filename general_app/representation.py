"""Fast read paths for the hot endpoints.

A DRF serializer builds a field object per attribute and calls it for every row; on lists of hundreds of
rows that is most of a request's time. Where a read serializer's fields are plain model columns (a foreign
key shown as its id), `values()` yields exactly its output, and the JSON encoder writes datetimes and
decimals the way DRF's fields do. The serializers remain the definition and the OpenAPI schema: each app's
tests compare both outputs, so the two cannot drift apart.
"""


def serialized_rows(queryset, serializer_class):
    """The rows of `queryset` as `serializer_class` shows them, read with values()."""
    return list(queryset.values(*serializer_class.Meta.fields))


def absolute_file_url(request, file):
    """What DRF's FileField answers: the absolute URL of a stored file, or None."""
    return request.build_absolute_uri(file.url) if file else None
