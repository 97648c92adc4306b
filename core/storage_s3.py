"""The S3 media backend (MEDIA_STORAGE=s3): django-storages' S3Storage with outages as StorageUnavailable.

A module of its own so that boto3 is only imported by processes whose settings choose it.
"""

from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError, HTTPClientError
from botocore.exceptions import ConnectionError as BotoConnectionError
from storages.backends.s3 import S3Storage

from core.storage import StorageUnavailable


def is_outage(exc):
    """Connection refused or reset, a timeout, or a 5xx answer (InternalError, SlowDown, ...)."""
    if isinstance(exc, (BotoConnectionError, HTTPClientError)):
        return True
    if isinstance(exc, ClientError):
        return exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) >= 500
    return False


class S3MediaStorage(S3Storage):
    """django-storages' S3 backend; an unreachable or failing bucket raises StorageUnavailable.

    URLs are public and unsigned: `url()` only formats the bucket's public address (core/settings.py derives
    it when no custom domain is given), so answering a list of images sends no request to the storage.
    """

    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            # Public objects under unsigned URLs that never expire: the frontend keeps them.
            "querystring_auth": False,
            # Names are generated per upload (core/images.py) and never reused: no existence check before a
            # write, and caches may keep an object for good.
            "file_overwrite": True,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
            # An image is at most MAX_IMAGE_UPLOAD_BYTES: one PUT from the request's own thread, no thread pool.
            "transfer_config": TransferConfig(use_threads=False),
        }

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except Exception as exc:
            if is_outage(exc):
                raise StorageUnavailable(f"{exc.__class__.__name__} writing a media object") from exc
            raise
