"""The figures registry: every number a leader reads is declared once, here.

A *figure* is a count, a sum or an average that the portal shows: the seed's
blanks (选拔任用后备干部**人 …, listed with their keys in ``docs/FIGURES.md``)
and the dashboards' breakdowns. A figure knows its key, Chinese label and
unit, whether it is a **flow** (events dated inside the period) or a
**stock** (what existed as of the period's end), the dashboard section it
belongs to, and — the heart of it — ``rows(user, period)``: the scoped
queryset of exactly the records it counts. Its value is an aggregate over
those rows; its breakdowns group the same rows by ``dimensions``; its
drill-down list shows the same rows. So a number and the list behind it can
never disagree, and a viewer never counts a row they could not open.

Dashboards, the situation report and the exports read figures only through
``cadre_portal.figures.compute``.

Adding a figure (the young-cadre, retention and talent apps do exactly this):

1. in ``<app>/figures.py`` declare it and register it at import time::

       register(Figure(
           key="youth_cadres.appointed_from_bank", label="从库中选拔任用", unit="名",
           kind=FLOW, section="youth",
           rows=lambda user, period: Cadre.objects.visible_to(user).filter(
               Exists(Appointment.objects.filter(cadre=OuterRef("pk"), appointed_on__range=period.dates))),
           columns=PERSON_COLUMNS,
           dimensions=(period_dimension("first_appointed_on"),),   # optional breakdowns
       ))

   ``rows`` must start from ``Model.objects.visible_to(user)``; flow figures
   filter on the event's own date within ``period.dates`` (``period.datetimes``
   for datetime fields), stock figures count what existed on ``period.as_of``
   from history/transition dates (``period.is_current`` allows reading today's
   state). ``columns`` say what the drill-down list shows; rows link to
   ``get_absolute_url()`` or the figure's ``row_url(obj, period)``;
2. the module is imported by the figures app's ``ready()`` (autodiscovery of
   ``<app>.figures``, like the Excel registries' ``resources``) — nothing else
   to wire; add a ``Chart`` if the dashboard should draw it;
3. run ``pytest cadre_portal/figures``: for every registered figure, persona and
   period the drill-down list must show exactly as many rows as the figure
   counts, and no figure may count a row its viewer cannot open.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable, Sequence
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse

FLOW, STOCK = "flow", "stock"
KIND_LABELS = {FLOW: "期间内发生数", STOCK: "期末存量"}


# --- sections --------------------------------------------------------------------------


@dataclass(frozen=True)
class Section:
    """A part of the dashboard (村（社区）后备干部, 优秀年轻干部, 留才, 五域人才) and the
    roles that see it. Scope inside a section is each figure's ``visible_to``."""

    key: str
    label: str
    roles: tuple[str, ...]
    order: int = 100

    def allows(self, user) -> bool:
        if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
            return False
        return user.is_superuser or user.role in self.roles


_SECTIONS: dict[str, Section] = {}


def register_section(key: str, label: str, *, roles: Sequence[str], order: int = 100) -> Section:
    section = Section(key, label, tuple(roles), order)
    _SECTIONS[key] = section
    return section


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda s: s.order)


def section(key: str) -> Section | None:
    return _SECTIONS.get(key)


def sections_for(user) -> list[Section]:
    return [s for s in sections() if s.allows(user)]


# --- dimensions --------------------------------------------------------------------------


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str


@dataclass
class Dimension:
    """One way to break a figure down: ``expression(user, period)`` gives each row
    its bucket key (an ``F()``, ``Case()``, an extract …); ``buckets(user, period)``
    lists the buckets in display order with their labels. Grouping by the
    expression gives the breakdown in one query; filtering on it gives each
    bucket's drill-down rows — the same expression both ways."""

    key: str
    label: str
    expression: Callable[[Any, Any], Any]
    buckets: Callable[[Any, Any], Sequence[tuple[Any, str]]]
    # A label that depends on the viewer (the region one level below their scope).
    label_fn: Callable[[Any], str] | None = None

    def label_for(self, user) -> str:
        return self.label_fn(user) if self.label_fn else self.label

    def bucket_list(self, user, period) -> list[Bucket]:
        return [Bucket(str(k), str(label)) for k, label in self.buckets(user, period)]

    def annotation(self, user, period):
        return self.expression(user, period)


def choices_dimension(key: str, label: str, field_name: str, choices) -> Dimension:
    """A dimension over a field (or annotation) with fixed choices (stage, grade, category …)."""
    from django.db.models import F

    fixed = [(k, v) for k, v in choices]
    return Dimension(key, label, lambda user, period: F(field_name), lambda user, period: fixed)


def period_dimension(field_name: str) -> Dimension:
    """Rows by when they happened: by quarter when the period lies within one
    calendar year (本年), by year otherwise. ``field_name`` is a date field or
    annotation; it is truncated once per row (``TruncQuarter``/``TruncYear``), and a
    bucket's key is the first day of its quarter or year."""
    from datetime import date

    from django.db.models import DateField
    from django.db.models.functions import TruncQuarter, TruncYear

    def by_quarter(period) -> bool:
        return period.start.year == period.end.year

    def expression(user, period):
        trunc = TruncQuarter if by_quarter(period) else TruncYear
        return trunc(field_name, output_field=DateField())

    def buckets(user, period):
        if by_quarter(period):
            year = period.start.year
            first, last = (period.start.month - 1) // 3 + 1, (period.end.month - 1) // 3 + 1
            return [(date(year, 3 * q - 2, 1).isoformat(), f"{year}年第{q}季度") for q in range(first, last + 1)]
        return [(date(year, 1, 1).isoformat(), f"{year}年") for year in period.years()]

    return Dimension("when", "时间", expression, buckets)


REGION_LEVEL_LABELS = {1: "省（区、市）", 2: "市（州）", 3: "县（市、区）", 4: "乡镇（街道）", 5: "村（社区）"}


def _scope_level(user) -> int:
    from cadre_portal.models import Region

    if user.region_id:
        return user.region.level
    root = Region.objects.filter(parent__isnull=True).order_by("level").values_list("level", flat=True).first()
    return (root or 1) - 1


def scope_level(user) -> int:
    """The level of the viewer's scope node (3 a county, 4 a township …; 0 the whole installation)."""
    return _scope_level(user)


def region_dimension(path: str, *, row_level: int = 5) -> Dimension:
    """Rows by the region one level below the viewer's scope node (a county's
    townships, a township's villages, a city's counties …). ``path`` leads from
    the row to its region (``"village"``, ``"candidate__village"``; ``""`` when the
    rows are regions), whose level is ``row_level``."""
    from django.db.models import F

    from cadre_portal.models import Region

    def child_level(user) -> int:
        return min(_scope_level(user) + 1, row_level)

    def expression(user, period):
        parts = ([path] if path else []) + ["parent"] * (row_level - child_level(user))
        return F("__".join(parts) + "_id") if parts else F("pk")

    def buckets(user, period):
        regions = Region.objects.visible_to(user).filter(level=child_level(user))
        if user.region_id:
            regions = regions.filter(path__startswith=user.region.path)
        return list(regions.order_by("path").values_list("pk", "name"))

    return Dimension("region", "地区", expression, buckets, label_fn=lambda user: REGION_LEVEL_LABELS.get(child_level(user), "地区"))


# --- columns of the drill-down list ----------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """A column of the drill-down list: ``value`` is an attribute path
    (``"village.full_name"``, ``"get_stage_display"``) or a callable of the row."""

    label: str
    value: str | Callable[[Any], Any]
    link: bool = False

    def get(self, obj):
        if callable(self.value):
            return self.value(obj)
        current = obj
        for part in self.value.split("."):
            if current is None:
                return None
            current = getattr(current, part)
            if callable(current) and not hasattr(current, "all"):
                current = current()
        return current


# --- figures -----------------------------------------------------------------------------------


@dataclass
class Figure:
    """One number (and its breakdowns) the portal shows. See the module docstring."""

    key: str
    label: str
    section: str
    rows: Callable[[Any, Any], Any]
    unit: str = "人"
    kind: str = FLOW
    description: str = ""
    dimensions: tuple[Dimension, ...] = ()
    columns: tuple[Column, ...] = ()
    # Default: count the rows. Another aggregate (Sum("hours"), Avg("amount")) makes a
    # figure whose value is not its number of rows; the drill-down then shows the rows
    # it aggregates and their total.
    aggregate: Any = None
    decimals: int = 0
    row_url: Callable[[Any, Any], str | None] | None = None
    # select_related paths the drill-down columns need (no query per row).
    related: tuple[str, ...] = ()
    # The rows' noun in the drill-down header (人, 条, 个 …).
    row_noun: str = ""
    order: int = 100

    def __post_init__(self):
        if "." not in self.key:
            raise ValueError(f"Figure key {self.key!r} must be '<app>.<name>'.")
        if self.kind not in (FLOW, STOCK):
            raise ValueError(f"Figure {self.key}: kind must be FLOW or STOCK.")

    @property
    def counts_rows(self) -> bool:
        return self.aggregate is None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def aggregate_expression(self):
        return self.aggregate if self.aggregate is not None else Count("pk")

    def dimension(self, key: str) -> Dimension | None:
        return next((d for d in self.dimensions if d.key == key), None)

    def queryset(self, user, period, buckets: Sequence[str] = ()):
        """The rows, narrowed to the given bucket keys (one per dimension, in order)."""
        qs = self.rows(user, period)
        if buckets:
            annotations = {f"_d{i}": self.dimensions[i].annotation(user, period) for i, _ in enumerate(buckets)}
            qs = qs.annotate(**annotations)
            q = Q()
            for i, value in enumerate(buckets):
                q &= Q(**{f"_d{i}": _typed(qs, f"_d{i}", value)})
            qs = qs.filter(q)
        return qs

    def url(self, period, buckets: Sequence[str] = ()) -> str:
        """The drill-down list of exactly the rows behind this number."""
        params = dict(period.params())
        for i, value in enumerate(buckets):
            params[f"d{i}"] = value
        return reverse("figures:rows", args=[self.key]) + "?" + urlencode(params)

    def get_row_url(self, obj, period) -> str | None:
        """Where a drill-down row links: ``row_url(obj, period)`` or the object's page."""
        if self.row_url is not None:
            return self.row_url(obj, period)
        getter = getattr(obj, "get_absolute_url", None)
        return getter() if getter else None

    def format(self, value) -> str:
        if value is None:
            return "—"
        if isinstance(value, (float, Decimal)):
            value = round(Decimal(str(value)), self.decimals)
            return f"{value:,.{self.decimals}f}"
        return f"{value:,}"


def _typed(qs, alias, value):
    """A bucket key from a URL, converted to the annotation's type."""
    expression = qs.query.annotations[alias]
    try:
        output = expression.output_field
    except Exception:  # noqa: BLE001 - an expression without a resolvable type: compare as text
        return value
    try:
        return output.to_python(value)
    except Exception:  # noqa: BLE001 - a key that is no value of the dimension
        raise BucketError(value) from None


class BucketError(ValueError):
    """A bucket key that is not a value of its dimension."""


# --- charts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    """A dashboard widget: one figure drawn as ``type`` (bar, hbar, stacked, funnel,
    pie, number). ``figure`` is a figure key; its first dimension is the category
    axis, its second (if any) the series."""

    key: str
    title: str
    figure: str
    type: str = "bar"
    section: str = ""
    order: int = 100
    note: str = ""
    # Optional reference line (e.g. 150 hours) and bucket keys drawn in the alarm colour.
    mark: float | None = None
    alarm: tuple[str, ...] = ()
    width: int = 6  # of 12 columns
    # Buckets of the series dimension to hide in the chart (still in the data table).
    hide: tuple[str, ...] = field(default_factory=tuple)
    # A target band (e.g. 3–7 per village): bars below it in the alarm colour, above it
    # in the warning colour, and both limits drawn as lines.
    bounds: tuple[float, float] | None = None
    # Whether the chart suits this viewer (e.g. per-township bars only above a township).
    when: Callable[[Any], bool] | None = None

    def shown_to(self, user) -> bool:
        return self.when is None or bool(self.when(user))


_FIGURES: dict[str, Figure] = {}
_CHARTS: dict[str, Chart] = {}


def register(figure: Figure) -> Figure:
    """Register a figure; registering the same key again replaces it."""
    if not figure.key or not figure.label:
        raise ValueError("A figure needs a key and a label.")
    _FIGURES[figure.key] = figure
    return figure


def register_chart(chart: Chart) -> Chart:
    _CHARTS[chart.key] = chart
    return chart


def unregister(key: str) -> None:
    _FIGURES.pop(key, None)
    for chart_key in [k for k, c in _CHARTS.items() if c.figure == key]:
        _CHARTS.pop(chart_key)


def get(key: str) -> Figure:
    try:
        return _FIGURES[key]
    except KeyError:
        raise LookupError(f"Unknown figure {key!r}") from None


def find(key: str) -> Figure | None:
    return _FIGURES.get(key)


def all_figures() -> list[Figure]:
    return sorted(_FIGURES.values(), key=lambda f: (f.section, f.order, f.key))


def keys() -> list[str]:
    return list(_FIGURES)


def charts(section_key: str | None = None) -> list[Chart]:
    found = [c for c in _CHARTS.values() if section_key is None or c.section == section_key]
    return sorted(found, key=lambda c: (c.order, c.key))


def chart(key: str) -> Chart | None:
    return _CHARTS.get(key)
