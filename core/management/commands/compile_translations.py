"""`manage.py compile_translations`: compile locale/*/LC_MESSAGES/django.po into the .mo files Django reads.

Django's own `compilemessages` needs GNU gettext's `msgfmt`, which many machines (macOS) do not have; this
command needs only polib (a development requirement). The .mo files are committed, so a fresh clone serves
German without any step; `--check` (run by the test suite) fails when a .po was edited without recompiling.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

OUT_OF_DATE = "{mo} does not match {po}: run `make messages` (or `manage.py compile_translations`)."


def catalog_files():
    """Every (po, mo) pair under LOCALE_PATHS."""
    for locale_path in settings.LOCALE_PATHS:
        for po in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
            yield po, po.with_suffix(".mo")


def translations(catalog):
    """What a polib catalog translates, fuzzy and empty entries left out (as msgfmt leaves them out)."""
    return {
        (entry.msgctxt, entry.msgid, entry.msgid_plural): entry.msgstr_plural or entry.msgstr
        for entry in catalog.translated_entries()
    }


class Command(BaseCommand):
    help = "Compile the project's .po translation files into .mo files (pure Python, no GNU gettext needed)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only check that every .mo matches its .po.")

    def handle(self, *args, check=False, **options):
        import polib  # development requirement; serving translations needs only the committed .mo files

        for po_path, mo_path in catalog_files():
            po = polib.pofile(str(po_path))
            if check:
                mo = polib.mofile(str(mo_path)) if mo_path.exists() else None
                if mo is None or translations(mo) != translations(po) or mo.metadata != po.metadata:
                    raise CommandError(OUT_OF_DATE.format(mo=mo_path, po=po_path))
            else:
                po.save_as_mofile(str(mo_path))
                self.stdout.write(f"Compiled {mo_path}")
