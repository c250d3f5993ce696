from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "cadre_portal.notifications"
    label = "notifications"
    verbose_name = "提醒与通知"
