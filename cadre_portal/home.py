"""The shell's own menu entries and home panels (the apps add theirs)."""

from django.db.models import Count, Q

from cadre_portal.navigation import register_home_panel, register_menu


def admin_overview(user):
    from cadre_portal.models import Region, User

    counts = User.objects.visible_to(user).aggregate(
        total=Count("pk"), active=Count("pk", filter=Q(is_active=True))
    )
    regions = Region.objects.visible_to(user).aggregate(
        townships=Count("pk", filter=Q(level=4)), villages=Count("pk", filter=Q(level=5))
    )
    by_role = list(User.objects.visible_to(user).values("role").annotate(n=Count("pk")).order_by("role"))
    from cadre_portal.models import Role

    labels = dict(Role.choices)
    return {
        "users": counts,
        "regions": regions,
        "by_role": [{"label": labels.get(row["role"], row["role"]), "n": row["n"]} for row in by_role],
    }


def domain_units(user):
    """A domain officer's home: the units of their domain (the talent registries build on these)."""
    from cadre_portal.models import Unit

    units = list(Unit.objects.visible_to(user).select_related("region")[:20])
    return {"units": units, "domain": user.get_domain_display()}


def register():
    # Every role but the unit contact, whose scope is one unit and no part of the region tree.
    register_menu("行政区划", "region_tree", roles=("township_officer", "county_staff", "domain_officer", "leader", "admin"),
                  section="基础数据", order=900)
    register_menu("审计日志", "audit_log", roles=("admin", "county_staff"), section="基础数据", order=910)
    register_home_panel("domain_units", "cadre_portal/panels/domain_units.html", domain_units, roles=("domain_officer",), order=10)
    register_home_panel("admin_overview", "cadre_portal/panels/admin_overview.html", admin_overview, roles=("admin",), order=10)
