"""List pages: a django-filter filterset, a django-tables2 table, keyset pages.

Every list of people or records in the portal has the same shape: the Tabler
filter panel above a card holding a table with sortable columns, pages that keep
the filters and the sort, a row count, and "导出Excel" carrying the same query
string to the registry's export (``cadre_portal.excel``), so the file holds
exactly the rows the list shows (all pages), in the same order.

Recipe for a new list (the reserves lists are the worked example:
``reserves/filters.py``, ``reserves/tables.py``, ``reserves.views.candidate_list``):

1. ``filters.py`` – a ``PortalFilterSet`` (django-filter, Tabler-styled form)
   with Chinese labels. Scope is **not** a filter: the view hands it a queryset
   already through ``visible_to(user)``. Filter on indexed columns; never on a
   per-row aggregate (store derived totals on the row, see ``reserves`` hours).

2. ``tables.py`` – a ``PortalTable`` (django-tables2): ``Meta.model``,
   ``Meta.fields`` or declared columns (model fields bring their Chinese
   ``verbose_name``; declare ``verbose_name`` otherwise), ``Meta.order_by`` for
   the default sort. A sortable column sorts on database field paths
   (``order_by=("village__path", "name")``): keyset pages need plain fields.
   Anything per row that needs a query goes in ``prepare_page(records)``, which
   is called once with the records of the page shown, never for the rest.

3. ``views.py`` – thin::

       @require_GET
       def thing_list(request):
           listing = lists.build(
               request, queryset=Thing.objects.visible_to(request.user).select_related("region"),
               table_class=ThingTable, filterset_class=ThingFilter,
               filterset_kwargs={"user": request.user}, export="things",
           )
           return render(request, "app/thing_list.html", {"listing": listing})

4. the template::

       {% extends "base.html" %}
       {% block page_actions %}{% include "lists/_export_button.html" %}{% endblock %}
       {% block content %}{% include "lists/_list.html" %}{% endblock %}

5. tests – pin the queries for 1 and 50 rows (``django_assert_max_num_queries``),
   a sort, a filter that keeps across pages, and the export link.

What ``build`` does:

- **Sorting**: ``?sort=name`` / ``?sort=-name`` (a column name of the table;
  anything else is ignored). The primary key is appended as the last sort key so
  the order is total.
- **Keyset pages**: ``?after=<token>`` (next), ``?before=<token>`` (previous),
  ``?last=1`` (last page). The token carries the sort-key values of the boundary
  row, so the last page of 100,000 rows costs what the first does (an OFFSET
  would read and throw away every row before it). A bad token is ignored (first
  page), never a 500. Orderings that are not plain fields fall back to
  ``?page=N``.
- **Counts**: exact up to ``settings.LIST_EXACT_COUNT_MAX`` (default 100,000;
  counted with a LIMIT so the cost is bounded); above it the page says "约 N 条"
  (PostgreSQL's planner estimate) or "超过 N 条" — never a wrong exact figure.
- **Export**: ``listing.export_url`` is the registry's export with the list's
  filters and sort and without the page parameters (``None`` when the user may
  not export).
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field

import django_tables2 as tables
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import F, Q
from django.urls import reverse

PAGE_PARAMS = ("after", "before", "last", "page")
SORT_PARAM = "sort"
PER_PAGE_PARAM = "per_page"
PER_PAGE_CHOICES = (20, 50, 100)
DEFAULT_PER_PAGE = 50


def exact_count_max() -> int:
    return int(getattr(settings, "LIST_EXACT_COUNT_MAX", 100_000))


# --- counts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowCount:
    """How many rows match: ``exact`` or, above the exact-count limit, an estimate
    (``value`` from the planner) or only a lower bound (``value`` is the limit)."""

    value: int
    exact: bool = True
    estimated: bool = False

    def __str__(self) -> str:
        if self.exact:
            return f"共 {self.value:,} 条"
        if self.estimated:
            return f"约 {self.value:,} 条"
        return f"超过 {self.value:,} 条"


def count_rows(queryset, limit: int | None = None) -> RowCount:
    """Count ``queryset`` exactly up to ``limit`` rows (one ``COUNT`` over a
    ``LIMIT limit+1`` subquery, so the cost is bounded); above it, PostgreSQL's
    planner estimate labelled as such, or the limit as a lower bound."""
    limit = exact_count_max() if limit is None else limit
    n = queryset.order_by()[: limit + 1].count()
    if n <= limit:
        return RowCount(n)
    estimate = _planner_estimate(queryset)
    if estimate is not None and estimate > limit:
        return RowCount(estimate, exact=False, estimated=True)
    return RowCount(limit, exact=False)


def _planner_estimate(queryset) -> int | None:
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    try:
        return int(plan[0]["Plan"]["Plan Rows"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None


# --- tables ------------------------------------------------------------------------------


class PortalTable(tables.Table):
    """A django-tables2 table in the portal's look; see the module docstring."""

    class Meta:
        template_name = "lists/_table.html"
        attrs = {"class": "table table-vcenter card-table table-striped"}
        order_by_field = SORT_PARAM
        empty_text = "没有符合条件的记录。"

    def prepare_page(self, records: list) -> None:
        """Hook: load per-row extras for the records of the page shown (one query
        for the page, never one per row and never for rows not shown)."""


# --- keyset ------------------------------------------------------------------------------


class KeysetUnsupported(Exception):
    """The ordering is not a list of plain field paths."""


@dataclass(frozen=True)
class SortKey:
    path: str
    descending: bool
    field: object  # the model field at the end of the path
    nullable: bool = False  # the field, or a relation on the way to it, may be NULL

    def expression(self, reverse: bool = False):
        desc = self.descending != reverse
        f = F(self.path)
        if not self.nullable:
            return f.desc() if desc else f.asc()
        # NULL sorts as the largest value in both directions (PostgreSQL's default).
        return f.desc(nulls_first=True) if desc else f.asc(nulls_last=True)

    def beyond(self, value, reverse: bool = False) -> Q | None:
        """Rows strictly beyond ``value`` in this key's direction (or the reverse);
        ``None`` when no row can be."""
        larger = not self.descending if not reverse else self.descending
        if larger:
            if value is None:
                return None
            q = Q(**{f"{self.path}__gt": value})
            return q | Q(**{f"{self.path}__isnull": True}) if self.nullable else q
        if value is None:
            return Q(**{f"{self.path}__isnull": False})
        return Q(**{f"{self.path}__lt": value})

    def equal(self, value) -> Q:
        return Q(**{f"{self.path}__isnull": True}) if value is None else Q(**{self.path: value})


def _resolve_field(model, path: str):
    """(field, nullable) at the end of a lookup path. Relations are not sort keys
    (their ordering would follow the related model's Meta.ordering); a value reached
    through a nullable or reverse relation may be NULL."""
    parts = path.split("__")
    current = model
    found = None
    nullable = False
    for i, part in enumerate(parts):
        try:
            found = current._meta.get_field(part)
        except FieldDoesNotExist:
            raise KeysetUnsupported(path) from None
        if found.is_relation:
            if i == len(parts) - 1 or found.many_to_many or found.one_to_many:
                raise KeysetUnsupported(path)
            # A forward FK may be nullable; a reverse one-to-one may have no row.
            nullable = nullable or bool(getattr(found, "null", False)) or found.auto_created
            current = found.related_model
        else:
            nullable = nullable or bool(found.null)
    return found, nullable


def sort_keys(queryset) -> list[SortKey]:
    """The queryset's ordering as sort keys, made total by a trailing primary key."""
    model = queryset.model
    order = list(queryset.query.order_by) or list(queryset.query.get_meta().ordering or ())
    pk_name = model._meta.pk.name
    keys: list[SortKey] = []
    for item in order:
        if not isinstance(item, str) or item == "?":
            raise KeysetUnsupported(repr(item))
        descending = item.startswith("-")
        path = item.lstrip("-+")
        if path == "pk":
            path = pk_name
        if any(k.path == path for k in keys):
            continue
        keys.append(SortKey(path, descending, *_resolve_field(model, path)))
        if path == pk_name:
            break  # the rest cannot change the order
    if not any(k.path == pk_name for k in keys):
        keys.append(SortKey(pk_name, False, model._meta.pk))
    return keys


def _after_q(keys: list[SortKey], values: list, reverse: bool = False) -> Q:
    """Rows strictly after ``values`` in the lexicographic order of ``keys``."""
    result = Q(pk__in=[])
    equal = Q()
    for key, value in zip(keys, values):
        beyond = key.beyond(value, reverse)
        if beyond is not None:
            result |= equal & beyond
        equal &= key.equal(value)
    return result


def encode_token(values: list) -> str:
    raw = json.dumps([v if v is None or isinstance(v, (int, str, bool)) else str(v) for v in values],
                     ensure_ascii=False, separators=(",", ":"), default=str)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_token(token: str, keys: list[SortKey]) -> list | None:
    """The sort-key values in ``token``, typed by their fields; None if it is not one."""
    if not token or len(token) > 2000:
        return None
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw.decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(values, list) or len(values) != len(keys):
        return None
    typed = []
    for key, value in zip(keys, values):
        if value is None:
            if not key.nullable:
                return None
            typed.append(None)
            continue
        if not isinstance(value, (int, str)):
            return None
        try:
            typed.append(key.field.to_python(value))
        except (ValidationError, TypeError, ValueError):
            return None
    return typed


# --- the listing --------------------------------------------------------------------------


@dataclass
class Header:
    column: object
    url: str
    direction: str  # "asc", "desc" or ""


@dataclass
class Listing:
    """What a list template needs: the bound filterset and table, the page's
    records, the count, navigation links (query strings) and the export link."""

    table: PortalTable
    filterset: object
    records: list
    count: RowCount
    headers: list[Header] = field(default_factory=list)
    first_url: str = ""
    previous_url: str = ""
    next_url: str = ""
    last_url: str = ""
    start: int | None = None  # 1-based position of the first record, when known
    export_url: str | None = None
    keyset: bool = True
    page_number: int | None = None
    num_pages: int | None = None
    filter_form: object = None  # a plain form for build_rows' filter panel

    @property
    def end(self) -> int | None:
        return None if self.start is None else self.start + len(self.records) - 1

    @property
    def has_other_pages(self) -> bool:
        return bool(self.previous_url or self.next_url)

    @property
    def form(self):
        return self.filterset.form if self.filterset is not None else self.filter_form

    @property
    def has_filters(self) -> bool:
        return self.form is not None


def _query(params, **changes) -> str:
    """``?…`` with ``params`` (a QueryDict) minus the page parameters, plus ``changes``."""
    q = params.copy()
    for name in PAGE_PARAMS:
        q.pop(name, None)
    for name, value in changes.items():
        if value is None:
            q.pop(name, None)
        else:
            q[name] = value
    text = q.urlencode()
    return "?" + text if text else "?"


def export_query(params) -> str:
    """The list's query string for its export: filters and sort, no page."""
    return _query(params)[1:]


def _per_page(params, default: int) -> int:
    try:
        value = int(params.get(PER_PAGE_PARAM, ""))
    except ValueError:
        return default
    return value if value in PER_PAGE_CHOICES else default


def build(
    request,
    *,
    queryset,
    table_class: type[PortalTable],
    filterset_class=None,
    filterset_kwargs: dict | None = None,
    export: str | None = None,
    per_page: int = DEFAULT_PER_PAGE,
    params=None,
    table_kwargs: dict | None = None,
) -> Listing:
    """Filter, sort and page ``queryset`` (already scoped) for a list page.
    ``table_kwargs`` go to the table's constructor (e.g. the viewer, for per-page extras)."""
    table_kwargs = table_kwargs or {}
    params = request.GET if params is None else params
    filterset = None
    if filterset_class is not None:
        filterset = filterset_class(params, queryset=queryset, **(filterset_kwargs or {}))
        queryset = filterset.qs
    # Not table_class(..., request=request): django-tables2 would then paginate by
    # OFFSET and count the rows itself; sorting and pages are done here instead.
    table = table_class(queryset, **table_kwargs)
    table.request = request
    sort = params.get(SORT_PARAM)
    if sort:
        table.order_by = sort  # names that are not sortable columns are dropped by the table
    ordered = table.data.data
    size = _per_page(params, per_page)
    count = count_rows(ordered)
    try:
        keys = sort_keys(ordered)
    except KeysetUnsupported:
        listing = _offset_page(table, filterset, ordered, params, size, count)
    else:
        listing = _keyset_page(table, filterset, ordered, keys, params, size, count)
    listing.headers = _headers(table, params)
    listing.export_url = _export_url(request, export, params)
    records = listing.records
    table.prepare_page(records)
    table.page = _Page(tables.rows.BoundRows(data=records, table=table))
    return listing


@dataclass
class _Page:
    object_list: object


def build_rows(request, *, rows: list, table_class: type[PortalTable], table_kwargs: dict | None = None,
               export_url: str | None = None, form=None) -> Listing:
    """A summary table computed in a few grouped queries (e.g. one row per village):
    the same headers, sorting and look as ``build``, all rows on one page, sorted in
    Python by the column's accessor. For lists of records use ``build``."""
    params = request.GET
    table = table_class(rows, **(table_kwargs or {}))
    table.request = request
    sort = params.get(SORT_PARAM)
    if sort:
        table.order_by = sort
    records = list(table.data.data)
    listing = Listing(table=table, filterset=None, records=records, count=RowCount(len(records)),
                      start=1 if records else 0, keyset=False, filter_form=form)
    listing.headers = _headers(table, params)
    listing.export_url = export_url
    table.prepare_page(records)
    table.page = _Page(tables.rows.BoundRows(data=records, table=table))
    return listing


def _keyset_page(table, filterset, ordered, keys, params, size, count) -> Listing:
    annotations = {f"kv_{i}": F(k.path) for i, k in enumerate(keys)}
    forward = ordered.order_by(*(k.expression() for k in keys)).annotate(**annotations)
    backward = ordered.order_by(*(k.expression(reverse=True) for k in keys)).annotate(**annotations)
    after = decode_token(params.get("after", ""), keys)
    before = decode_token(params.get("before", ""), keys) if after is None else None
    last = after is None and before is None and params.get("last") == "1"

    if after is not None:
        rows = list(forward.filter(_after_q(keys, after))[: size + 1])
        has_next, has_previous = len(rows) > size, True
        rows = rows[:size]
    elif before is not None or last:
        qs = backward.filter(_after_q(keys, before, reverse=True)) if before is not None else backward
        rows = list(qs[: size + 1])
        has_previous, has_next = len(rows) > size, before is not None
        rows = list(reversed(rows[:size]))
    else:
        rows = list(forward[: size + 1])
        has_next, has_previous = len(rows) > size, False
        rows = rows[:size]

    def values(record):
        return [getattr(record, f"kv_{i}") for i in range(len(keys))]

    start = None
    if count.exact:
        if not has_previous:
            start = 1 if rows else 0
        elif not has_next:
            start = count.value - len(rows) + 1
        elif rows:
            start = ordered.filter(_after_q(keys, values(rows[0]), reverse=True)).order_by().count() + 1
    listing = Listing(table=table, filterset=filterset, records=rows, count=count, start=start)
    if has_previous:
        listing.first_url = _query(params)
        listing.previous_url = _query(params, before=encode_token(values(rows[0]))) if rows else _query(params)
    if has_next and rows:
        listing.next_url = _query(params, after=encode_token(values(rows[-1])))
        listing.last_url = _query(params, last="1")
    return listing


def _offset_page(table, filterset, ordered, params, size, count) -> Listing:
    paginator = Paginator(ordered, size)
    paginator.count = count.value  # bounded count (exact up to the limit)
    page = paginator.get_page(params.get("page"))
    listing = Listing(
        table=table, filterset=filterset, records=list(page.object_list), count=count, keyset=False,
        start=page.start_index() if count.exact else None, page_number=page.number,
        num_pages=paginator.num_pages if count.exact else None,
    )
    if page.has_previous():
        listing.first_url = _query(params)
        listing.previous_url = _query(params, page=str(page.previous_page_number()))
    if page.has_next():
        listing.next_url = _query(params, page=str(page.next_page_number()))
        if count.exact:
            listing.last_url = _query(params, page=str(paginator.num_pages))
    return listing


def _headers(table, params) -> list[Header]:
    current = {}
    for alias in table.order_by or ():
        current[alias.lstrip("-")] = "desc" if alias.startswith("-") else "asc"
    headers = []
    for column in table.columns:
        if not column.orderable:
            headers.append(Header(column, "", ""))
            continue
        direction = current.get(column.name, "")
        next_sort = f"-{column.name}" if direction == "asc" else column.name
        headers.append(Header(column, _query(params, **{SORT_PARAM: next_sort}), direction))
    return headers


def _export_url(request, key, params) -> str | None:
    if not key:
        return None
    from cadre_portal.excel.resources import get

    registry = get(key)
    if registry is None or not registry.can_export(request.user):
        return None
    query = export_query(params)
    return reverse("excel:export", args=[key]) + ("?" + query if query else "")


def table_ordering(table_class, sort: str | None) -> list:
    """The ``order_by`` the list applies for ``sort`` (no query), primary key last:
    what an export of the list uses to come out in the list's order."""
    model = table_class._meta.model
    table = table_class(model.objects.none())
    if sort:
        table.order_by = sort
    order = list(table.data.data.query.order_by) or list(model._meta.ordering or ())
    return [*order, "pk"] if "pk" not in order and model._meta.pk.name not in order else order


def per_page_links(params) -> list[tuple[int, str]]:
    return [(n, _query(params, **{PER_PAGE_PARAM: str(n)})) for n in PER_PAGE_CHOICES]


__all__ = [
    "PortalTable",
    "Listing",
    "RowCount",
    "build",
    "count_rows",
    "export_query",
    "table_ordering",
    "sort_keys",
    "encode_token",
    "decode_token",
]
