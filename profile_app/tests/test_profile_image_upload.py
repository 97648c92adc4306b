"""PATCH /api/profile/{user_id}/ with `file`: the image pipeline as the profile endpoint uses it."""

import io
import random

from django.conf import settings
from PIL import Image

from core.images import IMAGE_EMPTY, IMAGE_INVALID
from core.testing import MEDIA_HOST, CoderrTestCase, image_bytes, image_upload, stored_files
from profile_app.models import Profile
from profile_app.tests.utils import media_path

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
HTML_PAYLOAD = b"<html><script>alert(document.cookie)</script></html>"


def url(user_id):
    return f"/api/profile/{user_id}/"


def noisy_image(fmt, size=(64, 64)):
    """An image whose pixel data is long enough to be cut in the middle."""
    rng = random.Random(7)
    pixels = bytes(rng.randrange(256) for _ in range(size[0] * size[1] * 3))
    buffer = io.BytesIO()
    Image.frombytes("RGB", size, pixels).save(buffer, format=fmt)
    return buffer.getvalue()


def bomb_png():
    """A 30-megapixel PNG of a few kilobytes: one colour compresses to almost nothing."""
    buffer = io.BytesIO()
    Image.new("1", (6000, 5000)).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_with_gps():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (52.0, 31.0, 12.0), "E", (13.0, 24.0, 36.0)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 200)).save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


class ProfileImageUploadTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.client = self.make_business()
        self.user = self.client.user

    def upload(self, content=None, name="picture.png", content_type="image/png", **fields):
        file = image_upload(name=name, content=content, content_type=content_type)
        return self.client.patch(url(self.user.pk), {"file": file, **fields}, format="multipart")

    def stored_name(self):
        return Profile.objects.get(pk=self.user.pk).file.name

    def test_hostile_uploads_are_400_on_file_and_leave_no_file_behind(self):
        jpeg = noisy_image("JPEG")
        png = noisy_image("PNG")
        bomb = bomb_png()
        self.assertLess(len(bomb), 10_000)
        too_large = b"\x89PNG" + b"\0" * settings.MAX_IMAGE_UPLOAD_BYTES
        cases = [
            ("text file named .png", b"just some text, not an image", IMAGE_INVALID),
            ("SVG", SVG, IMAGE_INVALID),
            ("HTML", HTML_PAYLOAD, IMAGE_INVALID),
            ("truncated JPEG", jpeg[: len(jpeg) // 2], IMAGE_INVALID),
            ("JPEG without its end", jpeg[:-2], IMAGE_INVALID),
            ("truncated PNG", png[: len(png) // 2], IMAGE_INVALID),
            ("BMP (a real image, not an allowed format)", image_bytes("BMP"), IMAGE_INVALID),
            ("TIFF", image_bytes("TIFF"), IMAGE_INVALID),
            ("30-megapixel PNG bomb", bomb, "The image must have at most 25 megapixels."),
            ("file over the size limit", too_large, "The image must be at most 5 MB."),
            ("empty file", b"", IMAGE_EMPTY),
        ]
        for label, content, message in cases:
            with self.subTest(label):
                response = self.upload(content, location="Bonn")
                self.assertStatus(response, 400)
                self.assertEqual(response.json(), {"file": [message]})
                self.assertEqual(stored_files(), set())
                profile = Profile.objects.get(pk=self.user.pk)
                self.assertEqual((profile.file.name, profile.location), ("", ""))

    def test_hostile_upload_keeps_the_current_image(self):
        self.assertStatus(self.upload(), 200)
        name = self.stored_name()
        self.assertStatus(self.upload(SVG), 400)
        self.assertEqual(self.stored_name(), name)
        self.assertEqual(stored_files(), {name})

    def test_png_with_html_appended_is_accepted_and_stored_without_it(self):
        original = image_bytes("PNG", size=(6, 6))
        response = self.upload(original + HTML_PAYLOAD)
        self.assertStatus(response, 200)
        stored = media_path(self.stored_name()).read_bytes()
        self.assertNotIn(b"<html", stored)
        self.assertNotIn(b"script", stored)
        with Image.open(io.BytesIO(stored)) as image:
            self.assertEqual((image.format, image.size), ("PNG", (6, 6)))

    def test_jpeg_with_gps_exif_is_stored_without_it(self):
        upload = jpeg_with_gps()
        with Image.open(io.BytesIO(upload)) as image:
            self.assertIn(0x8825, image.getexif())
        self.assertStatus(self.upload(upload, name="holiday.jpg", content_type="image/jpeg"), 200)
        stored = media_path(self.stored_name()).read_bytes()
        self.assertNotIn(b"Exif", stored)
        self.assertNotIn(b"PhoneMaker", stored)
        with Image.open(io.BytesIO(stored)) as image:
            self.assertEqual(dict(image.getexif()), {})
            self.assertEqual(image.format, "JPEG")

    def test_each_allowed_format_is_stored_under_a_generated_name_with_its_own_extension(self):
        for fmt, extension in [("JPEG", "jpg"), ("PNG", "png"), ("GIF", "gif"), ("WEBP", "webp")]:
            with self.subTest(fmt):
                # The client's name and content type are not trusted.
                response = self.upload(image_bytes(fmt), name="../../evil.php", content_type="text/html")
                self.assertStatus(response, 200)
                name = self.stored_name()
                self.assertRegex(name, rf"^profile_images/[0-9a-f]{{32}}\.{extension}$")
                with Image.open(media_path(name)) as image:
                    self.assertEqual(image.format, fmt)

    def test_returned_url_is_absolute_and_loads(self):
        response = self.upload()
        self.assertStatus(response, 200)
        file_url = response.json()["file"]
        self.assertEqual(file_url, f"{MEDIA_HOST}/media/{self.stored_name()}")
        image = self.anonymous().get(file_url)
        self.assertEqual(image.status_code, 200)
        self.assertEqual(b"".join(image.streaming_content), media_path(self.stored_name()).read_bytes())

    def test_old_file_is_deleted_once_the_replacement_is_committed(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.assertStatus(self.upload(image_bytes("PNG")), 200)
        old = self.stored_name()
        with self.captureOnCommitCallbacks() as callbacks:
            self.assertStatus(self.upload(image_bytes("JPEG"), name="new.jpg"), 200)
        new = self.stored_name()
        self.assertNotEqual(new, old)
        # Until the transaction commits, a rollback could still need the old file.
        self.assertEqual(stored_files(), {old, new})
        for callback in callbacks:
            callback()
        self.assertEqual(stored_files(), {new})

    def test_json_null_removes_the_image_and_its_file(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.upload()
        self.assertNotEqual(self.stored_name(), "")
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.patch(url(self.user.pk), {"file": None}, format="json")
        self.assertStatus(response, 200)
        self.assertIsNone(response.json()["file"])
        self.assertEqual(self.stored_name(), "")
        self.assertEqual(stored_files(), set())

    def test_editing_other_fields_keeps_the_file(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.upload()
        name = self.stored_name()
        with self.captureOnCommitCallbacks(execute=True):
            self.assertStatus(self.client.patch(url(self.user.pk), {"location": "Bonn"}), 200)
        self.assertEqual(stored_files(), {name})

    def test_deleting_the_user_deletes_the_file(self):
        with self.captureOnCommitCallbacks(execute=True):
            self.upload()
        self.assertEqual(len(stored_files()), 1)
        with self.captureOnCommitCallbacks(execute=True):
            self.user.delete()
        self.assertEqual(stored_files(), set())
