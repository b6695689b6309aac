"""Load every GB/T 2260 region, so each database (the test database too) has them."""

from django.db import migrations

from portal.core.regions import regions_sync


def load_regions(apps, schema_editor):
    regions_sync(region_model=apps.get_model("core", "Region"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(load_regions, migrations.RunPython.noop),
    ]
