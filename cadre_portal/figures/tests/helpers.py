"""Reading the drill-down page the way a user reads it."""

from __future__ import annotations

import re
from datetime import date, timedelta

from cadre_portal.figures import periods

PERSONAS = ["officer_a", "officer_b", "county_staff", "leader", "domain_officer", "admin"]
TOTAL = re.compile(r'data-testid="rows-total">([\d,]+)<')
AGGREGATE = re.compile(r'data-testid="rows-aggregate">([^<]+)<')
ROW_LINK = re.compile(r'<tr data-row>\s*<td[^>]*><a href="([^"]+)"')


def test_periods():
    today = date.today()
    return [
        periods.preset(periods.THIS_YEAR),
        periods.preset(periods.THREE_YEARS),
        periods.make_range(today - timedelta(days=3 * 365), today - timedelta(days=200)),
    ]


test_periods.__test__ = False  # a helper, not a test


def read_rows(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    total = TOTAL.search(html)
    aggregate = AGGREGATE.search(html)
    return {
        "total": int(total.group(1).replace(",", "")),
        "rows": html.count("<tr data-row>"),
        "aggregate": aggregate.group(1).strip() if aggregate else None,
        "links": [link.replace("&amp;", "&") for link in ROW_LINK.findall(html)],
        "html": html,
    }
