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

        register()
