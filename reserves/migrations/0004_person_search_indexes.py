from django.db import migrations

from cadre_portal.people import PersonSearchIndexes


class Migration(migrations.Migration):
    """Indexes behind cadre_portal.people.name_search_q (issue 16 item 6)."""

    dependencies = [("reserves", "0003_birth_date_range")]

    operations = [PersonSearchIndexes("candidate")]
