from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _sync_after_migrate(sender, using="default", **kwargs):
    """Every registered kind gets its ReminderSetting row and its beat task
    (kinds added after the data migration included)."""
    from django.db import connections

    if "django_celery_beat_periodictask" not in connections[using].introspection.table_names():
        return
    from cadre_portal.notifications import services

    from cadre_portal.notifications import schedule

    services.ensure_settings()
    services.sync_periodic_tasks()
    schedule.sync()


class NotificationsConfig(AppConfig):
    name = "cadre_portal.notifications"
    label = "notifications"
    verbose_name = "提醒与通知"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cadre_portal.notifications import navigation, outbox, schedule

        navigation.register()
        schedule.register(outbox.SWEEP_TASK, "后续任务投递与巡检（每分钟）", every=60,
                          description="投递发件箱中待处理的后续任务（通知、导入等），补发丢失的提醒分发，并运行各模块的巡检。")
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
