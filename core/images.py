"""The one image upload pipeline, shared by profile pictures and offer images.

An upload is trusted only after Pillow has decoded it: the file name and the declared content type are
ignored. Accepted images are re-encoded, which drops metadata (EXIF, GPS, comments, ICC profiles) and
anything appended after the image data, and stored under a generated name. Old files are removed when
replaced or when their owner row is deleted, once the transaction has committed. Every read and write goes
through the storage API (local files or S3, core/storage.py).
"""

import functools
import io
import logging
import uuid
import warnings

from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.translation import gettext_lazy as _
from PIL import GifImagePlugin, Image, ImageOps, JpegImagePlugin, PngImagePlugin, WebPImagePlugin
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.utils import html

logger = logging.getLogger("coderr.media")

IMAGE_TOO_LARGE = _("The image must be at most {limit_mb} MB.")
IMAGE_TOO_MANY_PIXELS = _("The image must have at most {limit_mp} megapixels.")
IMAGE_EMPTY = _("The uploaded file is empty.")
IMAGE_INVALID = _("Upload a valid JPEG, PNG, GIF or WebP image.")

_JPEG_OPTIONS = {"quality": 90, "optimize": True}

# Only these decoders ever see an upload; their plugins are imported above so that they are registered.
DECODERS = ("JPEG", "PNG", "GIF", "WEBP")
_PLUGINS = (GifImagePlugin, JpegImagePlugin, PngImagePlugin, WebPImagePlugin)

# Pillow's format name -> (format written, file extension, save options). The JPEG decoder reports the
# multi-picture JPEGs that phone cameras write as MPO: their main picture is kept.
FORMATS = {
    "JPEG": ("JPEG", "jpg", _JPEG_OPTIONS),
    "MPO": ("JPEG", "jpg", _JPEG_OPTIONS),
    "PNG": ("PNG", "png", {}),
    "GIF": ("GIF", "gif", {}),
    "WEBP": ("WEBP", "webp", {"quality": 90}),
}


def image_too_large_message():
    return IMAGE_TOO_LARGE.format(limit_mb=f"{round(settings.MAX_IMAGE_UPLOAD_BYTES / (1024 * 1024), 1):g}")


def image_too_many_pixels_message():
    return IMAGE_TOO_MANY_PIXELS.format(limit_mp=f"{round(settings.MAX_IMAGE_PIXELS / 1_000_000, 1):g}")


def sanitize_image(upload):
    """Validate an uploaded file as an image and return a clean re-encoded copy as a ContentFile.

    Raises serializers.ValidationError with a message that stands on its own.
    """
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise serializers.ValidationError(IMAGE_EMPTY)
    if size > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise serializers.ValidationError(image_too_large_message())
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; treat every oversize image as an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=DECODERS) as image:
                width, height = image.size
                # Checked on the header, before any pixel is decoded: a few kilobytes can claim gigapixels.
                if width * height > settings.MAX_IMAGE_PIXELS:
                    raise serializers.ValidationError(image_too_many_pixels_message())
                image.load()
                data, extension = _reencode(image)
    except serializers.ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise serializers.ValidationError(image_too_many_pixels_message()) from exc
    except Exception as exc:
        # Pillow's decoders signal hostile or broken input with many exception types (OSError, SyntaxError,
        # ValueError, struct.error, IndexError, ...); each of them means the upload is not a usable image.
        raise serializers.ValidationError(IMAGE_INVALID) from exc
    finally:
        upload.seek(0)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}")


def _reencode(image):
    """Write the decoded pixels of `image` to fresh bytes, without any metadata."""
    save_format, extension, options = FORMATS[image.format]
    if save_format == "JPEG":
        # Apply the EXIF orientation to the pixels before the EXIF block is dropped.
        ImageOps.exif_transpose(image, in_place=True)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
    kept = {key: image.info[key] for key in ("transparency",) if key in image.info}
    image.info = {}
    buffer = io.BytesIO()
    image.save(buffer, format=save_format, **options, **kept)
    return buffer.getvalue(), extension


class SanitizedImageField(serializers.FileField):
    """An image upload that goes through `sanitize_image`; answers an absolute URL or null."""

    def __init__(self, **kwargs):
        # sanitize_image words the empty-file error itself, like every other rejection.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def get_value(self, dictionary):
        # A form whose file input was left alone sends the field empty: that means "no new image", whereas
        # JSON null (where the field allows it) removes the image.
        if html.is_html_input(dictionary) and dictionary.get(self.field_name) == "":
            return empty
        return super().get_value(dictionary)

    def to_internal_value(self, data):
        upload = super().to_internal_value(data)
        return sanitize_image(upload)


def _remember_old_file(field_name):
    def receiver(sender, instance, raw=False, update_fields=None, **kwargs):
        old_names = instance.__dict__.setdefault("_old_image_names", {})
        old_names.pop(field_name, None)
        if raw or instance._state.adding or instance.pk is None:
            return
        if update_fields is not None and field_name not in update_fields:
            return
        old = sender._base_manager.filter(pk=instance.pk).values_list(field_name, flat=True).first()
        old_names[field_name] = old or ""

    return receiver


def _delete_stored_file(storage, name):
    # The row change has committed: a storage failing now must not turn the answer into an error. The file
    # stays behind, and the log names it.
    try:
        storage.delete(name)
    except Exception:
        logger.exception("Could not delete the media file %r; it stays in the storage.", name)


def _delete_file_on_commit(storage, name):
    if name:
        transaction.on_commit(functools.partial(_delete_stored_file, storage, name))


def _delete_replaced_file(field_name):
    def receiver(sender, instance, **kwargs):
        old = instance.__dict__.get("_old_image_names", {}).pop(field_name, "")
        current = getattr(instance, field_name)
        if old and old != (current.name or ""):
            _delete_file_on_commit(current.storage, old)

    return receiver


def _delete_file_of_deleted_row(field_name):
    def receiver(sender, instance, **kwargs):
        file = getattr(instance, field_name)
        if file:
            _delete_file_on_commit(file.storage, file.name)

    return receiver


def register_image_cleanup(model, field_name):
    """Delete `model.field_name`'s old file when it is replaced or its row deleted (after commit)."""
    uid = f"image-cleanup:{model._meta.label}.{field_name}"
    pre_save.connect(_remember_old_file(field_name), sender=model, weak=False, dispatch_uid=f"{uid}:pre")
    post_save.connect(_delete_replaced_file(field_name), sender=model, weak=False, dispatch_uid=f"{uid}:post")
    post_delete.connect(_delete_file_of_deleted_row(field_name), sender=model, weak=False, dispatch_uid=f"{uid}:del")


def clean_uploaded_image(value):
    """Send a new admin upload through the API's image pipeline (verified, re-encoded, renamed).

    Anything else (the current image kept, or False for "clear") passes through unchanged.
    """
    if not isinstance(value, UploadedFile):
        return value
    try:
        return sanitize_image(value)
    except serializers.ValidationError as exc:
        raise forms.ValidationError([str(message) for message in exc.detail]) from exc
