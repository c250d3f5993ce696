from django.db import migrations


def seed(apps, schema_editor):
    from cadre_portal.codes import seed_code_items

    seed_code_items(apps.get_model("cadre_portal", "CodeItem"))


def unseed(apps, schema_editor):
    apps.get_model("cadre_portal", "CodeItem").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cadre_portal", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
