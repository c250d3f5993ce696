from django.db import migrations

from cadre_portal.people import PersonSearchIndexes


class Migration(migrations.Migration):
    """Indexes behind cadre_portal.people.name_search_q for the cadre file."""

    dependencies = [("youth_cadres", "0002_birth_date_range")]

    operations = [PersonSearchIndexes("cadre")]
