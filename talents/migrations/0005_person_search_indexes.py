from django.db import migrations

from cadre_portal.people import PersonSearchIndexes


class Migration(migrations.Migration):
    """Indexes behind cadre_portal.people.name_search_q for the talent registries."""

    dependencies = [("talents", "0004_name_pinyin_length")]

    operations = [PersonSearchIndexes("talent")]
