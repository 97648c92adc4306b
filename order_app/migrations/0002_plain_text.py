from django.db import migrations

from core.validators import markup_migration


class Migration(migrations.Migration):
    """Orders copy their package's title and features: the copies made before the plain-text rule are repaired
    like the packages (offer_app 0002). Nobody writes these fields afterwards, so they carry no validator."""

    dependencies = [
        ("order_app", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            markup_migration("order_app", {"Order": ["title", "features"]}), migrations.RunPython.noop
        ),
    ]
