from django.apps import AppConfig

SECTION = "重点领域人才"


class TalentsConfig(AppConfig):
    name = "talents"
    verbose_name = "重点领域人才"
    default_auto_field = "django.db.models.BigAutoField"
