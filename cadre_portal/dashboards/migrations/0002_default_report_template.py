from django.db import migrations


def seed(apps, schema_editor):
    from cadre_portal.dashboards import default_report

    ReportTemplate = apps.get_model("dashboards", "ReportTemplate")
    if not ReportTemplate.objects.exists():
        ReportTemplate.objects.create(name=default_report.NAME, body=default_report.BODY, is_default=True)


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
