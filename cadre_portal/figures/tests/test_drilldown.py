"""Every figure's number equals the rows its drill-down list shows, for every persona,
period and bucket (issue 11 item 1)."""

from __future__ import annotations

import pytest

from cadre_portal.figures import compute, registry
from cadre_portal.figures.tests.helpers import PERSONAS, read_rows, test_periods


def _check(client, url, figure, user, period, expected, buckets=()):
    seen = read_rows(client, url)
    if figure.counts_rows:
        assert seen["total"] == expected, (figure.key, buckets, period.label, seen["total"], expected)
    else:
        assert seen["total"] == figure.queryset(user, period, buckets).count(), figure.key
        if seen["total"]:
            assert seen["aggregate"] == figure.format(expected), (figure.key, seen["aggregate"], expected)
    assert seen["rows"] == min(seen["total"], 50), figure.key


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_figure_lists_exactly_what_it_counts(world, login, persona):
    user = getattr(world, persona)
    client = login(user)
    checked = 0
    for n, period in enumerate(test_periods()):
        for figure in registry.all_figures():
            result = compute.value(figure, user, period)
            if not result.allowed:
                assert client.get(figure.url(period)).status_code == 403, figure.key
                continue
            _check(client, figure.url(period), figure, user, period, result.value)
            checked += 1
            if not figure.dimensions or n == 2:  # buckets over two periods are enough
                continue
            table = compute.breakdown(figure, user, period)
            if figure.counts_rows and len(figure.dimensions) == 1:
                # The breakdown adds up to the figure whenever every row falls in a bucket.
                assert table.total <= result.value, figure.key
            shown_zero = False
            for s, line in enumerate(table.series):
                for c, category in enumerate(table.categories):
                    cell = table.cells[s][c]
                    if not cell.value:
                        if shown_zero:
                            continue
                        shown_zero = True
                    keys = (category.key,) if len(figure.dimensions) == 1 else (category.key, line.key)
                    _check(client, cell.url, figure, user, period, cell.value or 0, keys)
    if persona != "domain_officer":
        assert checked, "no figure was checked for this persona"


def test_the_world_gives_every_reserves_figure_something_to_count(world):
    period = test_periods()[1]
    empty = [f.key for f in registry.all_figures()
             if f.section == "reserves" and not compute.value(f, world.county_staff, period).value]
    assert empty == []


def test_an_unknown_figure_is_a_404(personas, login):
    assert login(personas.leader).get("/figures/reserves.nothing/").status_code == 404


def test_an_unknown_bucket_is_a_404(personas, login):
    client = login(personas.leader)
    assert client.get("/figures/reserves.pipeline/?d0=nonsense").status_code == 404
    assert client.get("/figures/reserves.village_counts/?d0=abc").status_code == 404
    assert client.get("/figures/reserves.appointed/?period=this_year&d0=1999").status_code == 404


def test_a_domain_officer_may_not_open_reserves_figures(personas, login):
    assert login(personas.domain_officer).get("/figures/reserves.active/").status_code == 403
