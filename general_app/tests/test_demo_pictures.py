"""seed_demo's pictures: a cover per demo offer and a portrait per demo profile, served, distinct, stored once."""

import hashlib
import io
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

from django.conf import settings
from PIL import Image

from core.testing import MEDIA_HOST, CoderrTestCase, image_upload, stored_files
from general_app.demo_images import COVER_SIZE, PORTRAIT_SIZE
from general_app.management.commands import seed_demo
from general_app.tests.test_seed_demo import run_seed_demo
from offer_app.models import Offer
from profile_app.models import Profile


def file_hashes():
    """{name: sha256 of the content} of every stored file."""
    root = Path(settings.MEDIA_ROOT)
    return {name: hashlib.sha256((root / name).read_bytes()).hexdigest() for name in stored_files()}


class DemoPictureTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        run_seed_demo()

    def fetch_image(self, url):
        """GET an absolute media URL through the test client; the decoded picture."""
        self.assertTrue(url.startswith(f"{MEDIA_HOST}{settings.MEDIA_URL}"), url)
        response = self.client.get(urlsplit(url).path)
        self.assertStatus(response, 200)
        image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
        image.load()
        return image

    def test_every_demo_offer_has_a_cover_that_answers_with_an_image(self):
        response = self.anonymous().get("/api/offers/", {"page_size": 100})
        self.assertStatus(response, 200)
        offers = response.json()["results"]
        self.assertEqual(len(offers), Offer.objects.count())
        for offer in offers:
            with self.subTest(offer=offer["title"]):
                image = self.fetch_image(offer["image"])
                self.assertEqual((image.format, image.size), ("JPEG", COVER_SIZE))
                detail = self.anonymous().get(f"/api/offers/{offer['id']}/").json()
                self.assertEqual(detail["image"], offer["image"])

    def test_every_demo_profile_has_a_picture_that_answers_with_an_image(self):
        client = self.make_customer()
        profiles = [
            *client.get("/api/profiles/business/").json(),
            *client.get("/api/profiles/customer/").json(),
        ]
        demo_profiles = [profile for profile in profiles if profile["user"] != client.user.pk]
        self.assertEqual(len(demo_profiles), Profile.objects.count() - 1)
        for profile in demo_profiles:
            with self.subTest(username=profile["username"]):
                image = self.fetch_image(profile["file"])
                self.assertEqual((image.format, image.size), ("JPEG", PORTRAIT_SIZE))
                self.assertEqual(client.get(f"/api/profile/{profile['user']}/").json()["file"], profile["file"])

    def test_every_picture_is_its_own(self):
        covers = list(Offer.objects.values_list("image", flat=True))
        portraits = list(Profile.objects.values_list("file", flat=True))
        self.assertEqual(len(set(covers)), 26)
        self.assertEqual(len(set(portraits)), 11)
        hashes = file_hashes()
        self.assertEqual(set(hashes), {*covers, *portraits})
        self.assertEqual(len(set(hashes.values())), 37)
        for name in covers:
            self.assertRegex(name, r"^offer_images/[0-9a-f]{32}\.jpg$")
        for name in portraits:
            self.assertRegex(name, r"^profile_images/[0-9a-f]{32}\.jpg$")

    def test_seeding_again_stores_no_new_files(self):
        before = file_hashes()
        output, _ = run_seed_demo()
        self.assertEqual(output, seed_demo.NOTHING_TO_SEED + "\n")
        self.assertEqual(file_hashes(), before)

    def test_the_pictures_are_the_same_in_every_run(self):
        before = file_hashes()
        names = sorted(Offer.objects.values_list("title", "image"))
        with self.captureOnCommitCallbacks(execute=True):
            run_seed_demo("--flush-demo")
        self.assertEqual(stored_files(), set())
        run_seed_demo()
        self.assertEqual(file_hashes(), before)
        self.assertEqual(sorted(Offer.objects.values_list("title", "image")), names)

    def test_pictures_already_stored_are_used_instead_of_written_again(self):
        # Rows flushed, files left behind (the deletion after commit never happened): the next run reuses them.
        before = file_hashes()
        run_seed_demo("--flush-demo")
        self.assertEqual(file_hashes(), before)
        with mock.patch("django.core.files.storage.FileSystemStorage.save") as save:
            run_seed_demo()
        save.assert_not_called()
        pictures = {*Offer.objects.values_list("image", flat=True), *Profile.objects.values_list("file", flat=True)}
        self.assertEqual(pictures, set(before))

    def test_flushing_the_demo_removes_its_pictures_and_keeps_other_files(self):
        owner = self.make_business()
        response = owner.patch(f"/api/profile/{owner.user.pk}/", {"file": image_upload()}, format="multipart")
        self.assertStatus(response, 200)
        own_picture = Profile.objects.get(user=owner.user).file.name
        with self.captureOnCommitCallbacks(execute=True):
            run_seed_demo("--flush-demo")
        self.assertEqual(stored_files(), {own_picture})

    def test_a_failed_run_leaves_no_pictures_behind(self):
        with self.captureOnCommitCallbacks(execute=True):
            run_seed_demo("--flush-demo")
        with (
            mock.patch.object(seed_demo, "create_reviews", side_effect=RuntimeError("boom")),
            self.assertRaises(RuntimeError),
        ):
            run_seed_demo()
        self.assertEqual(stored_files(), set())
        self.assertFalse(Offer.objects.exists())
