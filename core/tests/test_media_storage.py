"""Media on S3-compatible object storage (a real moto server), and storage outages answered as JSON 503.

The S3 tests run the API in-process against `moto_server` started on a free port; the outage tests kill that
process (by its PID) and check that uploads answer 503 with Retry-After, change no row, and that reads,
which only format URLs, keep working.
"""

import io
import json
import shutil
import tempfile
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

from botocore.config import Config
from botocore.exceptions import ClientError, ConnectTimeoutError, EndpointConnectionError, NoCredentialsError
from botocore.httpsession import URLLib3Session
from django.conf import settings
from django.core.files.storage import default_storage
from django.test import SimpleTestCase, override_settings
from PIL import Image

from core.api.exceptions import DATABASE_UNAVAILABLE
from core.storage import s3_public_domain
from core.storage_s3 import is_outage
from core.testing import CoderrTestCase, image_upload, make_offer
from core.tests.servers import S3Server, run_manage, server_env
from offer_app.models import Offer
from offer_app.tests.utils import offer_payload
from profile_app.models import Profile

BUCKET = "coderr-media"
UNAVAILABLE = {"detail": str(DATABASE_UNAVAILABLE)}


def s3_storages(server):
    """STORAGES with media in `server`'s bucket, configured as core/settings.py does for MEDIA_STORAGE=s3."""
    domain, protocol = s3_public_domain(
        bucket=BUCKET, endpoint_url=server.endpoint_url, region=None, addressing_style="path"
    )
    options = {
        "bucket_name": BUCKET,
        "endpoint_url": server.endpoint_url,
        "region_name": "us-east-1",
        "access_key": S3Server.ACCESS_KEY,
        "secret_key": S3Server.SECRET_KEY,
        "custom_domain": domain,
        "url_protocol": protocol,
        "client_config": Config(
            connect_timeout=1,
            read_timeout=2,
            retries={"mode": "standard", "total_max_attempts": 1},
            s3={"addressing_style": "path"},
        ),
    }
    return {**settings.STORAGES, "default": {"BACKEND": "core.storage_s3.S3MediaStorage", "OPTIONS": options}}


def fetch(url):
    """A plain anonymous GET, as a browser loads an <img>: (status, body)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


class S3TestCase(CoderrTestCase):
    """Each class gets its own moto server and bucket; media settings point at it."""

    @classmethod
    def setUpClass(cls):
        s3_dir = tempfile.mkdtemp(prefix="coderr-s3-")
        cls.addClassCleanup(shutil.rmtree, s3_dir, ignore_errors=True)
        cls.s3 = S3Server(s3_dir).start()
        # Class cleanups run even when setting up the class fails half-way: the server never outlives it.
        cls.addClassCleanup(cls.s3.kill)
        cls.s3_client = cls.s3.create_public_bucket(BUCKET)
        storages_override = override_settings(STORAGES=s3_storages(cls.s3))
        storages_override.enable()
        cls.addClassCleanup(storages_override.disable)
        super().setUpClass()

    def public_url(self, name):
        return f"{self.s3.endpoint_url}/{BUCKET}/{name}"

    def stored_objects(self):
        listing = self.s3_client.list_objects_v2(Bucket=BUCKET)
        return {item["Key"] for item in listing.get("Contents", ())}


class S3MediaTests(S3TestCase):
    def setUp(self):
        super().setUp()
        # The test transaction rolls back rows, not objects: each test starts with an empty bucket.
        for key in self.stored_objects():
            self.s3_client.delete_object(Bucket=BUCKET, Key=key)
        self.business = self.make_business()
        self.profile_url = f"/api/profile/{self.business.user.pk}/"

    def upload_profile_picture(self, **fields):
        with self.captureOnCommitCallbacks(execute=True):
            response = self.business.patch(
                self.profile_url, {**fields, "file": image_upload("me.png")}, format="multipart"
            )
        self.assertStatus(response, 200)
        return Profile.objects.get(pk=self.business.user.pk).file.name

    def offer_with_image(self):
        offer = make_offer(self.business.user)
        with self.captureOnCommitCallbacks(execute=True):
            response = self.business.patch(f"/api/offers/{offer.pk}/", {"image": image_upload()}, format="multipart")
        self.assertStatus(response, 200)
        offer.refresh_from_db()
        return offer

    def test_an_uploaded_picture_is_stored_in_the_bucket_and_answered_as_its_public_url(self):
        name = self.upload_profile_picture()

        self.assertRegex(name, r"^profile_images/[0-9a-f]{32}\.png$")
        self.assertEqual(self.stored_objects(), {name})
        response = self.business.get(self.profile_url)
        self.assertEqual(response.json()["file"], self.public_url(name))
        status, body = fetch(self.public_url(name))
        self.assertEqual(status, 200)
        self.assertEqual(Image.open(io.BytesIO(body)).format, "PNG")

    def test_stored_objects_are_cacheable_for_good(self):
        name = self.upload_profile_picture()

        head = self.s3_client.head_object(Bucket=BUCKET, Key=name)
        self.assertEqual(head["CacheControl"], "public, max-age=31536000, immutable")
        self.assertEqual(head["ContentType"], "image/png")

    def test_replacing_a_picture_deletes_the_old_object_after_commit(self):
        old = self.upload_profile_picture()

        new = self.upload_profile_picture()

        self.assertNotEqual(new, old)
        self.assertEqual(self.stored_objects(), {new})
        self.assertEqual(fetch(self.public_url(old))[0], 404)

    def test_deleting_an_offer_deletes_its_image_object(self):
        offer = self.offer_with_image()
        self.assertEqual(self.stored_objects(), {offer.image.name})

        with self.captureOnCommitCallbacks(execute=True):
            response = self.business.delete(f"/api/offers/{offer.pk}/")

        self.assertStatus(response, 204)
        self.assertEqual(self.stored_objects(), set())

    def test_an_offer_created_with_an_image_answers_its_public_url(self):
        body = offer_payload()
        del body["image"]
        body["details"] = json.dumps(body["details"])

        response = self.business.post("/api/offers/", {**body, "image": image_upload()}, format="multipart")

        self.assertStatus(response, 201)
        offer = Offer.objects.get()
        self.assertEqual(response.json()["image"], self.public_url(offer.image.name))
        self.assertEqual(self.stored_objects(), {offer.image.name})

    def test_reads_build_image_urls_without_a_request_to_the_storage(self):
        picture = self.upload_profile_picture()
        offer = self.offer_with_image()
        viewer = self.make_customer()

        with mock.patch.object(URLLib3Session, "send", autospec=True, side_effect=URLLib3Session.send) as send:
            profiles = viewer.get("/api/profiles/business/").json()
            offers = viewer.get("/api/offers/").json()["results"]
            detail = viewer.get(f"/api/offers/{offer.pk}/").json()
            profile = viewer.get(self.profile_url).json()
            requests_by_reads = send.call_count
            # The counter does see the storage's requests: one HEAD.
            self.assertTrue(default_storage.exists(picture))

        self.assertEqual((requests_by_reads, send.call_count), (0, 1))
        self.assertEqual([item["file"] for item in profiles], [self.public_url(picture)])
        self.assertEqual([item["image"] for item in offers], [self.public_url(offer.image.name)])
        self.assertEqual(detail["image"], self.public_url(offer.image.name))
        self.assertEqual(profile["file"], self.public_url(picture))


class S3OutageTests(S3TestCase):
    """The storage holds a profile picture and an offer image, and is then killed (by PID) for every test."""

    @classmethod
    def setUpTestData(cls):
        cls.owner = cls.make_user("business", first_name="Kevin")
        client = cls.client_for(cls.owner)
        response = client.patch(f"/api/profile/{cls.owner.pk}/", {"file": image_upload()}, format="multipart")
        assert response.status_code == 200, response.content
        cls.offer = make_offer(cls.owner)
        response = client.patch(f"/api/offers/{cls.offer.pk}/", {"image": image_upload()}, format="multipart")
        assert response.status_code == 200, response.content
        cls.offer.refresh_from_db()
        cls.picture = Profile.objects.get(pk=cls.owner.pk).file.name

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3.kill()

    def setUp(self):
        super().setUp()
        self.business = self.client_for(self.owner)
        self.profile_url = f"/api/profile/{self.owner.pk}/"

    def assertUnavailable(self, response):
        self.assertStatus(response, 503)
        self.assertEqual(response.json(), UNAVAILABLE)
        self.assertEqual(response["Retry-After"], "5")

    def test_a_profile_upload_answers_503_and_the_profile_keeps_its_picture_and_fields(self):
        with self.assertLogs("coderr.errors", "WARNING") as logs:
            response = self.business.patch(
                self.profile_url, {"first_name": "Changed", "file": image_upload()}, format="multipart"
            )

        self.assertUnavailable(response)
        profile = Profile.objects.select_related("user").get(pk=self.owner.pk)
        self.assertEqual((profile.file.name, profile.user.first_name), (self.picture, "Kevin"))
        self.assertIn("Media storage unavailable", logs.output[0])
        self.assertIn("EndpointConnectionError", logs.output[0])

    def test_creating_an_offer_with_an_image_answers_503_and_creates_nothing(self):
        body = offer_payload(title="Never stored")
        del body["image"]
        body["details"] = json.dumps(body["details"])

        response = self.business.post("/api/offers/", {**body, "image": image_upload()}, format="multipart")

        self.assertUnavailable(response)
        self.assertEqual(list(Offer.objects.values_list("pk", flat=True)), [self.offer.pk])

    def test_replacing_an_offer_image_answers_503_and_the_offer_keeps_its_image(self):
        response = self.business.patch(f"/api/offers/{self.offer.pk}/", {"image": image_upload()}, format="multipart")

        self.assertUnavailable(response)
        self.assertEqual(Offer.objects.get(pk=self.offer.pk).image.name, self.offer.image.name)

    def test_reads_keep_answering_the_stored_urls(self):
        viewer = self.make_customer()

        profile = viewer.get(self.profile_url)
        offers = viewer.get("/api/offers/")

        self.assertStatus(profile, 200)
        self.assertEqual(profile.json()["file"], self.public_url(self.picture))
        self.assertStatus(offers, 200)
        self.assertEqual([item["image"] for item in offers.json()["results"]], [self.public_url(self.offer.image.name)])

    def test_edits_without_an_image_still_work(self):
        response = self.business.patch(self.profile_url, {"first_name": "Changed"}, format="json")

        self.assertStatus(response, 200)
        self.assertEqual(response.json()["file"], self.public_url(self.picture))

    def test_deleting_an_offer_succeeds_and_logs_the_image_left_in_the_storage(self):
        with self.assertLogs("coderr.media", "ERROR") as logs, self.captureOnCommitCallbacks(execute=True):
            response = self.business.delete(f"/api/offers/{self.offer.pk}/")

        self.assertStatus(response, 204)
        self.assertFalse(Offer.objects.filter(pk=self.offer.pk).exists())
        self.assertIn(f"Could not delete the media file {self.offer.image.name!r}", logs.output[0])


class LocalStorageOutageTests(CoderrTestCase):
    def test_an_upload_the_file_system_refuses_answers_503_and_changes_nothing(self):
        business = self.make_business()
        blocked = Path(self._media_root) / "not-a-directory"
        blocked.write_bytes(b"")

        with override_settings(MEDIA_ROOT=blocked), self.assertLogs("coderr.errors", "WARNING"):
            response = business.patch(
                f"/api/profile/{business.user.pk}/",
                {"first_name": "Changed", "file": image_upload()},
                format="multipart",
            )

        self.assertStatus(response, 503)
        self.assertEqual(response.json(), UNAVAILABLE)
        self.assertEqual(response["Retry-After"], "5")
        profile = Profile.objects.select_related("user").get(pk=business.user.pk)
        self.assertEqual((profile.file.name, profile.user.first_name), ("", ""))


class OutageClassificationTests(SimpleTestCase):
    def client_error(self, status, code):
        return ClientError({"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": status}}, "PutObject")

    def test_unreachable_slow_or_failing_storage_is_an_outage(self):
        for exc in (
            EndpointConnectionError(endpoint_url="http://127.0.0.1:9"),
            ConnectTimeoutError(endpoint_url="http://127.0.0.1:9"),
            self.client_error(500, "InternalError"),
            self.client_error(503, "SlowDown"),
        ):
            with self.subTest(exc=exc):
                self.assertTrue(is_outage(exc))

    def test_errors_retrying_cannot_fix_are_not(self):
        for exc in (
            self.client_error(403, "AccessDenied"),
            self.client_error(404, "NoSuchBucket"),
            NoCredentialsError(),
            ValueError("bug"),
        ):
            with self.subTest(exc=exc):
                self.assertFalse(is_outage(exc))


class PublicDomainTests(SimpleTestCase):
    def test_a_custom_endpoint_with_path_style_addresses_the_bucket_under_the_endpoint(self):
        self.assertEqual(
            s3_public_domain(
                bucket="media", endpoint_url="http://127.0.0.1:9000", region=None, addressing_style="path"
            ),
            ("127.0.0.1:9000/media", "http:"),
        )

    def test_a_custom_endpoint_with_virtual_hosts_puts_the_bucket_in_the_host(self):
        self.assertEqual(
            s3_public_domain(
                bucket="media", endpoint_url="https://s3.example.net/", region="eu", addressing_style="virtual"
            ),
            ("media.s3.example.net", "https:"),
        )

    def test_aws_is_addressed_by_region(self):
        self.assertEqual(
            s3_public_domain(bucket="media", endpoint_url=None, region="eu-central-1", addressing_style=None),
            ("media.s3.eu-central-1.amazonaws.com", "https:"),
        )


class S3SettingsTests(SimpleTestCase):
    """core/settings.py with MEDIA_STORAGE=s3, read from the environment as a server reads it."""

    def shell(self, **env):
        tmp_dir = tempfile.mkdtemp(prefix="coderr-s3-settings-")
        self.addCleanup(shutil.rmtree, tmp_dir, ignore_errors=True)
        code = "from django.core.files.storage import default_storage as s; print(s.url('profile_images/a b.png'))"
        return run_manage(server_env(f"sqlite:///{tmp_dir}/db.sqlite3", **env), "shell", "--no-imports", "-c", code)

    def s3_url(self, **env):
        """The URL of `profile_images/a b.png` with S3 media in the bucket coderr-media and these settings."""
        result = self.shell(MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="coderr-media", **env)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def test_urls_are_public_unsigned_and_under_the_endpoint(self):
        url = self.s3_url(
            AWS_S3_ENDPOINT_URL="http://127.0.0.1:9",
            AWS_S3_ADDRESSING_STYLE="path",
            AWS_S3_CUSTOM_DOMAIN="",
            AWS_ACCESS_KEY_ID="key",
            AWS_SECRET_ACCESS_KEY="secret",
        )

        self.assertEqual(url, "http://127.0.0.1:9/coderr-media/profile_images/a%20b.png\n")

    def test_a_custom_domain_is_used_as_given(self):
        url = self.s3_url(AWS_S3_CUSTOM_DOMAIN="media.example.com", AWS_S3_URL_PROTOCOL="https:")

        self.assertEqual(url, "https://media.example.com/profile_images/a%20b.png\n")

    def test_s3_without_a_bucket_refuses_to_start(self):
        result = self.shell(MEDIA_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="")

        self.assertNotEqual(result.returncode, 0)
        self.assertIn("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME", result.stderr)
