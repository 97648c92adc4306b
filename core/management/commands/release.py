"""`manage.py release` (`make release`): once per deploy, apply pending migrations and collect static files.

Starting an app server does neither, so several machines starting together never migrate at once. Running the
command again changes nothing: without pending migrations `migrate` is not called, and when every static file
in STATIC_ROOT is as new as its source (and the manifest exists), `collectstatic` is not called either, so no
file is written. On PostgreSQL the migration step holds an advisory lock: two releases started together run
one after the other, and the second finds nothing to do.
"""

from django.conf import settings
from django.contrib.staticfiles.management.commands import collectstatic
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

# Any constant 64-bit key; only releases take this lock.
MIGRATION_LOCK_KEY = 0x636F64657272
SUMMARY = "Release done: {migrations} migrations applied, {files} static files copied."


class Command(BaseCommand):
    help = "Once per deploy: apply pending migrations and collect static files (a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to migrate.")

    def handle(self, *args, database, verbosity, **options):
        migrations = self.migrate(connections[database], verbosity)
        files = self.collect_static(verbosity)
        self.stdout.write(SUMMARY.format(migrations=migrations, files=files))

    def migrate(self, connection, verbosity):
        """Apply what is pending; returns how many migrations that was."""
        locked = connection.vendor == "postgresql"
        if locked:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_KEY])
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if plan:
                call_command("migrate", database=connection.alias, interactive=False, verbosity=verbosity)
            return len(plan)
        finally:
            if locked:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_KEY])

    def collect_static(self, verbosity):
        """Collect into STATIC_ROOT unless it is up to date; returns how many files were copied."""
        if not self.collect(dry_run=True)["modified"] and self.manifest_exists():
            return 0
        return len(self.collect(dry_run=False, verbosity=verbosity)["modified"])

    def collect(self, *, dry_run, verbosity=0):
        command = collectstatic.Command(stdout=self.stdout, stderr=self.stderr)
        arguments = ["--noinput", f"--verbosity={verbosity}", *(["--dry-run"] if dry_run else [])]
        command.set_options(**vars(command.create_parser("manage.py", "collectstatic").parse_args(arguments)))
        return command.collect()

    @staticmethod
    def manifest_exists():
        manifest = getattr(staticfiles_storage, "manifest_name", None)
        return manifest is None or (settings.STATIC_ROOT and staticfiles_storage.exists(manifest))
