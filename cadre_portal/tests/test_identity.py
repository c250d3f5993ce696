"""The same resident ID number in other registries, as far as the viewer may open them."""

from datetime import date

import pytest

from cadre_portal import identity
from cadre_portal.testing import make_id_number
from reserves.models import Candidate

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(personas):
    number = make_id_number(date(1991, 3, 4))
    return Candidate.objects.create(name="张三", id_number=number, village=personas.tree.village_a1)


def test_a_record_in_another_registry_is_listed_with_its_link(personas, candidate):
    found = identity.records_elsewhere(candidate.id_number, personas.county_staff)
    assert [(r.registry, r.name, r.url) for r in found] == [("reserves", "张三", f"/reserves/{candidate.pk}/")]


def test_records_the_viewer_may_not_open_are_not_listed(personas, candidate):
    assert identity.records_elsewhere(candidate.id_number, personas.officer_b) == []


def test_the_record_being_shown_is_left_out(personas, candidate):
    assert identity.records_elsewhere(candidate.id_number, personas.county_staff, exclude=candidate) == []


def test_an_empty_number_finds_nothing(personas):
    assert identity.records_elsewhere("", personas.county_staff) == []


def test_one_query_per_registry(personas, candidate, django_assert_num_queries):
    with django_assert_num_queries(len(identity.registries())):
        identity.records_elsewhere(candidate.id_number, personas.county_staff)
