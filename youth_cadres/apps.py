from django.apps import AppConfig

SECTION = "优秀年轻干部"


class YouthCadresConfig(AppConfig):
    name = "youth_cadres"
    verbose_name = "优秀年轻干部"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from cadre_portal import identity
        from cadre_portal.navigation import register_home_panel, register_menu
        from youth_cadres import panels

        identity.register(
            "youth_cadres", label="优秀年轻干部库干部", model="youth_cadres.Cadre", url_name="youth_cadres:cadre_detail",
            describe=lambda c: f"{c.unit.name} {c.current_post}".strip(), select_related=("unit",),
        )
        county, leader, admin, contact = "county_staff", "leader", "admin", "unit_contact"
        everyone = (county, leader, admin, contact)
        register_menu("优秀年轻干部库", "youth_cadres:bank_list", roles=(county, leader, admin), section=SECTION, order=200)
        register_menu("干部名册", "youth_cadres:cadre_list", roles=everyone, section=SECTION, order=210)
        register_menu("岗位供求", "youth_cadres:post_list", roles=(county, leader, admin), section=SECTION, order=220)
        register_menu("空缺预测", "youth_cadres:forecast", roles=(county, leader, admin), section=SECTION, order=225)
        register_menu("培养计划", "youth_cadres:plan_list", roles=(county, leader, admin), section=SECTION, order=230)
        register_menu("培养记录", "youth_cadres:training_record_list", roles=everyone, section=SECTION, order=235)
        register_menu("工作日志纪实", "youth_cadres:worklog_list", roles=everyone, section=SECTION, order=240)
        register_menu("监督意见", "youth_cadres:supervision_list", roles=(county, leader, admin), section=SECTION, order=245)
        register_menu("任免记录", "youth_cadres:appointment_list", roles=(county, leader, admin), section=SECTION, order=250)
        register_home_panel("youth_county", "youth_cadres/panels/county.html", panels.county_todo, roles=(county,), order=30)
        register_home_panel("youth_leader", "youth_cadres/panels/leader.html", panels.leader_summary, roles=(leader,), order=30)
        register_home_panel("youth_unit", "youth_cadres/panels/unit_contact.html", panels.unit_contact_home, roles=(contact,), order=10)
