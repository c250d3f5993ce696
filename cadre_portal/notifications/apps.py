from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_after_migrate(sender, using="default", **kwargs):
    """Every registered kind gets its ReminderSetting row and its beat task
    (kinds added after the data migration included)."""
    from django.db import connections

    if "django_celery_beat_periodictask" not in connections[using].introspection.table_names():
        return
    from cadre_portal.notifications import services

    services.ensure_settings()
    services.sync_periodic_tasks()


class NotificationsConfig(AppConfig):
    name = "cadre_portal.notifications"
    label = "notifications"
    verbose_name = "提醒与通知"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cadre_portal.notifications import navigation

        navigation.register()
        # The reserves' reminder kinds, once the reserves app has its models.
        if apps.is_installed("reserves"):
            try:
                apps.get_model("reserves", "FollowUpVisit")
            except LookupError:
                pass
            else:
                import importlib.util

                if importlib.util.find_spec("reserves.reminders") is not None:
                    import reserves.reminders  # noqa: F401  (registers the kinds)
        post_migrate.connect(_sync_after_migrate, sender=self, dispatch_uid="notifications_sync_periodic_tasks")
