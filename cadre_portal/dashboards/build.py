"""Turning registered charts into what the dashboard page draws: numbers, series,
the links behind every bar and slice, and the same numbers as a table.

Everything here reads ``cadre_portal.figures.compute``; nothing counts on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cadre_portal.figures import compute, registry


@dataclass
class Tile:
    key: str
    title: str
    value: compute.Value
    note: str = ""


@dataclass
class Widget:
    chart: registry.Chart
    figure: registry.Figure
    table: dict
    data: dict
    empty: bool


@dataclass
class Block:
    section: registry.Section
    tiles: list[Tile] = field(default_factory=list)
    widgets: list[Widget] = field(default_factory=list)


def _number(value: Any):
    if isinstance(value, Decimal):
        return float(value)
    return value


def widget(chart: registry.Chart, user, period) -> Widget | None:
    figure = registry.find(chart.figure)
    if figure is None or not figure.dimensions:
        return None
    breakdown = compute.breakdown(figure, user, period)
    if not breakdown.allowed:
        return None
    categories = list(range(len(breakdown.categories)))
    if len(figure.dimensions) == 1:
        categories = [i for i in categories if breakdown.categories[i].key not in chart.hide]
    series_idx = [j for j, s in enumerate(breakdown.series) if len(figure.dimensions) == 1 or s.key not in chart.hide]
    if chart.type == "stacked" and chart.alarm:
        # Ranked: the categories with most rows in the alarm buckets first.
        alarm = [j for j in series_idx if breakdown.series[j].key in chart.alarm]

        def weight(i):
            return (-sum(breakdown.cells[j][i].value or 0 for j in alarm), i)

        categories.sort(key=weight)
    data = {
        "key": chart.key,
        "type": chart.type,
        "title": chart.title,
        "unit": figure.unit,
        "mark": chart.mark,
        "bounds": list(chart.bounds) if chart.bounds else None,
        "alarm": list(chart.alarm),
        "categories": [breakdown.categories[i].label for i in categories],
        "category_keys": [breakdown.categories[i].key for i in categories],
        "series": [
            {
                "key": breakdown.series[j].key,
                "name": breakdown.series[j].label,
                "data": [_number(breakdown.cells[j][i].value) for i in categories],
                "urls": [breakdown.cells[j][i].url for i in categories],
            }
            for j in series_idx
        ],
    }
    empty = not any(v for s in data["series"] for v in s["data"])
    table = breakdown.as_table()
    table["linked"] = [
        [{"value": v, "url": u} for v, u in zip(row, urls)] for row, urls in zip(table["rows"], table["urls"])
    ]
    return Widget(chart, figure, table, data, empty)


def tile(chart: registry.Chart, user, period) -> Tile | None:
    figure = registry.find(chart.figure)
    if figure is None:
        return None
    result = compute.value(figure, user, period)
    if not result.allowed:
        return None
    return Tile(chart.key, chart.title or figure.label, result, chart.note)


def section_block(section: registry.Section, user, period) -> Block:
    block = Block(section)
    for chart in registry.charts(section.key):
        if not chart.shown_to(user):
            continue
        if chart.type == "number":
            item = tile(chart, user, period)
            if item is not None:
                block.tiles.append(item)
        else:
            item = widget(chart, user, period)
            if item is not None:
                block.widgets.append(item)
    return block


def dashboard(user, period) -> list[Block]:
    return [section_block(section, user, period) for section in registry.sections_for(user)]
