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
