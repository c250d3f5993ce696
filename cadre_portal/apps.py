from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _sqlite_wal(sender, connection, **kwargs):
    """WAL lets readers run beside the one writer; with IMMEDIATE transactions
    (settings) concurrent writers queue instead of failing."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL;")
            cursor.execute("PRAGMA synchronous=NORMAL;")
            cursor.execute("PRAGMA foreign_keys=ON;")


class CadrePortalConfig(AppConfig):
    name = "cadre_portal"
    verbose_name = "平台基础"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        connection_created.connect(_sqlite_wal, dispatch_uid="cadre_portal_sqlite_wal")
        from cadre_portal import audit  # noqa: F401  (connects the login signals)
        from cadre_portal.home import register
        from cadre_portal.notifications import schedule
        from cadre_portal.tasks import HOUSEKEEPING_TASK

        register()
        # The admin has autodiscovered every app's admin by now (it comes first in
        # INSTALLED_APPS): deleting there becomes an administrator's audited purge.
        from django.contrib import admin

        from cadre_portal import purge

        purge.guard_admin_site(admin.site)
        schedule.register(HOUSEKEEPING_TASK, "每日清理（过期会话、审计日志归档）", crontab="30 2 * * *",
                          description="删除过期会话和 30 天前已完成的后续任务；超过留存期的审计日志写入归档文件后删除，并记审计日志。")
