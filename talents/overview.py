"""The five-domain overview page's data, read only through the figures registry
(``talents.figures`` via ``cadre_portal.figures.compute``): every number on the page
is a registered figure and links to the list of exactly the rows it counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from cadre_portal.figures import compute
from cadre_portal.figures.periods import THIS_YEAR, THREE_YEARS, preset
from talents import domains


@dataclass
class DomainRow:
    key: str
    label: str
    in_post: compute.Cell | None = None
    recruited: compute.Cell | None = None
    planned: compute.Cell | None = None
    in_plan: compute.Cell | None = None
    lost: compute.Cell | None = None
    categories: list[tuple[str, compute.Cell]] = field(default_factory=list)


def _cells_by_category(table) -> dict[str, compute.Cell]:
    return {c.key: table.cells[0][i] for i, c in enumerate(table.categories)}


def _matrix(table) -> dict[tuple[str, str], compute.Cell]:
    """(category key, series key) -> cell of a two-dimension breakdown."""
    return {(c.key, s.key): table.cells[j][i] for j, s in enumerate(table.series) for i, c in enumerate(table.categories)}


def build(user, year: int) -> dict:
    now, three = preset(THIS_YEAR), preset(THREE_YEARS)
    choices = domains.choices_for(user)
    in_post = _cells_by_category(compute.breakdown("talents.in_post", user, now))
    by_status = _matrix(compute.breakdown("talents.by_status", user, now))
    recruited = _matrix(compute.breakdown("talents.recruited", user, three))
    in_plan = _matrix(compute.breakdown("talents.recruited_vs_plan", user, three))
    planned = _matrix(compute.breakdown("talents.planned", user, three))
    categories = compute.breakdown("talents.by_domain_category", user, now)
    platforms = compute.breakdown("talents.platforms", user, now)
    labels = dict(choices)

    rows = []
    for key, label in choices:
        rows.append(DomainRow(
            key=key, label=label, in_post=in_post.get(key), recruited=recruited.get((str(year), key)),
            planned=planned.get((str(year), key)), in_plan=in_plan.get((str(year), key)), lost=by_status.get((key, "lost")),
        ))
    by_key = {row.key: row for row in rows}
    for i, bucket in enumerate(categories.categories):
        domain_label, _, name = bucket.label.partition("·")
        key = next((k for k, v in labels.items() if v == domain_label), None)
        if key in by_key:
            by_key[key].categories.append((name, categories.cells[0][i]))

    years = three.years()
    plan_table = [
        {"year": y, "cells": [{"domain": label, "planned": planned.get((str(y), key)), "in_plan": in_plan.get((str(y), key)),
                               "recruited": recruited.get((str(y), key))} for key, label in choices]}
        for y in reversed(years)
    ]
    # A viewer with no platform in scope gets no columns at all (a unit contact): no totals to read.
    kinds = [(i, c) for i, c in enumerate(platforms.categories)
             if i < len(platforms.column_totals) and platforms.column_totals[i]]
    platform_table = {
        "levels": platforms.series,
        "rows": [{"kind": c.label, "cells": [platforms.cells[j][i] for j in range(len(platforms.series))],
                  "total": platforms.column_totals[i]} for i, c in kinds],
        "totals": platforms.row_totals,
        "total": platforms.total,
    }
    return {
        "rows": rows,
        "totals": {
            "in_post": sum((r.in_post.value or 0) for r in rows if r.in_post),
            "recruited": sum((r.recruited.value or 0) for r in rows if r.recruited),
            "planned": sum((r.planned.value or 0) for r in rows if r.planned),
            "in_plan": sum((r.in_plan.value or 0) for r in rows if r.in_plan),
            "lost": sum((r.lost.value or 0) for r in rows if r.lost),
            "platforms": platforms.total,
        },
        "plan_table": plan_table,
        "platforms": platform_table,
        "period_now": now,
        "period_three": three,
        "chart": {
            "domains": [r.label for r in rows],
            "in_post": [(r.in_post.value or 0) if r.in_post else 0 for r in rows],
            "planned": [(r.planned.value or 0) if r.planned else 0 for r in rows],
            "recruited": [(r.recruited.value or 0) if r.recruited else 0 for r in rows],
        },
    }
