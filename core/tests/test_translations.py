"""Answers in the caller's language (German or English), and a German translation for every Coderr message."""

import ast
import re
import shutil
import string
import tempfile
from io import StringIO
from pathlib import Path
from unittest import mock

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError
from django.test import SimpleTestCase, override_settings
from django.utils import translation

from core.testing import CoderrTestCase
from core.tests.schema_validation import openapi_document

GERMAN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"}
PO_FILE = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
# The project's own code: every app and core, without tests and migrations (which send no messages).
PROJECT_PACKAGES = ("core", "auth_app", "profile_app", "offer_app", "order_app", "reviews_app", "general_app")
TRANSLATION_FUNCTIONS = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy"}
CONTEXT_FUNCTIONS = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
# Module constants that are documentation (OpenAPI descriptions with their Markdown `code`, help texts) or
# command-line output for developers, not messages the API or the admin shows a user.
NOT_MESSAGES = re.compile(r"_HELP$|^HELP$|_DESCRIPTION$")
COMMAND_LINE_MODULES = ("management", "demo_data.py", "settings.py")

INVALID_REGISTRATION = {
    "username": "Taken",
    "email": "not-an-email",
    "password": "Kx9!vTq2#mPz",
    "repeated_password": "Kx9!vTq2#mPz",
    "type": "admin",
}


def project_sources():
    root = Path(settings.BASE_DIR)
    for package in PROJECT_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).parts
            if "tests" not in parts and "migrations" not in parts:
                yield path


def _function_name(call):
    func = call.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None


def _literal(node):
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def translatable_messages(source, filename="<source>"):
    """{(msgctxt, msgid, msgid_plural): filename} of every gettext-style call with literal arguments."""
    found = {}
    for node in ast.walk(ast.parse(source, filename)):
        if not isinstance(node, ast.Call):
            continue
        name = _function_name(node)
        strings = [_literal(arg) for arg in node.args]
        if name in TRANSLATION_FUNCTIONS and strings and strings[0] is not None:
            plural = strings[1] if name.startswith("n") and len(strings) > 1 else None
            found[(None, strings[0], plural)] = filename
        elif name in CONTEXT_FUNCTIONS and len(strings) > 1 and None not in strings[:2]:
            plural = strings[2] if name.startswith("np") and len(strings) > 2 else None
            found[(strings[0], strings[1], plural)] = filename
    return found


def untranslated_constants(source, filename="<source>"):
    """Names of module-level constants holding plain (not translatable) prose: a message nobody translates."""
    names = []
    for node in ast.parse(source, filename).body:
        if not (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)):
            continue
        name, value = node.targets[0].id, node.value
        text = (_literal(value) or "").strip()
        prose = " " in text and text.endswith((".", "!", "?")) and "`" not in text
        if prose and name.isupper() and not NOT_MESSAGES.search(name):
            names.append(name)
    return names


def project_messages():
    messages = {}
    for path in project_sources():
        messages |= translatable_messages(path.read_text(), str(path.relative_to(settings.BASE_DIR)))
    return messages


def german_catalog():
    entries = polib.pofile(str(PO_FILE))
    return {(entry.msgctxt or None, entry.msgid, entry.msgid_plural or None): entry for entry in entries}


def placeholders(text):
    return sorted(field for _, field, _, _ in string.Formatter().parse(text) if field is not None)


class CatalogTests(SimpleTestCase):
    """locale/de holds a German text for every message in Coderr's code, and the committed .mo matches it."""

    def test_every_message_of_the_project_has_a_german_translation(self):
        # Coderr's catalog, or for Django's own words that a model reuses ("first name"), Django's or DRF's.
        catalog = german_catalog()
        missing = {}
        for key, filename in project_messages().items():
            entry = catalog.get(key)
            if entry is None or not entry.translated():
                with translation.override("de"):
                    german = translation.pgettext(key[0], key[1]) if key[0] else translation.gettext(key[1])
                if german == key[1]:
                    missing[key[1]] = filename
        self.assertEqual(missing, {}, "add these to locale/de/LC_MESSAGES/django.po (see README, Languages)")

    def test_the_catalog_holds_no_message_the_code_no_longer_has(self):
        stale = set(german_catalog()) - set(project_messages())
        self.assertEqual(stale, set(), "run `make messages`, which drops them")

    def test_translations_keep_the_placeholders_of_their_message(self):
        for entry in polib.pofile(str(PO_FILE)).translated_entries():
            with self.subTest(msgid=entry.msgid):
                self.assertEqual(placeholders(entry.msgstr), placeholders(entry.msgid))

    def test_the_compiled_catalog_matches_the_po_file(self):
        call_command("compile_translations", "--check")

    def test_the_compiled_catalog_is_rebuilt_from_an_edited_po_file(self):
        with tempfile.TemporaryDirectory() as locale:
            shutil.copytree(PO_FILE.parents[2], locale, dirs_exist_ok=True)
            po_path = Path(locale) / "de" / "LC_MESSAGES" / "django.po"
            po = polib.pofile(str(po_path))
            edited = po.translated_entries()[0]
            edited.msgstr = "Geändert."
            po.save(str(po_path))
            with override_settings(LOCALE_PATHS=[locale]):
                with self.assertRaisesMessage(CommandError, "does not match"):
                    call_command("compile_translations", "--check")
                call_command("compile_translations", stdout=StringIO())
                call_command("compile_translations", "--check")
            self.assertEqual(polib.mofile(str(po_path.with_suffix(".mo"))).find(edited.msgid).msgstr, "Geändert.")

    def test_message_constants_are_translatable(self):
        plain = {}
        for path in project_sources():
            if any(part in COMMAND_LINE_MODULES for part in path.parts):
                continue
            if names := untranslated_constants(path.read_text(), str(path)):
                plain[str(path.relative_to(settings.BASE_DIR))] = names
        self.assertEqual(plain, {}, 'wrap each message in gettext_lazy: NAME = _("...")')

    def test_the_checks_find_a_new_message_without_translation(self):
        source = (
            'from django.utils.translation import gettext_lazy as _\nNEW = _("A brand-new message.")\nOLD = "Plain."\n'
        )
        self.assertEqual(translatable_messages(source), {(None, "A brand-new message.", None): "<source>"})
        self.assertNotIn((None, "A brand-new message.", None), german_catalog())
        source = 'LOST = "A message nobody translates."\nHELP = "Docs."\nSTATE = "`ok` or `no`."\nFMT = "%(a)s"'
        self.assertEqual(untranslated_constants(source), ["LOST"])


class LanguageTests(CoderrTestCase):
    """Messages follow Accept-Language; English when it is absent or names neither language."""

    def setUp(self):
        super().setUp()
        # The middleware leaves the language of the last request active in the thread; later tests expect English.
        self.addCleanup(translation.deactivate)
        self.make_user("customer", username="taken")

    def register(self, **headers):
        return self.anonymous().post("/api/registration/", INVALID_REGISTRATION, format="json", **headers)

    def assertLanguage(self, response, language):
        self.assertEqual(response["Content-Language"], language)
        self.assertIn("Accept-Language", [value.strip() for value in response["Vary"].split(",")])

    def test_an_invalid_registration_is_answered_in_german_for_a_german_browser(self):
        response = self.register(**GERMAN_BROWSER)
        self.assertStatus(response, 400)
        self.assertEqual(
            response.content.decode(),
            '{"username":["Dieser Benutzername ist bereits vergeben."],'
            '"email":["Gib eine gültige E-Mail Adresse an."],'
            '"type":["\\"admin\\" ist keine gültige Option."]}',
        )
        self.assertLanguage(response, "de")

    def test_the_same_registration_is_answered_in_english_without_accept_language(self):
        response = self.register()
        self.assertStatus(response, 400)
        self.assertEqual(
            response.content,
            b'{"username":["A user with this username already exists."],'
            b'"email":["Enter a valid email address."],'
            b'"type":["\\"admin\\" is not a valid choice."]}',
        )
        self.assertLanguage(response, "en")

    def test_a_language_coderr_does_not_speak_is_answered_in_english(self):
        response = self.register(HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9")
        self.assertEqual(response.json()["username"], ["A user with this username already exists."])
        self.assertLanguage(response, "en")

    def test_german_messages_of_coderrs_own_checks(self):
        body = {**INVALID_REGISTRATION, "username": "lena", "email": "lena@example.com", "type": "customer"}
        body["repeated_password"] = "something else"
        response = self.anonymous().post("/api/registration/", body, format="json", **GERMAN_BROWSER)
        self.assertEqual(response.json(), {"repeated_password": ["Die Passwörter stimmen nicht überein."]})
        response = self.make_customer().post("/api/offers/", {}, format="json", **GERMAN_BROWSER)
        self.assertEqual(response.json(), {"detail": "Nur Anbieter können diese Aktion ausführen."})
        self.assertLanguage(response, "de")

    def test_error_details_outside_the_serializers_are_german_too(self):
        client = self.anonymous()
        cases = [
            ("get", "/api/orders/", 401, {"detail": "Du bist nicht angemeldet. Bitte melde dich an."}),
            ("get", "/api/no-such-route/", 404, {"detail": "Nicht gefunden."}),
            ("get", "/api/offers/?page=x", 400, {"page": ["page muss eine Seitenzahl sein (1, 2, ...)."]}),
            ("put", "/api/login/", 405, {"detail": 'Methode "PUT" nicht erlaubt.'}),
        ]
        for method, path, status, body in cases:
            with self.subTest(path=path):
                response = getattr(client, method)(path, **GERMAN_BROWSER)
                self.assertStatus(response, status)
                self.assertEqual(response.json(), body)
                self.assertLanguage(response, "de")

    def test_an_unsupported_content_type_is_refused_in_german(self):
        response = self.anonymous().post(
            "/api/registration/", "username=lena", content_type="text/plain", **GERMAN_BROWSER
        )
        self.assertStatus(response, 415)
        self.assertEqual(response.json(), {"detail": 'Nicht unterstützter Medientyp "text/plain" in der Anfrage.'})

    @override_settings(MAX_REQUEST_BODY_BYTES=300)
    def test_the_body_limit_middleware_answers_in_german(self):
        response = self.anonymous().post(
            "/api/registration/", "x" * 400, content_type="application/json", **GERMAN_BROWSER
        )
        self.assertStatus(response, 413)
        self.assertEqual(response.json(), {"detail": "Die Anfrage ist zu groß. Erlaubt sind höchstens 300 Bytes."})
        self.assertLanguage(response, "de")

    def test_the_error_middleware_answers_a_database_outage_in_german(self):
        self.client.raise_request_exception = False
        with (
            mock.patch("core.views.JsonResponse", side_effect=OperationalError("gone")),
            self.assertLogs(level="WARNING"),
        ):
            response = self.client.get("/api/no-such-route/", **GERMAN_BROWSER)
        self.assertStatus(response, 503)
        self.assertEqual(
            response.json(), {"detail": "Der Dienst ist gerade nicht erreichbar. Bitte versuche es gleich noch einmal."}
        )
        self.assertLanguage(response, "de")

    def test_successful_answers_name_their_language_too(self):
        response = self.anonymous().get("/api/base-info/", **GERMAN_BROWSER)
        self.assertStatus(response, 200)
        self.assertLanguage(response, "de")
        self.assertLanguage(self.anonymous().get("/api/base-info/"), "en")

    def test_the_throttle_answer_is_german(self):
        with (
            mock.patch("rest_framework.throttling.SimpleRateThrottle.allow_request", return_value=False),
            mock.patch("rest_framework.throttling.SimpleRateThrottle.wait", return_value=7),
        ):
            response = self.anonymous().get("/api/base-info/", **GERMAN_BROWSER)
        self.assertStatus(response, 429)
        self.assertEqual(response.json(), {"detail": "Zu viele Anfragen. Bitte versuche es in 7 Sekunden noch einmal."})


class SchemaTests(SimpleTestCase):
    def test_every_operation_documents_accept_language_and_content_language(self):
        document = openapi_document()
        for path, operations in document["paths"].items():
            for method, operation in operations.items():
                with self.subTest(operation=f"{method.upper()} {path}"):
                    headers = [p for p in operation["parameters"] if p["in"] == "header"]
                    self.assertEqual([(p["name"], p["required"]) for p in headers], [("Accept-Language", False)])
                    for status, response in operation["responses"].items():
                        language = response["headers"]["Content-Language"]
                        self.assertEqual(language["schema"], {"type": "string", "enum": ["en", "de"]}, status)
