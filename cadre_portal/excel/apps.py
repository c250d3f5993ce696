from importlib import import_module

from django.apps import AppConfig, apps


class ExcelConfig(AppConfig):
    name = "cadre_portal.excel"
    label = "excel"
    verbose_name = "Excel 导入导出"

    def ready(self):
        from cadre_portal.navigation import register_menu

        # The shared registries (regions, units, users), then each app's ``resources`` module.
        import_module("cadre_portal.excel.registries")
        for config in apps.get_app_configs():
            if config.name.startswith(("django.", "cadre_portal")):
                continue
            try:
                import_module(f"{config.name}.resources")
            except ModuleNotFoundError as exc:
                if exc.name != f"{config.name}.resources":
                    raise
        register_menu("Excel导入导出", "excel:index", section="基础数据", order=920, roles=("admin", "county_staff", "township_officer", "domain_officer"))
