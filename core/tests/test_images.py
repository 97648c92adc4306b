"""The image pipeline: sanitize_image, SanitizedImageField and register_image_cleanup."""

import io
import random

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.http import QueryDict
from django.test import override_settings
from PIL import Image
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.test import APIRequestFactory

from core.images import (
    IMAGE_EMPTY,
    IMAGE_INVALID,
    SanitizedImageField,
    image_too_large_message,
    image_too_many_pixels_message,
    sanitize_image,
)
from core.testing import CoderrTestCase, image_bytes, stored_files
from profile_app.models import Profile

HTML_PAYLOAD = b"<script>alert(1)</script>"
ORIENTATION = 0x0112
GPS_IFD = 0x8825


def upload(content, name="upload.png", content_type="image/png"):
    return SimpleUploadedFile(name, content, content_type)


def encode(image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **options)
    return buffer.getvalue()


def noisy(fmt, size=(64, 64)):
    rng = random.Random(3)
    pixels = bytes(rng.randrange(256) for _ in range(size[0] * size[1] * 3))
    return encode(Image.frombytes("RGB", size, pixels), fmt)


def gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", (52.0, 31.0, 12.0)
    return exif


def decoded(content_file):
    content_file.seek(0)
    image = Image.open(io.BytesIO(content_file.read()))
    image.load()
    return image


class SanitizeImageAcceptsTests(CoderrTestCase):
    def test_each_allowed_format_comes_back_re_encoded_under_a_generated_name(self):
        for fmt, extension in [("JPEG", "jpg"), ("PNG", "png"), ("GIF", "gif"), ("WEBP", "webp")]:
            with self.subTest(fmt):
                clean = sanitize_image(upload(image_bytes(fmt, size=(5, 3))))
                self.assertRegex(clean.name, rf"^[0-9a-f]{{32}}\.{extension}$")
                image = decoded(clean)
                self.assertEqual((image.format, image.size), (fmt, (5, 3)))

    def test_generated_names_differ_for_the_same_image(self):
        self.assertNotEqual(sanitize_image(upload(image_bytes())).name, sanitize_image(upload(image_bytes())).name)

    def test_name_and_content_type_are_not_trusted(self):
        clean = sanitize_image(upload(image_bytes("JPEG"), name="avatar.png.php", content_type="image/svg+xml"))
        self.assertTrue(clean.name.endswith(".jpg"))
        self.assertEqual(decoded(clean).format, "JPEG")

    def test_multi_picture_jpeg_from_a_phone_is_stored_as_its_main_picture(self):
        main = Image.new("RGB", (6, 4), (255, 0, 0))
        content = encode(main, "MPO", save_all=True, append_images=[Image.new("RGB", (6, 4), (0, 0, 255))])
        self.assertEqual(Image.open(io.BytesIO(content)).format, "MPO")
        clean = sanitize_image(upload(content))
        image = decoded(clean)
        self.assertTrue(clean.name.endswith(".jpg"))
        self.assertEqual((image.format, image.size), ("JPEG", (6, 4)))
        red, green, blue = image.getpixel((3, 2))
        self.assertGreater(red, 200)
        self.assertLess(blue, 50)

    def test_unusual_modes_are_accepted(self):
        cases = [
            ("CMYK JPEG", Image.new("CMYK", (4, 4)), "JPEG"),
            ("greyscale JPEG", Image.new("L", (4, 4)), "JPEG"),
            ("16-bit PNG", Image.new("I;16", (4, 4)), "PNG"),
            ("grey+alpha PNG", Image.new("LA", (4, 4)), "PNG"),
            ("1-bit PNG", Image.new("1", (4, 4)), "PNG"),
            ("RGBA WebP", Image.new("RGBA", (4, 4), (1, 2, 3, 4)), "WEBP"),
        ]
        for label, image, fmt in cases:
            with self.subTest(label):
                self.assertEqual(decoded(sanitize_image(upload(encode(image, fmt)))).format, fmt)

    def test_palette_transparency_survives(self):
        clean = sanitize_image(upload(encode(Image.new("P", (4, 4), 0), "PNG", transparency=0)))
        self.assertEqual(decoded(clean).info.get("transparency"), 0)

    def test_an_animated_gif_keeps_its_first_frame(self):
        frames = [Image.new("P", (4, 4), index) for index in range(3)]
        content = encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
        image = decoded(sanitize_image(upload(content)))
        self.assertEqual((image.format, getattr(image, "n_frames", 1)), ("GIF", 1))

    @override_settings(MAX_IMAGE_UPLOAD_BYTES=2000)
    def test_a_file_of_exactly_the_size_limit_is_accepted(self):
        content = image_bytes("PNG")
        content += b"\0" * (2000 - len(content))
        self.assertEqual(len(content), 2000)
        sanitize_image(upload(content))

    @override_settings(MAX_IMAGE_PIXELS=100)
    def test_an_image_of_exactly_the_pixel_limit_is_accepted(self):
        self.assertEqual(decoded(sanitize_image(upload(image_bytes(size=(10, 10))))).size, (10, 10))

    def test_the_upload_is_rewound_afterwards(self):
        file = upload(image_bytes())
        sanitize_image(file)
        self.assertEqual(file.tell(), 0)


class SanitizeImageRejectsTests(CoderrTestCase):
    def assertRejected(self, content, message, **upload_options):
        with self.assertRaises(serializers.ValidationError) as caught:
            sanitize_image(upload(content, **upload_options))
        self.assertEqual(caught.exception.detail, [message])

    def test_files_that_are_not_an_allowed_image_are_invalid(self):
        jpeg, png, gif, webp = noisy("JPEG"), noisy("PNG"), noisy("GIF"), noisy("WEBP")
        cases = [
            ("text named .png", b"hello, I am text"),
            ("SVG", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
            ("HTML", b"<!DOCTYPE html><html>" + HTML_PAYLOAD),
            ("PDF", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"),
            ("PNG signature only", b"\x89PNG\r\n\x1a\n"),
            ("JPEG cut in the header", jpeg[:40]),
            ("JPEG cut in the scan", jpeg[: len(jpeg) // 2]),
            ("JPEG without its end marker", jpeg[:-2]),
            ("PNG cut in the pixel data", png[: len(png) // 2]),
            ("GIF cut in the pixel data", gif[: len(gif) // 2]),
            ("WebP cut in the pixel data", webp[: len(webp) // 2]),
            ("BMP", image_bytes("BMP")),
            ("TIFF", image_bytes("TIFF")),
            ("ICO", encode(Image.new("RGB", (16, 16)), "ICO")),
            ("PPM", encode(Image.new("RGB", (4, 4)), "PPM")),
        ]
        for label, content in cases:
            with self.subTest(label):
                self.assertRejected(content, IMAGE_INVALID)

    def test_an_empty_file_is_rejected(self):
        self.assertRejected(b"", IMAGE_EMPTY)

    def test_a_file_over_the_size_limit_is_rejected_before_decoding(self):
        with override_settings(MAX_IMAGE_UPLOAD_BYTES=2000):
            content = image_bytes("PNG")
            content += b"\0" * (2001 - len(content))
            self.assertRejected(content, image_too_large_message())
        # Even a payload that is no image at all gets the size message: it is checked first.
        self.assertRejected(b"x" * (5 * 1024 * 1024 + 1), "The image must be at most 5 MB.")

    def test_the_size_message_names_the_configured_limit(self):
        for limit, text in [(5 * 1024 * 1024, "5"), (1536 * 1024, "1.5"), (10 * 1024 * 1024, "10")]:
            with self.subTest(limit), override_settings(MAX_IMAGE_UPLOAD_BYTES=limit):
                self.assertEqual(image_too_large_message(), f"The image must be at most {text} MB.")

    def test_the_pixel_message_names_the_configured_limit(self):
        self.assertEqual(image_too_many_pixels_message(), "The image must have at most 25 megapixels.")
        with override_settings(MAX_IMAGE_PIXELS=2_500_000):
            self.assertEqual(image_too_many_pixels_message(), "The image must have at most 2.5 megapixels.")

    @override_settings(MAX_IMAGE_PIXELS=100)
    def test_one_pixel_over_the_limit_is_rejected(self):
        self.assertRejected(image_bytes(size=(101, 1)), image_too_many_pixels_message())

    def test_decompression_bombs_are_rejected_by_their_header(self):
        for label, size in [("30 megapixels", (6000, 5000)), ("beyond Pillow's own limit", (20000, 20000))]:
            with self.subTest(label):
                content = encode(Image.new("1", size), "PNG")
                self.assertLess(len(content), 60_000)
                self.assertRejected(content, "The image must have at most 25 megapixels.")

    def test_a_gif_bomb_is_rejected(self):
        content = encode(Image.new("P", (6000, 5000)), "GIF")
        self.assertRejected(content, "The image must have at most 25 megapixels.")


class SanitizeImageStripsTests(CoderrTestCase):
    def test_jpeg_exif_with_gps_and_comment_is_dropped(self):
        content = encode(Image.new("RGB", (8, 8)), "JPEG", exif=gps_exif(), comment=b"secret comment")
        self.assertIn(b"PhoneMaker", content)
        clean = sanitize_image(upload(content)).read()
        for marker in (b"Exif", b"PhoneMaker", b"secret comment"):
            self.assertNotIn(marker, clean)
        self.assertEqual(dict(Image.open(io.BytesIO(clean)).getexif()), {})

    def test_webp_exif_is_dropped(self):
        content = encode(Image.new("RGB", (8, 8)), "WEBP", exif=gps_exif())
        self.assertIn(b"PhoneMaker", content)
        self.assertNotIn(b"PhoneMaker", sanitize_image(upload(content)).read())

    def test_png_text_chunks_are_dropped(self):
        from PIL.PngImagePlugin import PngInfo

        info = PngInfo()
        info.add_text("Comment", HTML_PAYLOAD.decode())
        content = encode(Image.new("RGB", (8, 8)), "PNG", pnginfo=info)
        self.assertIn(HTML_PAYLOAD, content)
        self.assertNotIn(HTML_PAYLOAD, sanitize_image(upload(content)).read())

    def test_gif_comment_is_dropped(self):
        content = encode(Image.new("P", (8, 8)), "GIF", comment=HTML_PAYLOAD)
        self.assertIn(HTML_PAYLOAD, content)
        self.assertNotIn(HTML_PAYLOAD, sanitize_image(upload(content)).read())

    def test_data_appended_after_the_image_is_dropped(self):
        for fmt in ("JPEG", "PNG", "GIF", "WEBP"):
            with self.subTest(fmt):
                content = image_bytes(fmt) + HTML_PAYLOAD
                clean = sanitize_image(upload(content)).read()
                self.assertNotIn(HTML_PAYLOAD, clean)
                self.assertEqual(Image.open(io.BytesIO(clean)).format, fmt)

    def test_exif_orientation_is_applied_to_the_pixels_before_it_is_dropped(self):
        exif = Image.Exif()
        exif[ORIENTATION] = 6  # rotate 90° clockwise on display
        content = encode(Image.new("RGB", (10, 4)), "JPEG", exif=exif)
        image = decoded(sanitize_image(upload(content)))
        self.assertEqual(image.size, (4, 10))
        self.assertNotIn(ORIENTATION, image.getexif())


class SanitizedImageFieldTests(CoderrTestCase):
    def field(self, context=None, **kwargs):
        class Form(serializers.Serializer):
            file = SanitizedImageField(required=False, **kwargs)

        return Form(context=context or {}).fields["file"]

    def test_to_internal_value_returns_the_clean_copy(self):
        clean = self.field().run_validation(upload(image_bytes("GIF"), name="x.png"))
        self.assertIsInstance(clean, ContentFile)
        self.assertTrue(clean.name.endswith(".gif"))

    def test_rejections_use_the_pipelines_messages(self):
        field = self.field()
        for content, message in [(b"", IMAGE_EMPTY), (b"nope", IMAGE_INVALID)]:
            with self.subTest(message), self.assertRaises(serializers.ValidationError) as caught:
                field.run_validation(upload(content))
            self.assertEqual(caught.exception.detail, [message])

    def test_a_value_that_is_not_a_file_is_rejected(self):
        with self.assertRaises(serializers.ValidationError):
            self.field().run_validation("http://example.com/picture.png")

    def test_an_empty_form_field_means_no_new_image(self):
        self.assertIs(self.field(allow_null=True).get_value(QueryDict("file=")), empty)
        self.assertIs(self.field(allow_null=True).get_value(QueryDict("other=1")), empty)

    def test_json_null_is_passed_on_when_the_field_allows_it(self):
        self.assertIsNone(self.field(allow_null=True).get_value({"file": None}))

    def test_representation_is_an_absolute_url_or_null(self):
        user = self.make_user()
        profile = Profile.objects.get(user=user)
        request = APIRequestFactory().get("/", HTTP_HOST="127.0.0.1:8000")
        field = self.field(context={"request": request})
        self.assertIsNone(field.to_representation(profile.file))
        profile.file.save("x.png", ContentFile(image_bytes()), save=False)
        self.assertEqual(field.to_representation(profile.file), f"http://127.0.0.1:8000/media/{profile.file.name}")


class RegisterImageCleanupTests(CoderrTestCase):
    """Profile.file is registered in ProfileAppConfig.ready(); these tests drive the receivers directly."""

    def setUp(self):
        super().setUp()
        self.profile = Profile.objects.get(user=self.make_user())
        with self.captureOnCommitCallbacks(execute=True):
            self.profile.file = ContentFile(image_bytes(), name="first.png")
            self.profile.save()
        self.first = self.profile.file.name

    def test_replacing_the_file_deletes_the_old_one_after_commit(self):
        with self.captureOnCommitCallbacks() as callbacks:
            self.profile.file = ContentFile(image_bytes("GIF"), name="second.gif")
            self.profile.save()
        self.assertEqual(stored_files(), {self.first, self.profile.file.name})
        for callback in callbacks:
            callback()
        self.assertEqual(stored_files(), {self.profile.file.name})

    def test_a_rolled_back_replacement_keeps_the_old_file(self):
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            try:
                with transaction.atomic():
                    self.profile.file = ContentFile(image_bytes("GIF"), name="second.gif")
                    self.profile.save()
                    raise RuntimeError("abort")
            except RuntimeError:
                pass
        self.assertEqual(callbacks, [])
        self.assertIn(self.first, stored_files())
        self.assertEqual(Profile.objects.get(pk=self.profile.pk).file.name, self.first)

    def test_saving_other_fields_keeps_the_file_and_does_not_look_it_up(self):
        self.profile.location = "Bonn"
        with self.captureOnCommitCallbacks(execute=True), self.assertNumQueries(1):
            self.profile.save(update_fields=["location"])
        with self.captureOnCommitCallbacks(execute=True):
            self.profile.save()
        self.assertEqual(stored_files(), {self.first})

    def test_clearing_the_field_deletes_the_file(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.profile.file = None
            self.profile.save()
        self.assertEqual(stored_files(), set())
        self.assertEqual(Profile.objects.get(pk=self.profile.pk).file.name, "")

    def test_deleting_the_row_deletes_the_file_after_commit(self):
        with self.captureOnCommitCallbacks() as callbacks:
            self.profile.delete()
        self.assertEqual(stored_files(), {self.first})
        for callback in callbacks:
            callback()
        self.assertEqual(stored_files(), set())

    def test_deleting_a_row_without_a_file_deletes_nothing(self):
        other = Profile.objects.get(user=self.make_user())
        with self.captureOnCommitCallbacks(execute=True) as callbacks:
            other.delete()
        self.assertEqual(callbacks, [])
        self.assertEqual(stored_files(), {self.first})
