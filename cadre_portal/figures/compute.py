"""Computing figures for a user and a period: the only place values are taken.

``value`` gives one number (one query); ``breakdown`` gives a figure's numbers
by its dimensions (one ``GROUP BY`` query), each cell with the URL of its
drill-down list. A viewer whose role does not see the figure's section gets
nothing (``allowed`` false), never a number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cadre_portal.figures import cache, registry
from cadre_portal.figures.periods import Period, preset


@dataclass
class Value:
    figure: registry.Figure
    period: Period
    value: Any
    allowed: bool = True
    url: str = ""

    @property
    def text(self) -> str:
        return self.figure.format(self.value)

    @property
    def empty(self) -> bool:
        return self.value is None or self.value == 0


@dataclass
class Cell:
    value: Any
    url: str


@dataclass
class Breakdown:
    """A figure's numbers by its dimensions: ``categories`` (first dimension),
    ``series`` (second dimension, or the figure itself), ``cells[s][c]``."""

    figure: registry.Figure
    period: Period
    categories: list[registry.Bucket]
    series: list[registry.Bucket]
    cells: list[list[Cell]]
    dimension_labels: list[str] = field(default_factory=list)
    allowed: bool = True
    row_totals: list[Any] = field(default_factory=list)
    column_totals: list[Any] = field(default_factory=list)
    total: Any = 0

    def as_table(self) -> dict:
        """Header and rows for the 数据表 view and the Excel export."""
        f = self.figure
        dims = f.dimensions
        if len(self.series) == 1 and len(dims) < 2:
            header = [self.dimension_labels[0] if dims else "项目", f"{f.label}（{f.unit}）"]
            rows = [[c.label, self.cells[0][i].value, self.cells[0][i].url] for i, c in enumerate(self.categories)]
            return {"header": header, "rows": [[r[0], r[1]] for r in rows], "urls": [[None, r[2]] for r in rows],
                    "total": ["合计", self.total] if f.counts_rows else None}
        header = [self.dimension_labels[0]] + [s.label for s in self.series] + ["合计"]
        rows, urls = [], []
        for i, c in enumerate(self.categories):
            rows.append([c.label] + [self.cells[j][i].value for j in range(len(self.series))] + [self.column_totals[i]])
            urls.append([None] + [self.cells[j][i].url for j in range(len(self.series))] + [None])
        total = ["合计"] + list(self.row_totals) + [self.total] if f.counts_rows else None
        return {"header": header, "rows": rows, "urls": urls, "total": total}


def default_period() -> Period:
    return preset("this_year")


def allowed(figure: registry.Figure, user) -> bool:
    section = registry.section(figure.section)
    return section.allows(user) if section is not None else bool(getattr(user, "is_superuser", False))


def _resolve(figure) -> registry.Figure:
    return registry.get(figure) if isinstance(figure, str) else figure


def value(figure, user, period: Period) -> Value:
    """One figure's number for the user's scope and the period (one query)."""
    figure = _resolve(figure)
    if not allowed(figure, user):
        return Value(figure, period, None, allowed=False)
    def count():
        qs = figure.rows(user, period)
        if figure.counts_rows:
            return qs.count()
        return _clean(qs.aggregate(v=figure.aggregate_expression())["v"])

    return Value(figure, period, cache.cached("value", figure.key, user, period, count), url=figure.url(period))


def has_data(figure, user) -> bool:
    """Whether the figure's source holds any row for the user at all (whatever the
    period): a zero over an empty registry is "no data", not a fact."""
    figure = _resolve(figure)
    if not allowed(figure, user):
        return False
    everything = preset("all")
    return cache.cached("exists", figure.key, user, everything, lambda: figure.rows(user, everything).exists())


def breakdown(figure, user, period: Period) -> Breakdown:
    """A figure's numbers by its (one or two) dimensions, in one query."""
    figure = _resolve(figure)
    dims = figure.dimensions
    if not dims:
        raise ValueError(f"Figure {figure.key} has no dimensions.")
    labels = [d.label_for(user) for d in dims]
    categories = buckets(figure, 0, user, period)
    series = buckets(figure, 1, user, period) if len(dims) > 1 else [registry.Bucket("", figure.label)]
    if not allowed(figure, user):
        empty = [[Cell(None, "") for _ in categories] for _ in series]
        return Breakdown(figure, period, categories, series, empty, labels, allowed=False)
    def group() -> dict[tuple[str, ...], Any]:
        annotations = {f"_d{i}": d.annotation(user, period) for i, d in enumerate(dims[:2])}
        grouped = (
            figure.rows(user, period).annotate(**annotations).order_by()
            .values(*annotations).annotate(_v=figure.aggregate_expression())
        )
        return {tuple(_key(row[a]) for a in annotations): _clean(row["_v"]) for row in grouped}

    found = cache.cached("breakdown", figure.key, user, period, group)
    zero = 0 if figure.counts_rows else None
    cells = []
    for s in series:
        line = []
        for c in categories:
            keys = (c.key,) if len(dims) < 2 else (c.key, s.key)
            line.append(Cell(found.get(keys, zero), figure.url(period, keys)))
        cells.append(line)
    result = Breakdown(figure, period, categories, series, cells, labels)
    if figure.counts_rows:
        result.row_totals = [sum(cell.value or 0 for cell in line) for line in cells]
        result.column_totals = [sum((cells[j][i].value or 0) for j in range(len(series))) for i in range(len(categories))]
        result.total = sum(result.row_totals)
    return result


def buckets(figure: registry.Figure, index: int, user, period: Period) -> list[registry.Bucket]:
    """A dimension's buckets for the viewer and period (cached like the figures)."""
    dimension = figure.dimensions[index]
    return cache.cached("buckets", f"{figure.key}#{index}", user, period, lambda: dimension.bucket_list(user, period))


def _key(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _clean(number):
    """Whole decimals and floats as ints (12.0 学时 reads as 12); None stays None."""
    if isinstance(number, (Decimal, float)) and number == int(number):
        return int(number)
    return number
