from django.db import migrations


def restore_search_indexes(apps, schema_editor):
    """The range constraints of 0009_field_ranges make SQLite rebuild the candidate table, which drops
    the person-search indexes created outside the model state: create them again
    (IF NOT EXISTS: nothing happens on PostgreSQL, where the table is altered in place)."""
    from cadre_portal.people import PersonSearchIndexes

    state = type("State", (), {"apps": apps})()
    PersonSearchIndexes("candidate").database_forwards("reserves", schema_editor, state, state)


class Migration(migrations.Migration):

    dependencies = [
        ("reserves", "0009_field_ranges"),
    ]

    operations = [migrations.RunPython(restore_search_indexes, migrations.RunPython.noop)]
