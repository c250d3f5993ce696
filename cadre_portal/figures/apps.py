from importlib import import_module

from django.apps import AppConfig, apps


class FiguresConfig(AppConfig):
    name = "cadre_portal.figures"
    label = "figures"
    verbose_name = "统计指标"

    def ready(self):
        from cadre_portal.figures import cache

        # Each app's ``figures`` module registers its figures when imported
        # (autodiscovered here, like the Excel registries' ``resources``); the
        # app's tables then count towards the figures' data version.
        for config in apps.get_app_configs():
            if config.name.startswith("django."):
                continue
            module = f"{config.name}.figures"
            if config.name == self.name:
                continue
            try:
                import_module(module)
            except ModuleNotFoundError as exc:
                if exc.name != module:
                    raise
            else:
                cache.SOURCE_APPS.add(config.label)
