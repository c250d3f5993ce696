"""Seed the demand categories (代码表 retention_demand_category) and the default
interview intervals (6 months for young cadres and reserve cadres)."""

from django.db import migrations


def seed(apps, schema_editor):
    from youth_cadres.retention.codes import seed_demand_categories

    seed_demand_categories(apps.get_model("cadre_portal", "CodeItem"))
    IntervalDefault = apps.get_model("retention", "IntervalDefault")
    for registry in ("youth", "reserves"):
        IntervalDefault.objects.get_or_create(registry=registry, cohort="", defaults={"months": 6})


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_initial"),
        ("cadre_portal", "0002_seed_code_items"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
