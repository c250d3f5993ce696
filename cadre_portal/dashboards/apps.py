from django.apps import AppConfig

SECTION = "统计分析"
VIEWERS = ("leader", "county_staff", "admin", "township_officer", "domain_officer")


class DashboardsConfig(AppConfig):
    name = "cadre_portal.dashboards"
    label = "dashboards"
    verbose_name = "统计分析与情况汇报"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cadre_portal.dashboards import panels
        from cadre_portal.navigation import register_home_panel, register_menu

        register_menu("统计分析", "dashboards:index", roles=VIEWERS, section=SECTION, order=50)
        register_menu("情况汇报", "dashboards:report", roles=("county_staff", "leader", "admin"), section=SECTION, order=60)
        register_home_panel("dashboards_key_figures", "dashboards/panels/key_figures.html", panels.key_figures,
                            roles=("leader", "county_staff"), order=5)
