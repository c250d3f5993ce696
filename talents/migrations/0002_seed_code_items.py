from django.db import migrations


def seed(apps, schema_editor):
    from talents.codes import seed_talent_code_items

    seed_talent_code_items(apps.get_model("cadre_portal", "CodeItem"))


def unseed(apps, schema_editor):
    from talents.codes import TABLES

    apps.get_model("cadre_portal", "CodeItem").objects.filter(table__in=list(TABLES)).delete()


class Migration(migrations.Migration):
    dependencies = [("talents", "0001_initial"), ("cadre_portal", "0002_seed_code_items")]
    operations = [migrations.RunPython(seed, unseed)]
