"""The talents' figures: each counts its own rows, over the figures world, scoped like
the lists, and stock figures read the state as of the period's end."""

from datetime import date, timedelta

import pytest

from cadre_portal.figures import compute, registry
from cadre_portal.figures.periods import THREE_YEARS, THIS_YEAR, make_range, preset
from talents.tests import figures_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    figures_world.build(personas)
    return personas


def value(key, user, period=None):
    return compute.value(key, user, period or preset(THREE_YEARS)).value


def test_every_talents_figure_counts_something_in_the_world(world):
    empty = [f.key for f in registry.all_figures() if f.section == "talents" and not value(f.key, world.county_staff)]
    assert empty == []


def test_a_domain_officer_counts_only_their_domain(world):
    assert value("talents.in_post", world.domain_officer) == 1  # the one teacher
    assert value("talents.medical_recruited", world.domain_officer) == 0
    assert value("talents.medical_recruited", world.medical_officer) == 2


def test_township_officers_count_only_what_works_in_their_township(world):
    assert value("talents.medical_managers", world.officer_a) == 1
    assert value("talents.medical_managers", world.officer_b) == 0
    assert value("talents.agri_entrepreneurs_supported", world.officer_b) == 1


def test_recruitment_is_counted_on_its_own_date(world):
    this_year = preset(THIS_YEAR)
    assert value("talents.medical_recruited", world.county_staff, this_year) == 1
    assert value("talents.medical_recruited", world.county_staff) == 2


def test_a_platform_closed_after_the_period_still_counts_then(world):
    today = date.today()
    before = make_range(today - timedelta(days=400), today - timedelta(days=30))
    assert value("talents.famous_doctor_studios", world.county_staff, before) == 2
    assert value("talents.famous_doctor_studios", world.county_staff, preset(THIS_YEAR)) == 1


def test_a_master_lost_this_year_was_in_post_before(world):
    today = date.today()
    before = make_range(today - timedelta(days=500), today - timedelta(days=200))
    assert value("talents.culture_masters", world.county_staff, before) == 2
    assert value("talents.culture_masters", world.county_staff, preset(THIS_YEAR)) == 1


def test_an_organization_registered_counts_until_dissolved(world):
    assert value("talents.arts_organizations", world.county_staff, preset(THIS_YEAR)) == 2


def test_remote_stations_serve_distinct_enterprises(world):
    assert value("talents.remote_station_enterprises", world.county_staff) == 2
    assert value("talents.expert_served_enterprises", world.county_staff) == 1


def test_supported_agricultural_talents_count_once_per_person(world):
    assert value("talents.agri_entrepreneurs_supported", world.county_staff) == 1
    assert value("talents.agri_coop_ecommerce", world.county_staff) == 1


def test_planned_is_the_sum_of_the_plan_lines(world):
    assert value("talents.planned", world.county_staff, preset(THIS_YEAR)) == 7
    assert value("talents.recruited_vs_plan", world.county_staff, preset(THIS_YEAR)) == 2
