"""The upgrade signs no one out: DRF authtoken keys keep working as knox tokens (auth_app migration 0003).

The test database is migrated as a new one is: without rest_framework.authtoken. Each test goes back to
the state before the upgrade (auth_app at 0002, DRF's authtoken app installed and migrated, as the old
settings had it), creates DRF tokens there, and migrates forward.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.test import TransactionTestCase, override_settings
from django.utils import timezone
from knox.crypto import hash_token
from knox.models import AuthToken
from rest_framework.test import APIClient

from auth_app.models import User

BEFORE = ("auth_app", "0002_plain_text")
UPGRADE = ("auth_app", "0003_drf_tokens_become_knox_tokens")
DRF_TOKENS = ("authtoken", "0004_alter_tokenproxy_options")
DRF_TABLE = "authtoken_token"
# The old settings' apps. Without the admin: Django loads the apps before it changes the setting, so DRF's
# authtoken models module sees itself as not installed and its admin module would fail to register TokenProxy.
WITH_DRF_TOKENS = override_settings(
    INSTALLED_APPS=[app for app in settings.INSTALLED_APPS if app != "django.contrib.admin"]
    + ["rest_framework.authtoken"]
)


def migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets))
    return executor


def tables():
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


class DrfTokenMigrationTests(TransactionTestCase):
    def setUp(self):
        super().setUp()
        self.addCleanup(self.back_to_the_current_schema)

    def back_to_the_current_schema(self):
        """Also after a failure: no DRF table or records left for the next tests."""
        with connection.schema_editor() as editor:
            if DRF_TABLE in tables():
                editor.execute(f"DROP TABLE {editor.quote_name(DRF_TABLE)}")
        MigrationRecorder(connection).migration_qs.filter(app="authtoken").delete()
        migrate(UPGRADE)

    def database_before_the_upgrade(self):
        """auth_app before 0003 and DRF's authtoken migrated; returns DRF's Token model of that state."""
        migrate(BEFORE)
        executor = migrate(DRF_TOKENS)
        self.assertIn(DRF_TABLE, tables())
        return executor.loader.project_state([BEFORE, DRF_TOKENS]).apps.get_model("authtoken", "Token")

    def test_a_new_database_has_no_drf_table_and_no_drf_records(self):
        self.assertNotIn(DRF_TABLE, tables())
        self.assertFalse(MigrationRecorder(connection).migration_qs.filter(app="authtoken").exists())

    def test_drf_keys_work_after_the_upgrade_and_only_their_digests_are_kept(self):
        alice = User.objects.create_user("alice", "alice@example.com", "x", type="customer")
        bob = User.objects.create_user("bob", "bob@example.com", "x", type="business")
        keys = {alice: secrets.token_hex(20), bob: secrets.token_hex(20)}
        with WITH_DRF_TOKENS:
            DrfToken = self.database_before_the_upgrade()
            for user, key in keys.items():
                DrfToken.objects.create(key=key, user_id=user.pk)
            created = dict(DrfToken.objects.values_list("user_id", "created"))
            before = timezone.now()

            migrate(UPGRADE)

        self.assertNotIn(DRF_TABLE, tables())
        self.assertFalse(MigrationRecorder(connection).migration_qs.filter(app="authtoken").exists())
        for user, key in keys.items():
            with self.subTest(user.username):
                self.assertEqual(len(key), 40)
                stored = AuthToken.objects.get(user=user)
                self.assertEqual((stored.digest, stored.token_key), (hash_token(key), key[:15]))
                self.assertEqual(stored.created, created[user.pk])
                self.assertTrue(before + timedelta(days=14) <= stored.expiry <= timezone.now() + timedelta(days=14))
                client = APIClient()
                client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
                response = client.get(f"/api/profile/{user.pk}/")
                self.assertEqual(response.status_code, 200, response.content)
                self.assertEqual(response.json()["username"], user.username)
                self.assertEqual(client.post("/api/logout/").status_code, 204)
                self.assertEqual(client.get(f"/api/profile/{user.pk}/").status_code, 401)

    def test_an_upgrade_without_drf_tokens_drops_the_empty_table(self):
        with WITH_DRF_TOKENS:
            self.database_before_the_upgrade()

            migrate(UPGRADE)

        self.assertNotIn(DRF_TABLE, tables())
        self.assertFalse(AuthToken.objects.exists())
