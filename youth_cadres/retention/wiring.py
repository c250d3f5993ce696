"""What the retention sub-app plugs into the portal when Django starts (``ready()``):
menus, the young-cadre page's section, the code table's label. Figures are
autodiscovered (``figures.py``)."""

SECTION = "优秀年轻干部"
ROLES = ("county_staff", "leader", "admin")


def connect() -> None:
    from cadre_portal.models import CODE_TABLE_LABELS
    from cadre_portal.navigation import register_menu
    from youth_cadres.retention import codes, reminders, sections  # noqa: F401  (reminders registers the kinds)

    CODE_TABLE_LABELS.setdefault(codes.DEMAND_CATEGORY_TABLE, "留才诉求类别")
    viewers = (*ROLES, "township_officer")
    register_menu("留才工作台", "retention:workbench", roles=viewers, section=SECTION, order=260)
    register_menu("留才诉求", "retention:demand_list", roles=viewers, section=SECTION, order=262)
    sections.connect()
