"""Round-trip samples of the shared registries (regions, units, users)."""

from cadre_portal.excel.testing import RoundTrip, roundtrip_sample
from cadre_portal.models import Role, Unit, User


@roundtrip_sample("regions")
def regions(personas):
    # The personas' tree: a county, two towns, three villages.
    return [RoundTrip(user=personas.admin)]


@roundtrip_sample("units")
def units(personas):
    tree = personas.tree
    Unit.objects.create(name="县教育局", kind="party_gov", region=tree.county, domain="education",
                        credit_code="11421223MB1234567X", sort_order=1)
    Unit.objects.create(name="=茅井村委会", kind="village_org", region=tree.village_a1, sort_order=2)
    Unit.objects.create(name="天城镇中心学校", kind="institution", region=tree.township_a)
    return [RoundTrip(user=personas.admin)]


@roundtrip_sample("users")
def users(personas):
    # Superusers and disabled accounts are exported too and must come back unchanged.
    User.objects.create_user("retired", password="x-Test-pass-1", role=Role.TOWNSHIP_OFFICER,
                             region=personas.tree.township_b, is_active=False, phone="+8613800000000")
    return [RoundTrip(user=personas.admin)]
