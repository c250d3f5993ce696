from django.db import migrations

FAILING = {"reserve_annual_grade_3_default": {"不合格"}}


def seed(apps, schema_editor):
    from cadre_portal.codes import raw_tables

    CodeItem = apps.get_model("cadre_portal", "CodeItem")
    items = []
    for table, rows in raw_tables().items():
        if not isinstance(rows, list):
            continue  # notes and nested tables are reference text, not picklists
        for order, row in enumerate(rows):
            if isinstance(row, str):
                code, name, parent = str(order + 1), row, ""
            elif isinstance(row, list) and len(row) >= 2:
                code, name = str(row[0]), str(row[1])
                parent = str(row[2]) if len(row) > 2 and row[2] and table not in ("civil_servant_rank_2019", "ethnic_gb3304", "political_gbt4762") else ""
            else:
                continue
            items.append(
                CodeItem(
                    table=table, code=code, name=name, parent_code=parent[:16], sort_order=order,
                    is_passing=name not in FAILING.get(table, set()),
                )
            )
    CodeItem.objects.bulk_create(items, ignore_conflicts=True)


def unseed(apps, schema_editor):
    apps.get_model("cadre_portal", "CodeItem").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cadre_portal", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
