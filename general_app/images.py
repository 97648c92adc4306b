"""The one image upload pipeline, shared by profile pictures and offer images.

An upload is trusted only after Pillow has decoded it: the file name and the declared content type are
ignored. Accepted images are re-encoded, which drops metadata (EXIF, GPS) and anything appended after the
image data, and stored under a generated name. Old files are removed when replaced or when their owner
row is deleted, once the transaction has committed.
"""

import io
import uuid
import warnings

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from PIL import Image, ImageOps, UnidentifiedImageError
from rest_framework import serializers

IMAGE_TOO_LARGE = "The image must be at most {limit_mb} MB."
IMAGE_TOO_MANY_PIXELS = "The image must have at most {limit_mp} megapixels."
IMAGE_EMPTY = "The uploaded file is empty."
IMAGE_INVALID = "Upload a valid JPEG, PNG, GIF or WebP image."

# Pillow format name -> (extension, save options). Re-encoding in the same format keeps quality sensible.
ALLOWED_FORMATS = {
    "JPEG": ("jpg", {"quality": 90, "optimize": True}),
    "PNG": ("png", {"optimize": True}),
    "GIF": ("gif", {}),
    "WEBP": ("webp", {"quality": 90}),
}


def sanitize_image(upload):
    """Validate an uploaded file as an image and return a clean re-encoded copy as a ContentFile.

    Raises serializers.ValidationError with a message that stands on its own.
    """
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise serializers.ValidationError(IMAGE_EMPTY)
    if size > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise serializers.ValidationError(
            IMAGE_TOO_LARGE.format(limit_mb=round(settings.MAX_IMAGE_UPLOAD_BYTES / (1024 * 1024), 1))
        )
    too_many_pixels = serializers.ValidationError(
        IMAGE_TOO_MANY_PIXELS.format(limit_mp=round(settings.MAX_IMAGE_PIXELS / 1_000_000))
    )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limit and twice that; treat every oversize image as an error.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                if image.format not in ALLOWED_FORMATS:
                    raise serializers.ValidationError(IMAGE_INVALID)
                width, height = image.size
                if width * height > settings.MAX_IMAGE_PIXELS:
                    raise too_many_pixels
                image.load()
                data, extension = _reencode(image)
    except serializers.ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise serializers.ValidationError(IMAGE_INVALID) from exc
    finally:
        upload.seek(0)
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}")


def _reencode(image):
    """Write the decoded pixels of `image` to fresh bytes in its own format, without any metadata."""
    image_format = image.format
    extension, options = ALLOWED_FORMATS[image_format]
    if image_format == "JPEG":
        # Apply the EXIF orientation to the pixels before the EXIF block is dropped.
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
    kept = {key: image.info[key] for key in ("transparency",) if key in image.info}
    clean = image.copy()
    clean.info = {}
    buffer = io.BytesIO()
    clean.save(buffer, format=image_format, **options, **kept)
    return buffer.getvalue(), extension


class SanitizedImageField(serializers.FileField):
    """An image upload that goes through `sanitize_image`; answers an absolute URL or null."""

    def to_internal_value(self, data):
        upload = super().to_internal_value(data)
        return sanitize_image(upload)


def _remember_old_file(field_name):
    def receiver(sender, instance, raw=False, **kwargs):
        if raw or instance._state.adding or not instance.pk:
            instance._old_image_names = {}
            return
        old = sender.objects.filter(pk=instance.pk).values_list(field_name, flat=True).first()
        instance.__dict__.setdefault("_old_image_names", {})[field_name] = old or ""

    return receiver


def _delete_file_on_commit(storage, name):
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def _delete_replaced_file(field_name):
    def receiver(sender, instance, raw=False, **kwargs):
        old = getattr(instance, "_old_image_names", {}).get(field_name, "")
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
