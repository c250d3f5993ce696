"""Who sees which young-cadre records: county-wide roles see the county; a unit contact
their unit's cadres; township and domain officers nothing of the bank."""

import pytest

from youth_cadres.models import Cadre, Post, SupervisionOpinion
from youth_cadres.tests.builders import make_cadre, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, unit_contacts):
    a = make_cadre(unit_contacts.unit_a, name="甲")
    b = make_cadre(unit_contacts.unit_b, name="乙")
    return a, b


def names(qs):
    return sorted(qs.values_list("name", flat=True))


def test_county_staff_and_leaders_see_every_cadre_of_the_county(personas, world):
    assert names(Cadre.objects.visible_to(personas.county_staff)) == ["乙", "甲"]
    assert names(Cadre.objects.visible_to(personas.leader)) == ["乙", "甲"]


def test_a_unit_contact_sees_only_the_cadres_of_their_unit(unit_contacts, world):
    assert names(Cadre.objects.visible_to(unit_contacts.contact_a)) == ["甲"]
    assert names(Cadre.objects.visible_to(unit_contacts.contact_b)) == ["乙"]


def test_a_township_officer_sees_no_cadre_even_of_a_unit_in_their_township(personas, world):
    # unit_b (天城镇人民政府) lies in officer_a's township: the bank is still not theirs.
    assert not Cadre.objects.visible_to(personas.officer_a).exists()


def test_a_domain_officer_sees_no_cadre(personas, world):
    assert not Cadre.objects.visible_to(personas.domain_officer).exists()


def test_posts_follow_their_unit(personas, unit_contacts):
    make_post(unit_contacts.unit_a, "局长", level="141", headcount=1)
    make_post(unit_contacts.unit_b, "副镇长")
    assert [p.title for p in Post.objects.visible_to(unit_contacts.contact_a)] == ["局长"]
    assert not Post.objects.visible_to(personas.officer_a).exists()
    assert Post.objects.visible_to(personas.county_staff).count() == 2


def test_supervision_opinions_are_for_county_wide_roles_only(personas, unit_contacts, world):
    a, _ = world
    SupervisionOpinion.objects.create(cadre=a, source="colleague", date="2026-01-05", content="工作扎实")
    assert not SupervisionOpinion.objects.visible_to(unit_contacts.contact_a).exists()
    assert SupervisionOpinion.objects.visible_to(personas.county_staff).count() == 1
