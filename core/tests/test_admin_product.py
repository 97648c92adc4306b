"""The admin reads like a product: sections named for people, features one per line, packages that fit, German."""

import html
import re

from django.test import Client
from django.urls import reverse
from django.utils import translation

from auth_app.models import User
from core.testing import TEST_PASSWORD, CoderrTestCase
from offer_app.models import Offer, OfferDetail

GERMAN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}


def offer_change_url(offer):
    return reverse("admin:offer_app_offer_change", args=[offer.pk])


def posted_form(response):
    """The change form's fields as the browser would post them back unchanged (files aside)."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is not None and field.name != "image":
                data[field.html_name] = value
    return data


class AdminProductTests(CoderrTestCase):
    def setUp(self):
        super().setUp()
        self.addCleanup(translation.deactivate)
        User.objects.create_superuser("root", "root@example.com", TEST_PASSWORD)
        self.browser = Client()
        owner = self.make_user("business")
        self.offer = Offer.objects.create(user=owner, title="Logo", description="A logo.")
        for offer_type, price in [("basic", "50.00"), ("standard", "80.00"), ("premium", "120.00")]:
            OfferDetail.objects.create(
                offer=self.offer,
                offer_type=offer_type,
                title=offer_type.title(),
                price=price,
                delivery_time_in_days=5,
                revisions=1,
                features=["Vector files", "Two drafts", "Source file"],
            )

    def log_in(self):
        response = self.browser.post(
            reverse("admin:login"), {"username": "root", "password": TEST_PASSWORD, "next": reverse("admin:index")}
        )
        self.assertStatus(response, 302)

    def test_a_feature_line_changed_in_the_admin_is_stored_in_the_list(self):
        self.log_in()
        page = self.browser.get(offer_change_url(self.offer))
        self.assertStatus(page, 200)
        content = html.unescape(page.content.decode())
        self.assertIn('id="id_details-1-features">\nVector files\nTwo drafts\nSource file</textarea>', content)

        data = posted_form(page)
        standard = next(key for key, value in data.items() if key.endswith("-offer_type") and value == "standard")
        features = standard.replace("offer_type", "features")
        self.assertEqual(data[features], "Vector files\nTwo drafts\nSource file")
        data[features] = "Vector files\r\nThree drafts\r\nSource file"
        self.assertStatus(self.browser.post(offer_change_url(self.offer), data), 302)

        self.assertEqual(
            {package.offer_type: package.features for package in self.offer.details.all()},
            {
                "basic": ["Vector files", "Two drafts", "Source file"],
                "standard": ["Vector files", "Three drafts", "Source file"],
                "premium": ["Vector files", "Two drafts", "Source file"],
            },
        )

    def test_the_three_packages_are_stacked_with_their_numbers_on_one_line(self):
        self.log_in()
        page = self.browser.get(offer_change_url(self.offer))
        self.assertIn("admin/edit_inline/stacked.html", [template.name for template in page.templates])
        content = page.content.decode()
        self.assertEqual(len(re.findall(r'<textarea name="details-\d-features" cols="60" rows="5"', content)), 3)
        # price, delivery time and revisions share one row: in the three packages and the (hidden) blank form.
        self.assertEqual(content.count("form-multiline field-price field-delivery_time_in_days field-revisions"), 4)

    def test_app_sections_are_named_for_people(self):
        self.log_in()
        sections = [app["name"] for app in self.browser.get(reverse("admin:index")).context["app_list"]]
        self.assertLessEqual({"Accounts", "Offers", "Orders", "Profiles", "Reviews", "Tokens"}, set(sections))
        self.assertFalse({"Auth_App", "Offer_App", "Auth Token", "Authtoken", "Knox"} & set(sections))

    def test_the_admin_speaks_german_to_a_german_browser(self):
        self.log_in()
        index = self.browser.get(reverse("admin:index"), **GERMAN_BROWSER)
        sections = {app["name"] for app in index.context["app_list"]}
        self.assertLessEqual({"Konten", "Angebote", "Bestellungen", "Profile", "Bewertungen", "Tokens"}, sections)
        models = {model["name"] for app in index.context["app_list"] for model in app["models"]}
        self.assertLessEqual({"Angebote", "Pakete", "Bestellungen", "Profile", "Bewertungen"}, models)
        page = self.browser.get(offer_change_url(self.offer), **GERMAN_BROWSER)
        self.assertStatus(page, 200)
        self.assertEqual(page["Content-Language"], "de")
        content = html.unescape(page.content.decode())
        self.assertIn('<html lang="de"', content)
        self.assertIn("Eine Leistung pro Zeile. Leere Zeilen werden ignoriert.", content)
        self.assertIn('value="Sichern"', content)
        self.assertIn("<b>Paket:</b>", content)
