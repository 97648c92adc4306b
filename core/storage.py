"""Where uploaded media live: the local file system (default) or an S3-compatible bucket (MEDIA_STORAGE=s3,
core/storage_s3.py).

Both backends turn a failure of the storage itself (disk full or unwritable; S3 unreachable, timing out or
answering 5xx) into `StorageUnavailable`, which the API's exception handler answers with a JSON 503 and
`Retry-After`. Errors that retrying cannot fix (credentials refused, no such bucket) stay what they are
and end as a logged 500. An upload is written while its row is saved, inside the write's transaction, so
a failed upload leaves the row (and the image it had) unchanged.
"""

from urllib.parse import urlsplit

from django.core.files.storage import FileSystemStorage


class StorageUnavailable(Exception):
    """The media storage could not store or remove a file right now; the same request may work later."""


class LocalMediaStorage(FileSystemStorage):
    """Django's FileSystemStorage; a write the file system refuses raises StorageUnavailable."""

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except OSError as exc:
            raise StorageUnavailable(f"{exc.__class__.__name__} writing a media file") from exc


def s3_public_domain(*, bucket, endpoint_url, region, addressing_style):
    """The host (and path) under which the bucket's objects are publicly readable, and the URL's protocol.

    django-storages builds a URL from these by string formatting alone; without them it would sign a request
    with botocore for every URL (and then cut the signature off again).
    """
    if endpoint_url:
        parts = urlsplit(endpoint_url)
        base = parts.netloc + parts.path.rstrip("/")
        domain = f"{bucket}.{base}" if addressing_style == "virtual" else f"{base}/{bucket}"
        return domain, f"{parts.scheme}:"
    host = f"s3.{region}.amazonaws.com" if region else "s3.amazonaws.com"
    return (f"{host}/{bucket}" if addressing_style == "path" else f"{bucket}.{host}"), "https:"
