"""The bank's figures agree with the records they count, today and as of a past day."""

from datetime import date, timedelta

import pytest

from cadre_portal.figures import compute, periods, registry
from youth_cadres.models import Appointment, BankEntry
from youth_cadres.tests import figures_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas):
    figures_world.build(personas)
    return personas


def value(key, user, period):
    return compute.value(registry.get(key), user, period).value


def test_every_young_cadre_figure_counts_something_in_the_world(world):
    period = periods.preset(periods.THREE_YEARS)
    empty = [f.key for f in registry.all_figures() if f.section == "youth" and not value(f.key, world.county_staff, period)]
    assert empty == []


def test_the_bank_size_today_is_the_number_in_the_bank(world):
    assert value("youth_cadres.bank_size", world.county_staff, periods.preset(periods.THIS_YEAR)) == BankEntry.objects.in_bank().count() == 3


def test_the_bank_size_as_of_a_past_day_counts_who_was_in_the_bank_then(world):
    day = date.today() - timedelta(days=60)  # before one appointment and one transfer
    period = periods.make_range(day - timedelta(days=30), day)
    assert value("youth_cadres.bank_size", world.county_staff, period) == 5


def test_appointed_from_the_bank_counts_appointments_in_the_period(world):
    period = periods.preset(periods.THREE_YEARS)
    assert value("youth_cadres.appointed_from_bank", world.county_staff, period) == Appointment.objects.from_bank().count() == 2
    recent = periods.make_range(date.today() - timedelta(days=60), date.today())
    assert value("youth_cadres.appointed_from_bank", world.county_staff, recent) == 1
    assert value("youth_cadres.cross_team_appointments", world.county_staff, period) == 1


def test_township_and_domain_officers_get_no_bank_figures(world):
    period = periods.preset(periods.THIS_YEAR)
    for user in (world.officer_a, world.domain_officer):
        assert not compute.value(registry.get("youth_cadres.bank_size"), user, period).allowed
