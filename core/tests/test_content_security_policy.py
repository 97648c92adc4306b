"""Content-Security-Policy (issue 21): none for the API's answers, working policies for the admin and the docs.

The admin and Swagger UI pages were also loaded in headless Chromium under these policies (the admin's login,
index, list, add, change, delete and password pages on the demo data; Swagger UI with "Try it out"): no
violation was reported. These tests keep the conditions
for that true: every script and style a page uses is a file of this origin, or carries the nonce, or (the
docs' one style block) matches the hash in the policy.
"""

import base64
import hashlib
import json
import re
from html.parser import HTMLParser
from io import StringIO

from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.csp import build_policy

from auth_app.models import User
from core.csp import ADMIN_POLICY, DOCS_POLICY, SWAGGER_UI_STYLE_HASH
from core.testing import TEST_PASSWORD, CoderrTestCase, make_offer
from offer_app.models import Offer

API_POLICY = "default-src 'none'; frame-ancestors 'none'"


class PageParts(HTMLParser):
    """The scripts, styles and inline handlers of an HTML page."""

    def __init__(self, html):
        super().__init__()
        self.scripts, self.stylesheets, self.style_blocks, self.inline = [], [], [], []
        self._style_open = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        elif tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs)
        elif tag == "style":
            self._style_open = {"attrs": attrs, "text": ""}
        for name, value in attrs.items():
            if name.startswith("on") or name == "style" or (value or "").strip().lower().startswith("javascript:"):
                self.inline.append((tag, name, value))

    def handle_data(self, data):
        if self._style_open is not None:
            self._style_open["text"] += data

    def handle_endtag(self, tag):
        if tag == "style" and self._style_open is not None:
            self.style_blocks.append(self._style_open)
            self._style_open = None


def style_hash(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


class ApiPolicyTests(CoderrTestCase):
    def assertApiHeaders(self, response):
        self.assertEqual(response["Content-Security-Policy"], API_POLICY)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")

    def test_every_kind_of_api_answer_forbids_everything(self):
        seller = self.make_business()
        offer = make_offer(seller.user)
        answers = {
            "list": (self.anonymous().get("/api/offers/"), 200),
            "create": (seller.post("/api/reviews/", {"business_user": seller.user.pk, "rating": 5}), 403),
            "edit": (seller.patch(f"/api/offers/{offer.pk}/", {"title": "New"}), 200),
            "invalid input": (seller.patch(f"/api/offers/{offer.pk}/", {"title": "<b>New</b>"}), 400),
            "no token": (self.anonymous().get("/api/orders/"), 401),
            "unknown route": (self.anonymous().get("/api/nothing-here/"), 404),
            "unknown page": (self.anonymous().get("/nothing-here/"), 404),
            "wrong method": (seller.put(f"/api/offers/{offer.pk}/", {}), 405),
            "unsupported type": (self.anonymous().post("/api/login/", "x", content_type="text/plain"), 415),
            "schema": (self.anonymous().get("/api/schema/"), 200),
            "delete": (seller.delete(f"/api/offers/{offer.pk}/"), 204),
        }
        for name, (response, status) in answers.items():
            with self.subTest(answer=name):
                self.assertStatus(response, status)
                self.assertApiHeaders(response)

    @override_settings(MAX_REQUEST_BODY_BYTES=100)
    def test_an_answer_made_before_the_view_carries_it_too(self):
        response = self.anonymous().post("/api/login/", json.dumps({"x": "y" * 200}), content_type="application/json")
        self.assertStatus(response, 413)
        self.assertApiHeaders(response)


class AdminPolicyTests(CoderrTestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("seed_demo", stdout=StringIO())

    def setUp(self):
        super().setUp()
        self.browser = Client()
        self.browser.force_login(User.objects.create_superuser("root", "root@example.com", TEST_PASSWORD))

    def pages(self):
        offer = Offer.objects.first()
        return [
            reverse("admin:login"),
            reverse("admin:index"),
            reverse("admin:offer_app_offer_changelist"),
            reverse("admin:offer_app_offer_change", args=[offer.pk]),
            reverse("admin:offer_app_offer_add"),
            reverse("admin:offer_app_offer_delete", args=[offer.pk]),
            reverse("admin:auth_app_user_add"),
            reverse("admin:auth_app_user_change", args=[offer.user_id]),
            reverse("admin:auth_user_password_change", args=[offer.user_id]),
            reverse("admin:profile_app_profile_change", args=[offer.user_id]),
            reverse("admin:reviews_app_review_changelist"),
            reverse("admin:order_app_order_changelist") + "?q=x",
        ]

    def test_the_admin_pages_load_only_their_own_files_and_the_nonced_inline_parts(self):
        for url in self.pages():
            client = Client() if url == reverse("admin:login") else self.browser
            with self.subTest(url=url):
                response = client.get(url)
                self.assertStatus(response, 200)
                nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
                policy = build_policy(ADMIN_POLICY, nonce[1] if nonce else None)
                self.assertEqual(response["Content-Security-Policy"], policy)
                page = PageParts(response.content.decode())
                self.assertTrue(page.scripts)
                for script in page.scripts:
                    self.assertTrue(script.get("src", "").startswith("/static/") or script.get("nonce") == nonce[1])
                for sheet in page.stylesheets:
                    self.assertTrue(sheet["href"].startswith("/static/"), sheet)
                for block in page.style_blocks:
                    self.assertEqual(block["attrs"].get("nonce"), nonce[1])
                self.assertEqual(page.inline, [])

    def test_each_admin_answer_gets_its_own_nonce(self):
        url = reverse("admin:offer_app_offer_changelist")
        first, second = (self.browser.get(url)["Content-Security-Policy"] for _ in range(2))
        self.assertIn("'nonce-", first)
        self.assertNotEqual(first, second)

    def test_the_admins_json_answers_keep_the_admin_policy(self):
        # The autocomplete widgets fetch JSON from the admin; the admin's own pages read it.
        response = self.browser.get(
            reverse("admin:autocomplete"),
            {"app_label": "offer_app", "model_name": "offer", "field_name": "user", "term": ""},
        )
        self.assertStatus(response, 200)
        self.assertEqual(response["Content-Security-Policy"], build_policy(ADMIN_POLICY))


class DocsPolicyTests(CoderrTestCase):
    def test_swagger_ui_loads_its_files_its_start_script_and_its_hashed_style_block(self):
        response = self.client.get("/api/docs/")
        self.assertStatus(response, 200)
        self.assertEqual(response["Content-Security-Policy"], build_policy(DOCS_POLICY))
        page = PageParts(response.content.decode())
        self.assertEqual(
            [script["src"].rsplit("/", 1)[-1] for script in page.scripts],
            ["swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "?script="],
        )
        self.assertTrue(all(script["src"].startswith(("/static/", "/api/docs/")) for script in page.scripts))
        self.assertTrue(all(sheet["href"].startswith("/static/") for sheet in page.stylesheets))
        self.assertEqual([style_hash(block["text"]) for block in page.style_blocks], [SWAGGER_UI_STYLE_HASH])
        self.assertEqual(page.inline, [])

    def test_the_start_script_is_javascript_from_this_origin(self):
        response = self.client.get("/api/docs/?script=")
        self.assertStatus(response, 200)
        self.assertTrue(response["Content-Type"].startswith("application/javascript"), response["Content-Type"])
        self.assertIn('url: "/api/schema/"', response.content.decode())
