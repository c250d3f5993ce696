from django.apps import AppConfig


class TalentsConfig(AppConfig):
    name = "talents"
    verbose_name = "重点领域人才"
