from django.apps import AppConfig


class ReservesConfig(AppConfig):
    name = "reserves"
    verbose_name = "村（社区）后备干部"
