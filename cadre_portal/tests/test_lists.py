"""The shared list machinery (cadre_portal.lists): sorting, keyset pages, counts, export link."""

from urllib.parse import parse_qs, urlsplit

import django_filters
import django_tables2 as tables
import pytest
from django.test import RequestFactory

from cadre_portal import lists
from cadre_portal.filters import PortalFilterSet
from cadre_portal.models import Region

pytestmark = pytest.mark.django_db


class RegionTable(lists.PortalTable):
    name = tables.Column(verbose_name="名称")
    code = tables.Column(verbose_name="代码")
    sort_order = tables.Column(verbose_name="排序")
    parent_code = tables.Column(verbose_name="上级代码", accessor="parent__code", order_by=("parent__code",), default="")
    level = tables.Column(verbose_name="层级", orderable=False)

    class Meta(lists.PortalTable.Meta):
        model = Region
        fields = ("name", "code", "sort_order", "parent_code", "level")
        order_by = ("code",)


class RegionFilter(PortalFilterSet):
    name = django_filters.CharFilter(label="名称", lookup_expr="contains")
    level = django_filters.ChoiceFilter(label="层级", choices=Region.Level.choices, empty_label="全部")

    class Meta:
        model = Region
        fields = ["name", "level"]


@pytest.fixture
def regions(personas):
    """130 villages under 天城镇 with repeated names and sort orders (ties broken by the pk)."""
    town = personas.tree.township_a
    made = []
    for i in range(130):
        made.append(Region.objects.create(
            code=f"421223100{300 + i:03d}", name=f"{'东西南北'[i % 4]}村{i % 7}", level=Region.Level.VILLAGE,
            kind=Region.Kind.VILLAGE, parent=town, sort_order=i % 5,
        ))
    return made


def _build(user, query="", **kw):
    request = RequestFactory().get("/regions/" + query)
    request.user = user
    kw.setdefault("table_class", RegionTable)
    kw.setdefault("queryset", Region.objects.visible_to(user).select_related("parent"))
    return lists.build(request, **kw)


def _walk(user, query, direction="next"):
    """Every page of the list from the first (or the last), following the links."""
    seen = []
    start = query if direction == "next" else (query + ("&" if "?" in query else "?") + "last=1")
    listing = _build(user, start, per_page=20)
    pages = 0
    while True:
        pages += 1
        ids = [r.pk for r in listing.records]
        seen = seen + ids if direction == "next" else ids + seen
        url = listing.next_url if direction == "next" else listing.previous_url
        if not url:
            return seen, pages
        listing = _build(user, url, per_page=20)


def _expected(order):
    return list(Region.objects.select_related("parent").order_by(*order).values_list("pk", flat=True))


@pytest.mark.parametrize(
    "sort, order",
    [
        ("", ("code", "pk")),
        ("?sort=name", ("name", "pk")),
        ("?sort=-name", ("-name", "pk")),
        ("?sort=-sort_order", ("-sort_order", "pk")),
    ],
)
def test_following_the_next_links_visits_every_row_once_in_the_sorted_order(personas, regions, sort, order):
    seen, pages = _walk(personas.admin, sort)
    assert seen == _expected(order) and pages == -(-len(seen) // 20)


def test_following_the_previous_links_from_the_last_page_gives_the_same_order(personas, regions):
    forward, _ = _walk(personas.admin, "?sort=-sort_order")
    backward, _ = _walk(personas.admin, "?sort=-sort_order", direction="previous")
    assert backward == forward


def test_a_nullable_sort_key_keeps_every_row(personas, regions):
    # The county node has no parent: NULL sorts as the largest value in both directions.
    up, _ = _walk(personas.admin, "?sort=parent_code")
    down, _ = _walk(personas.admin, "?sort=-parent_code")
    assert sorted(up) == sorted(down) == sorted(Region.objects.values_list("pk", flat=True))
    county = personas.tree.county.pk
    assert up[-1] == county and down[0] == county


def test_the_pages_keep_the_filters_and_the_sort(personas, regions):
    listing = _build(personas.admin, "?name=东&sort=-code", per_page=20)
    query = parse_qs(urlsplit(listing.next_url).query)
    assert query["name"] == ["东"] and query["sort"] == ["-code"] and "after" in query
    listing = _build(personas.admin, listing.next_url, filterset_class=RegionFilter, per_page=20)
    second = _build(personas.admin, "?name=东&sort=-code", filterset_class=RegionFilter, per_page=20)
    next_page = _build(personas.admin, second.next_url, filterset_class=RegionFilter, per_page=20)
    assert {r.name[0] for r in next_page.records} == {"东"}


def test_a_middle_page_knows_its_position_and_the_exact_count(personas, regions):
    first = _build(personas.admin, "?sort=name", per_page=20)
    second = _build(personas.admin, first.next_url, per_page=20)
    assert (second.start, second.end, second.count.value, second.count.exact) == (21, 40, Region.objects.count(), True)
    assert str(second.count) == f"共 {Region.objects.count()} 条"


def test_the_last_page_starts_where_the_count_says(personas, regions):
    last = _build(personas.admin, "?last=1", per_page=20)
    total = Region.objects.count()
    assert last.end == total and not last.next_url and last.previous_url


def test_a_bad_or_forged_token_shows_the_first_page(personas, regions):
    first = _build(personas.admin, "", per_page=20)
    for token in ["%%%", "abc", lists.encode_token(["x"]), lists.encode_token([None, None]), "A" * 3000,
                  lists.encode_token(["not-a-code", "not-a-number"])]:
        listing = _build(personas.admin, f"?after={token}", per_page=20)
        assert [r.pk for r in listing.records] == [r.pk for r in first.records] or listing.records == []


def test_a_sort_on_an_unknown_or_unsortable_column_is_ignored(personas, regions):
    default = [r.pk for r in _build(personas.admin, "").records]
    assert [r.pk for r in _build(personas.admin, "?sort=level").records] == default
    assert [r.pk for r in _build(personas.admin, "?sort=password").records] == default


def test_the_headers_link_to_the_next_sort_and_drop_the_page(personas, regions):
    listing = _build(personas.admin, "?sort=name&after=xyz&name=东")
    header = {h.column.name: h for h in listing.headers}
    assert header["name"].direction == "asc" and "sort=-name" in header["name"].url and "after" not in header["name"].url
    assert header["code"].direction == "" and "sort=code" in header["code"].url
    assert header["level"].url == ""


def test_the_count_above_the_limit_is_not_shown_as_exact(personas, regions, settings):
    settings.LIST_EXACT_COUNT_MAX = 50
    listing = _build(personas.admin, "")
    assert not listing.count.exact and listing.start is None
    assert "超过 50 条" in str(listing.count) or "约" in str(listing.count)


def test_the_export_link_carries_the_filters_and_sort_without_the_page(personas, regions):
    listing = _build(personas.admin, "?name=东&sort=-code&after=abc&last=1", export="regions")
    query = parse_qs(urlsplit(listing.export_url).query)
    assert listing.export_url.startswith("/excel/") and query == {"name": ["东"], "sort": ["-code"]}


def test_no_export_link_for_a_role_that_may_not_export(personas, regions):
    assert _build(personas.leader, "", export="regions").export_url is None


def test_prepare_page_sees_only_the_records_shown(personas, regions):
    calls = []

    class Spy(RegionTable):
        def prepare_page(self, records):
            calls.append([r.pk for r in records])

        class Meta(RegionTable.Meta):
            pass

    listing = _build(personas.admin, "", table_class=Spy, per_page=20)
    assert calls == [[r.pk for r in listing.records]] and len(calls[0]) == 20


@pytest.mark.parametrize("n", [1, 50])
def test_a_first_page_costs_two_queries_for_1_and_50_rows(personas, n, django_assert_num_queries):
    town = personas.tree.township_b
    for i in range(n):
        Region.objects.create(code=f"421223101{400 + i:03d}", name=f"村{i}", level=5, kind="village", parent=town)
    with django_assert_num_queries(2):  # the bounded count, the page
        listing = _build(personas.admin, "?sort=name", per_page=20)
        list(listing.table.paginated_rows)


def test_a_middle_page_adds_one_query_for_its_position(personas, regions, django_assert_num_queries):
    first = _build(personas.admin, "?sort=name", per_page=20)
    with django_assert_num_queries(3):  # the bounded count, the page, the rows before it
        listing = _build(personas.admin, first.next_url, per_page=20)
        list(listing.table.paginated_rows)


def test_table_ordering_gives_the_export_the_lists_order():
    assert lists.table_ordering(RegionTable, "-parent_code") == ["-parent__code", "pk"]
    assert lists.table_ordering(RegionTable, None) == ["code", "pk"]
    assert lists.table_ordering(RegionTable, "password") == ["code", "pk"]


def test_the_list_template_renders_sort_links_pager_count_and_filter_panel(personas, regions):
    from django.template.loader import render_to_string

    request = RequestFactory().get("/regions/?sort=name&level=5")
    request.user = personas.admin
    listing = lists.build(request, queryset=Region.objects.select_related("parent"), table_class=RegionTable,
                          filterset_class=RegionFilter, per_page=20)
    html = render_to_string("lists/_list.html", {"listing": listing, "request": request})
    assert 'class="table-sort asc"' in html and "按名称排序" in html
    assert "第 1–20 条，共 133 条" in html  # 130 villages + the three of the personas' tree
    assert "下一页" in html and 'name="sort" value="name"' in html and "筛选" in html
    assert "parent__code" not in html  # Chinese headers, no field paths
