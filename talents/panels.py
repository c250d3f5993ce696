"""Home-page panels of the talents app (registered in TalentsConfig.ready). Their numbers
are figures (``talents.figures``), read through ``cadre_portal.figures.compute``."""

from __future__ import annotations

from datetime import date

from cadre_portal.figures import compute
from cadre_portal.figures.periods import THIS_YEAR, preset
from talents import domains, services
from talents.models import ArtsOrganization, Platform


def domain_officer(user):
    """A domain officer's registry at a glance: in post, recruited this year against plan,
    platforms, and what to do next."""
    if not user.domain:
        return None
    domain = domains.get(user.domain)
    period = preset(THIS_YEAR)
    year = date.today().year
    in_post = compute.value("talents.in_post", user, period)
    recruited = compute.value("talents.recruited", user, period)
    planned = compute.value("talents.planned", user, period)
    in_plan = compute.value("talents.recruited_vs_plan", user, period)
    context = {
        "domain": domain, "year": year, "in_post": in_post, "recruited": recruited, "planned": planned, "in_plan": in_plan,
        "platforms": compute.value("talents.platforms", user, period),
        "plan_missing": not services.plan_years(user, user.domain) or planned.empty,
        "has_platform_kinds": bool(domain.platform_kinds),
    }
    if user.domain == "culture":
        context["organizations"] = compute.value("talents.arts_organizations", user, period)
    return context


def county(user):
    """County staff, leaders and township officers: in-post talents per domain (their scope)."""
    period = preset(THIS_YEAR)
    table = compute.breakdown("talents.in_post", user, period)
    if not table.allowed:
        return None
    rows = [{"label": c.label, "cell": table.cells[0][i]} for i, c in enumerate(table.categories)]
    if user.is_township_officer and not table.total:
        return None  # nothing of the five domains works in this township yet
    return {"rows": rows, "total": table.total, "recruited": compute.value("talents.recruited", user, period),
            "platforms": compute.value("talents.platforms", user, period)}
