"""DRF's authtoken keys become knox tokens, so that the upgrade signs nobody out; then DRF's table goes.

`rest_framework.authtoken` is no longer installed, so its model is not in the migration state: its table
(`authtoken_token`: `key`, `user_id`, `created`) is read with SQL where it exists (a database migrated
before the upgrade) and is simply absent on a new database.

Each key is stored as knox stores the keys it generates: the digest of the whole key (knox.crypto.hash_token,
the function the authentication hashes a sent key with) as primary key, its first 15 characters as
`token_key`, the same user and creation time, and an expiry of TOKEN_TTL from now (the idle time starts
with the upgrade). knox finds a token by the first 15 characters of whatever key is sent and compares the
digest of the whole key, without any length check, so a 40-character DRF key signs in like a 64-character
knox key (auth_app/tests/test_token_migration.py proves it on a database that had DRF tokens).

Then the table and DRF's records in django_migrations are dropped: the database matches INSTALLED_APPS, and
installing authtoken again some day would create its table afresh. Going back keeps the knox tokens and does
not recreate DRF's table (the keys cannot be recovered from their digests).
"""

from django.db import migrations
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings

DRF_TABLE = "authtoken_token"


def convert_drf_tokens(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if DRF_TABLE not in connection.introspection.table_names(cursor):
            return
        quote = schema_editor.quote_name
        cursor.execute(f"SELECT {quote('key')} FROM {quote(DRF_TABLE)}")
        keys = [key for (key,) in cursor.fetchall()]
        if keys:
            knox_token = apps.get_model("knox", "AuthToken")._meta
            columns = ", ".join(quote(knox_token.get_field(name).column) for name in ("digest", "token_key", "user", "created", "expiry"))
            expiry = connection.ops.adapt_datetimefield_value(timezone.now() + knox_settings.TOKEN_TTL)
            # The user and creation time are copied by the database itself, in their stored form.
            cursor.executemany(
                f"INSERT INTO {quote(knox_token.db_table)} ({columns}) "
                f"SELECT %s, %s, {quote('user_id')}, {quote('created')}, %s FROM {quote(DRF_TABLE)} WHERE {quote('key')} = %s",
                [(hash_token(key), key[: CONSTANTS.TOKEN_KEY_LENGTH], expiry, key) for key in keys],
            )
    schema_editor.execute(f"DROP TABLE {schema_editor.quote_name(DRF_TABLE)}")
    MigrationRecorder(connection).migration_qs.filter(app="authtoken").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth_app", "0002_plain_text"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunPython(convert_drf_tokens, migrations.RunPython.noop, elidable=True),
    ]
