from django.apps import AppConfig


class YouthCadresConfig(AppConfig):
    name = "youth_cadres"
    verbose_name = "优秀年轻干部"
    default_auto_field = "django.db.models.BigAutoField"
