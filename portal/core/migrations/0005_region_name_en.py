"""Regions get their English name (pinyin with the type translated, portal.core.romanise)."""

from django.db import migrations, models

from portal.core.romanise import region_name_en


def fill_english_names(apps, schema_editor):
    Region = apps.get_model("core", "Region")
    regions = list(Region.objects.all())
    for region in regions:
        region.name_en = region_name_en(region.name, level=region.level)
    Region.objects.bulk_update(regions, ["name_en"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_authority_publication"),
    ]

    operations = [
        migrations.AddField(
            model_name="region",
            name="name_en",
            field=models.CharField(blank=True, max_length=128, verbose_name="name in English"),
        ),
        migrations.RunPython(fill_english_names, migrations.RunPython.noop),
    ]
