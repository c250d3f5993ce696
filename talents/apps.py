from django.apps import AppConfig

SECTION = "重点领域人才"


class TalentsConfig(AppConfig):
    name = "talents"
    verbose_name = "重点领域人才"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cadre_portal import identity
        from cadre_portal.navigation import register_home_panel, register_menu
        from talents import panels

        officer, county, leader, admin, domain = "township_officer", "county_staff", "leader", "admin", "domain_officer"
        register_menu("本领域人才库", "talents:index", roles=(domain,), section=SECTION, order=300)
        register_menu("五域人才总览", "talents:overview", roles=(county, leader, admin, officer), section=SECTION, order=300)
        register_menu("人才平台", "talents:platforms", roles=(domain, county, leader, admin, officer), section=SECTION, order=310)
        register_menu("招引计划", "talents:plans", roles=(domain, county, leader, admin), section=SECTION, order=320)
        register_menu("文艺组织", "talents:orgs", roles=(domain, county, leader, admin, officer), section=SECTION, order=330,
                      when=lambda user: not user.is_domain_officer or user.domain == "culture")
        register_home_panel("talents_domain", "talents/panels/domain.html", panels.domain_officer, roles=(domain,), order=5)
        register_home_panel("talents_county", "talents/panels/county.html", panels.county, roles=(county, leader, officer), order=40)
        identity.register(
            "talents", label="重点领域人才", model="talents.Talent", url_name="talents:detail",
            describe=lambda t: f"{t.get_domain_display()}领域 · {t.category.name} · {t.get_status_display()}",
            select_related=("category",),
        )
