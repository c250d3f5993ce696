from importlib import import_module

from django.apps import AppConfig, apps


class DocumentsConfig(AppConfig):
    """干部任免审批表 and other documents generated from records (print view, .docx, .lrmx)."""

    name = "cadre_portal.documents"
    label = "documents"
    verbose_name = "文书生成"

    def ready(self):
        from cadre_portal.navigation import register_menu

        register_menu("干部任免审批表", "documents:index", section="任免", order=700,
                      roles=("county_staff", "leader", "admin"))
        # Each app that can fill a form registers its sources in ``<app>/rmb.py``.
        for config in apps.get_app_configs():
            if config.name.startswith(("django.", "cadre_portal")):
                continue
            try:
                import_module(f"{config.name}.rmb")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.rmb":
                    raise
