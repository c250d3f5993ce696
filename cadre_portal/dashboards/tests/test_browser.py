"""The leader's dashboard in headless Chromium (run with -m browser): change the period,
click a bar, land on the list of exactly those people; the 数据表 toggle; A4 print."""

from __future__ import annotations

import re

import pytest

from cadre_portal.figures import compute, periods
from cadre_portal.testing import PASSWORD
from reserves.tests.figures_world import build as reserves_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def bar_position(page, chart_key, category_index):
    """Where a bar of an ECharts bar chart is drawn, in page coordinates (its middle)."""
    return page.evaluate(
        """([key, index]) => {
            const el = document.getElementById('chart-' + key);
            const chart = echarts.getInstanceByDom(el);
            const value = chart.getOption().series[0].data[index].value;
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [index, value / 2]);
            const box = el.getBoundingClientRect();
            return {x: box.left + window.scrollX + x, y: box.top + window.scrollY + y, value: value};
        }""",
        [chart_key, category_index],
    )


def test_a_leader_changes_the_period_clicks_a_bar_and_gets_exactly_those_people(live_server, page, personas):
    reserves_world(personas)
    log_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/dashboards/")
    page.select_option("[data-testid=period-select]", "three_years")
    page.wait_for_url(re.compile(r".*period=three_years.*"))
    assert "近三年" in page.get_by_test_id("dashboard-meta").inner_text()

    period = periods.preset(periods.THREE_YEARS)
    table = compute.breakdown("reserves.appointed", personas.leader, period)
    this_year = len(table.categories) - 1
    expected = table.cells[0][this_year].value
    assert expected == 1

    chart = page.locator("[data-chart='reserves.appointed']")
    chart.scroll_into_view_if_needed()
    spot = bar_position(page, "reserves.appointed", this_year)
    assert spot["value"] == expected
    page.mouse.click(spot["x"] - page.evaluate("window.scrollX"), spot["y"] - page.evaluate("window.scrollY"))
    page.wait_for_url(re.compile(r".*/figures/reserves\.appointed/.*d0=.*"))

    assert page.get_by_test_id("rows-total").inner_text() == str(expected)
    names = page.locator("[data-testid=figure-rows] tbody tr[data-row] td:first-child").all_inner_texts()
    assert names == ["王五"]


def test_the_data_table_toggle_shows_the_same_numbers(live_server, page, personas):
    reserves_world(personas)
    log_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/dashboards/?period=three_years")
    table = page.locator("[data-table='reserves.pipeline']")
    assert not table.is_visible()
    page.locator("[data-toggle-table='reserves.pipeline']").click()
    assert table.is_visible()
    text = table.inner_text()
    assert "培养中" in text and "合计" in text


def test_the_dashboard_prints_on_a4(live_server, page, personas, tmp_path):
    reserves_world(personas)
    log_in(page, live_server, "leader")
    page.goto(f"{live_server.url}/dashboards/?period=three_years")
    page.emulate_media(media="print")
    assert not page.locator("aside.navbar-vertical").is_visible()
    assert not page.get_by_test_id("period-form").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") >= 2
    (tmp_path / "dashboard.pdf").write_bytes(pdf)
