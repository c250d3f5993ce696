from django.apps import AppConfig

SECTION = "村（社区）后备干部"


class ReservesConfig(AppConfig):
    name = "reserves"
    verbose_name = "村（社区）后备干部"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cadre_portal import identity
        from cadre_portal.navigation import register_home_panel, register_menu
        from reserves import panels

        identity.register(
            "reserves", label="村（社区）后备干部", model="reserves.Candidate", url_name="reserves:detail",
            describe=lambda c: f"{c.village.full_name} · {c.get_stage_display()}", select_related=("village__parent",),
        )

        officer, county, leader, admin = "township_officer", "county_staff", "leader", "admin"
        register_menu("后备干部名册", "reserves:list", roles=(officer, county, leader, admin), section=SECTION, order=100)
        register_menu("填报推荐", "reserves:create", roles=(officer,), section=SECTION, order=110)
        register_menu("按村提交审查", "reserves:submission", roles=(officer,), section=SECTION, order=120)
        register_menu("按村批量办理", "reserves:review", roles=(officer, county), section=SECTION, order=125)
        register_menu("集中培训", "reserves:training", roles=(officer, county, leader, admin), section=SECTION, order=130)
        register_menu("储备库", "reserves:pool", roles=(officer, county, leader, admin), section=SECTION, order=140)
        register_menu("工作总览", "reserves:overview", roles=(county, leader, admin), section=SECTION, order=150)
        register_menu("各村后备干部情况", "reserves:villages", roles=(officer, county, leader, admin), section=SECTION, order=155)
        register_menu("选拔标准", "reserves:standards", roles=(officer, county, leader, admin), section=SECTION, order=158)
        register_home_panel("reserves_township", "reserves/panels/township.html", panels.township_todo, roles=(officer,), order=20)
        register_home_panel("reserves_county", "reserves/panels/county.html", panels.county_queue, roles=(county,), order=20)
        register_home_panel("reserves_leader", "reserves/panels/leader.html", panels.leader_summary, roles=(leader,), order=20)
