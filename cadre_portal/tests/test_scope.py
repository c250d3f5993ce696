import pytest

from cadre_portal.models import Region, Unit, User
from cadre_portal.scope import region_in_scope, scope_q

pytestmark = pytest.mark.django_db


def codes(qs):
    return set(qs.values_list("code", flat=True))


def test_a_township_officer_sees_their_township_and_its_villages_only(personas):
    assert codes(Region.objects.visible_to(personas.officer_a)) == {"421223100", "421223100201", "421223100202"}


def test_county_staff_see_the_whole_county(personas):
    assert "421223101201" in codes(Region.objects.visible_to(personas.county_staff))


def test_a_user_without_a_region_sees_nothing(personas):
    personas.officer_a.region = None
    assert not Region.objects.visible_to(personas.officer_a).exists()


def test_an_inactive_user_sees_nothing(personas):
    personas.county_staff.is_active = False
    assert not Region.objects.visible_to(personas.county_staff).exists()


def test_a_domain_officer_sees_only_their_domain(personas):
    county = personas.tree.county
    Unit.objects.create(name="县一中", kind=Unit.Kind.INSTITUTION, region=county, domain="education")
    Unit.objects.create(name="县医院", kind=Unit.Kind.INSTITUTION, region=county, domain="medical")
    assert list(Unit.objects.visible_to(personas.domain_officer).values_list("name", flat=True)) == ["县一中"]


def test_a_domain_officer_sees_nothing_of_a_model_without_a_domain(personas):
    assert scope_q(personas.domain_officer, region_field="village", domain_field=None) == scope_q(None)


def test_officers_see_only_users_of_their_township(personas):
    assert set(User.objects.visible_to(personas.officer_a).values_list("username", flat=True)) == {"officer_a"}


def test_region_in_scope_checks_the_subtree(personas):
    tree = personas.tree
    assert region_in_scope(personas.officer_a, tree.village_a1)
    assert not region_in_scope(personas.officer_a, tree.village_b1)


def test_a_township_officer_must_be_scoped_to_a_township(personas):
    from django.core.exceptions import ValidationError

    officer = personas.officer_a
    officer.region = personas.tree.village_a1
    with pytest.raises(ValidationError, match="乡镇组织委员的数据范围应为一个乡镇"):
        officer.clean()


def test_a_domain_officer_needs_a_domain(personas):
    from django.core.exceptions import ValidationError

    personas.domain_officer.domain = ""
    with pytest.raises(ValidationError, match="须选择所属行业领域"):
        personas.domain_officer.clean()


def test_a_domain_officer_sees_the_region_tree_of_their_scope(personas):
    assert "421223100201" in codes(Region.objects.visible_to(personas.domain_officer))


def test_a_villages_full_name_needs_no_query_beyond_its_township(personas, django_assert_num_queries):
    village = Region.objects.select_related("parent").get(code="421223100201")
    with django_assert_num_queries(0):
        assert village.full_name() == "天城镇茅井村"


# --- unit contacts (单位干部联络员) -------------------------------------------------------


def test_a_unit_contact_sees_their_own_unit_only(unit_contacts):
    visible = Unit.objects.visible_to(unit_contacts.contact_a)
    assert list(visible) == [unit_contacts.unit_a]


def test_a_unit_contact_sees_nothing_of_a_model_without_a_unit_field(personas, unit_contacts):
    contact = unit_contacts.contact_a
    assert not Region.objects.visible_to(contact).exists()
    assert not User.objects.visible_to(contact).exists()


def test_a_unit_contact_without_a_unit_sees_nothing(unit_contacts):
    contact = unit_contacts.contact_a
    contact.unit = None
    assert not Unit.objects.visible_to(contact).exists()


def test_a_unit_contact_is_never_in_a_regions_scope(personas, unit_contacts):
    assert not region_in_scope(unit_contacts.contact_b, personas.tree.township_a)


def test_unit_in_scope_follows_each_role(personas, unit_contacts):
    from cadre_portal.scope import unit_in_scope

    u = unit_contacts
    assert unit_in_scope(u.contact_a, u.unit_a) and not unit_in_scope(u.contact_a, u.unit_b)
    assert unit_in_scope(personas.officer_a, u.unit_b) and not unit_in_scope(personas.officer_b, u.unit_b)
    assert unit_in_scope(personas.county_staff, u.unit_a)
    assert not unit_in_scope(personas.domain_officer, u.unit_a)  # no domain


def test_county_roles_only_keeps_township_and_domain_officers_out(personas):
    for user in (personas.officer_a, personas.domain_officer):
        assert scope_q(user, region_field="unit__region", county_roles_only=True) == scope_q(None)
    assert scope_q(personas.county_staff, region_field="unit__region", county_roles_only=True) != scope_q(None)


def test_a_unit_contact_must_name_a_unit_and_no_region(personas):
    from django.core.exceptions import ValidationError

    contact = User(username="c", role="unit_contact")
    with pytest.raises(ValidationError, match="须选择所联络的单位"):
        contact.clean()
    contact.region = personas.tree.county
    with pytest.raises(ValidationError, match="不需选择区划"):
        contact.clean()


def test_only_a_unit_contact_names_a_unit(personas, unit_contacts):
    from django.core.exceptions import ValidationError

    officer = personas.officer_a
    officer.unit = unit_contacts.unit_b
    with pytest.raises(ValidationError, match="只有单位干部联络员需要选择联络单位"):
        officer.clean()


def test_a_valid_unit_contact_passes_clean(unit_contacts):
    unit_contacts.contact_a.clean()  # no error


def test_units_belong_to_one_of_the_three_teams_by_kind(personas):
    organ = Unit(name="局", kind=Unit.Kind.PARTY_GOV, region=personas.tree.county)
    school = Unit(name="校", kind=Unit.Kind.INSTITUTION, region=personas.tree.county)
    soe = Unit(name="司", kind=Unit.Kind.STATE_ENTERPRISE, region=personas.tree.county)
    village = Unit(name="村委", kind=Unit.Kind.VILLAGE_ORG, region=personas.tree.county)
    assert [u.team_label for u in (organ, school, soe, village)] == ["机关", "事业", "企业", ""]


def test_the_team_expression_groups_units_in_the_database(personas):
    from django.db.models import Count

    county = personas.tree.county
    for name, kind in [("局", "party_gov"), ("校", "institution"), ("司", "soe"), ("民企", "enterprise"), ("协会", "social")]:
        Unit.objects.create(name=name, kind=kind, region=county)
    rows = dict(Unit.objects.annotate(team=Unit.team_case()).values("team").annotate(n=Count("pk")).values_list("team", "n"))
    assert rows == {"organ": 1, "institution": 1, "enterprise": 2, "": 1}
