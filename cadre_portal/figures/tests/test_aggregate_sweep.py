"""Aggregates are scoped like rows (issue 15 item 9): for each role, every figure
counts only what that role can open. Each drill-down row must open for the
viewer (its page answers 200, not 404), and no figure may exceed the same figure
for the whole installation."""

from __future__ import annotations

import pytest

from cadre_portal.figures import compute, registry
from cadre_portal.figures.tests.helpers import PERSONAS, read_rows, test_periods


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_counted_row_opens_for_its_viewer(world, login, persona):
    user = getattr(world, persona)
    client = login(user)
    period = test_periods()[1]
    for figure in registry.all_figures():
        result = compute.value(figure, user, period)
        if not result.allowed:
            continue
        for link in read_rows(client, figure.url(period))["links"]:
            assert client.get(link).status_code == 200, (figure.key, link)


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_figure_counts_more_than_the_whole_installation(world, persona):
    user = getattr(world, persona)
    for period in test_periods():
        for figure in registry.all_figures():
            mine = compute.value(figure, user, period)
            if not mine.allowed or not figure.counts_rows:
                continue
            everything = compute.value(figure, world.admin, period).value
            assert mine.value <= everything, (figure.key, persona)


def test_township_officers_split_the_county_between_them(world):
    period = test_periods()[1]
    for figure in registry.all_figures():
        if figure.section != "reserves" or not figure.counts_rows:
            continue
        a = compute.value(figure, world.officer_a, period).value
        b = compute.value(figure, world.officer_b, period).value
        assert a + b == compute.value(figure, world.county_staff, period).value, figure.key


def test_roles_outside_a_section_get_no_numbers_from_it(world):
    period = test_periods()[0]
    reserves = [f for f in registry.all_figures() if f.section == "reserves"]
    assert reserves
    for figure in reserves:
        assert compute.value(figure, world.domain_officer, period).allowed is False
