"""The dashboard page: sections by role, numbers from the registry, tables, exports, periods."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from cadre_portal.dashboards import build
from cadre_portal.figures import compute, periods, registry
from cadre_portal.models import AuditEvent
from reserves.tests.figures_world import build as reserves_world

TILE = re.compile(r'data-figure="([^"]+)" data-testid="tile-[^"]+">([^<]+)<')
LINKED_CELL = re.compile(r'<td class="num"><a href="([^"]+)">([\d,.]+)</a></td>')


@pytest.fixture
def world(personas):
    reserves_world(personas)
    return personas


def test_the_leader_sees_the_reserves_section(world, login):
    response = login(world.leader).get("/dashboards/")
    assert response.status_code == 200
    assert 'data-testid="section-reserves"' in response.content.decode()


def test_every_tile_shows_its_figure_for_the_viewer(world, login):
    for persona in ("leader", "officer_a", "officer_b"):
        user = getattr(world, persona)
        html = login(user).get("/dashboards/?period=three_years").content.decode()
        period = periods.preset(periods.THREE_YEARS)
        tiles = TILE.findall(html)
        assert tiles
        for key, text in tiles:
            assert text == compute.value(key, user, period).text, (persona, key)


TILE_LINK = re.compile(r'<a href="([^"]+)" data-figure="[^"]+" data-testid="tile-[^"]+">([\d,.]+)<')
PANEL_LINK = re.compile(r'<a href="(/figures/[^"]+)">([\d,.]+)</a>')


def _listed(client, url) -> str:
    listed = client.get(url.replace("&amp;", "&")).content.decode()
    return re.search(r'data-testid="rows-total">([\d,]+)<', listed).group(1)


@pytest.mark.parametrize("persona", ["officer_a", "officer_b", "county_staff", "leader", "admin", "domain_officer"])
def test_every_number_on_the_dashboard_is_what_its_list_shows_to_that_viewer(world, login, persona):
    """Issue 15 item 9's aggregate sweep, for the dashboard: each linked number
    (counts of rows) equals the rows of its list, which holds only what the viewer
    may open (cadre_portal/figures/tests/test_aggregate_sweep.py)."""
    client = login(getattr(world, persona))
    response = client.get("/dashboards/?period=three_years")
    if response.status_code == 403:
        return
    html = response.content.decode()
    numbers = LINKED_CELL.findall(html) + [(u, t) for u, t in TILE_LINK.findall(html) if "training_hours_total" not in u]
    if 'data-testid="section-reserves"' in html:
        assert numbers
    for url, text in numbers:
        assert _listed(client, url) == text, (persona, url)


@pytest.mark.parametrize("persona", ["county_staff", "leader"])
def test_every_number_on_the_home_panel_is_what_its_list_shows(world, login, persona):
    client = login(getattr(world, persona))
    html = client.get("/").content.decode()
    numbers = PANEL_LINK.findall(html)
    assert numbers
    for url, text in numbers:
        assert _listed(client, url) == text, url


def test_a_township_officer_sees_only_their_township(world, login):
    html = login(world.officer_a).get("/dashboards/").content.decode()
    assert "天城镇" in html and "沙坪镇" not in html


def test_a_domain_officer_sees_no_reserves_section(world, login):
    response = login(world.domain_officer).get("/dashboards/")
    assert response.status_code == 403 or 'data-testid="section-reserves"' not in response.content.decode()


def test_a_period_ending_before_it_starts_is_refused_and_the_page_still_shown(world, login):
    response = login(world.leader).get("/dashboards/?from=2026-06-30&to=2024-01-01")
    html = response.content.decode()
    assert response.status_code == 200
    assert "结束日期（2024年1月1日）早于开始日期（2026年6月30日）" in html
    assert 'data-testid="section-reserves"' in html


def test_a_period_in_the_future_is_refused(world, login):
    html = login(world.leader).get("/dashboards/?from=2099-01-01&to=2099-12-31").content.decode()
    assert "尚未开始" in html


def test_a_chart_table_exports_to_excel_with_its_period_and_scope(world, login):
    response = login(world.leader).get("/dashboards/export/reserves.village_size/?period=three_years")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0].startswith("各乡镇村（社区）后备干部规模")
    assert "近三年" in values[1][0] and "崇阳县" in values[2][0]
    header = values[5]
    assert header[:4] == ("乡镇（街道）", "不足3人", "3–7人", "超过7人")
    table = build.widget(registry.chart("reserves.village_size"), world.leader, periods.preset(periods.THREE_YEARS)).table
    assert [list(r[:5]) for r in values[6:6 + len(table["rows"])]] == [list(r[:5]) for r in table["rows"]]
    assert AuditEvent.objects.filter(kind="export", user=world.leader).exists()


def test_a_domain_officer_cannot_export_reserves_tables(world, login):
    assert login(world.domain_officer).get("/dashboards/export/reserves.pipeline/").status_code == 403


def test_an_unknown_chart_is_a_404(world, login):
    assert login(world.leader).get("/dashboards/export/nothing/").status_code == 404


def test_the_dashboard_costs_the_same_queries_for_one_person_and_for_many(personas, login, django_assert_max_num_queries):
    from reserves.tests import builders

    builders.training(personas)
    client = login(personas.leader)
    client.get("/dashboards/")  # warm the per-process caches (sessions, code tables)
    # One query per widget: the ceiling grows with the sections (retention added nine widgets).
    with django_assert_max_num_queries(50) as few:
        client.get("/dashboards/")
    reserves_world(personas)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/dashboards/")


def test_the_leader_home_shows_the_key_figures(world, login):
    html = login(world.leader).get("/").content.decode()
    assert 'data-testid="panel-key-figures"' in html and "选拔任用后备干部" in html


def test_a_township_officer_gets_per_village_charts_and_the_county_per_township_ones(world, login):
    officer = login(world.officer_a).get("/dashboards/").content.decode()
    county = login(world.county_staff).get("/dashboards/").content.decode()
    assert 'data-chart="reserves.village_counts"' in officer and 'data-chart="reserves.village_size"' not in officer
    assert 'data-chart="reserves.village_size"' in county and 'data-chart="reserves.village_counts"' not in county
