"""The reserves lists as django-tables2 tables: sorting, filters across pages, scope, export, queries."""

import io
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cadre_portal.testing import make_id_number
from reserves import workflow
from reserves.models import Candidate, TrainingSession
from reserves.tests import builders as b

S = Candidate.Stage
pytestmark = pytest.mark.django_db


def _import(personas, n, *, village=None, stage=S.TRAINING, names=None):
    people = []
    for i in range(n):
        v = village or (personas.tree.village_a1 if i % 2 else personas.tree.village_b1)
        c = b.new_candidate(v, id_number=make_id_number(date(1985 + i % 15, 1 + i % 12, 1 + i % 28)),
                            name=(names[i] if names else f"王{'一二三四五六七八九十'[i % 10]}{i}"))
        c.training_start, c.training_end = date.today() - timedelta(days=200), date.today() + timedelta(days=530)
        people.append(c)
    data = [workflow.StageData(direction="村“两委”委员人选") for _ in people]
    return workflow.import_at_stage(candidates=people, stage=stage, by=personas.county_staff, note="测试", stage_data=data)


def _names(response):
    return [c.name for c in response.context["listing"].records]


# --- the roster -----------------------------------------------------------------------------


def test_the_roster_sorts_names_by_pinyin(personas, login):
    _import(personas, 3, village=personas.tree.village_a1, names=["赵敏", "艾青", "孙立"])
    client = login(personas.county_staff)
    assert _names(client.get(reverse("reserves:list"), {"sort": "name"})) == ["艾青", "孙立", "赵敏"]
    assert _names(client.get(reverse("reserves:list"), {"sort": "-name"})) == ["赵敏", "孙立", "艾青"]


def test_the_roster_sorts_by_hours_attended(personas, login):
    people = _import(personas, 3, village=personas.tree.village_a1, names=["赵敏", "艾青", "孙立"])
    for person, h in zip(people, (12, 4, 8)):
        s = TrainingSession.objects.create(date=date.today() - timedelta(days=10 + h), topic="学习", hours=Decimal(h))
        workflow.record_attendance(session=s, candidates=[person], by=personas.county_staff)
    response = login(personas.county_staff).get(reverse("reserves:list"), {"sort": "-hours_attended"})
    assert _names(response) == ["赵敏", "孙立", "艾青"]


def test_the_next_page_keeps_the_filter_and_the_sort(personas, login):
    _import(personas, 60, village=personas.tree.village_a1)
    _import(personas, 5, village=personas.tree.village_b1)
    client = login(personas.county_staff)
    first = client.get(reverse("reserves:list"), {"township": personas.tree.township_a.pk, "sort": "-name"})
    listing = first.context["listing"]
    assert listing.count.value == 60 and len(listing.records) == 50
    query = parse_qs(urlsplit(listing.next_url).query)
    assert query["township"] == [str(personas.tree.township_a.pk)] and query["sort"] == ["-name"]
    second = client.get(reverse("reserves:list") + listing.next_url)
    rest = second.context["listing"].records
    assert len(rest) == 10 and {c.village_id for c in rest} == {personas.tree.village_a1.pk}
    assert not set(_names(first)) & set(_names(second))


def test_the_column_headers_are_chinese_sort_links(personas, login):
    _import(personas, 1)
    page = login(personas.county_staff).get(reverse("reserves:list"), {"stage": "training"}).content.decode()
    assert "按姓名排序" in page and "sort=name" in page and "stage=training" in page
    assert "hours_attended" not in page.split("<tbody")[1]  # no field names in the cells


def test_the_export_link_carries_the_filters_and_the_sort(personas, login):
    _import(personas, 1)
    page = login(personas.county_staff).get(reverse("reserves:list"), {"stage": "training", "sort": "-name"}).content.decode()
    href = page.split('data-testid="export-button"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert href.startswith(reverse("excel:export", args=["reserve_nominations"]))
    assert parse_qs(urlsplit(href).query) == {"stage": ["training"], "sort": ["-name"]}


def test_the_export_holds_exactly_the_filtered_rows_in_the_lists_order(personas, login):
    _import(personas, 3, village=personas.tree.village_a1, names=["赵敏", "艾青", "孙立"])
    b.draft(personas, name="钱多")
    client = login(personas.county_staff)
    response = client.get(reverse("excel:export", args=["reserve_nominations"]), {"stage": "training", "sort": "-name"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["赵敏", "孙立", "艾青"]


def test_a_junk_filter_or_sort_is_ignored_not_a_500(personas, login):
    _import(personas, 2)
    client = login(personas.county_staff)
    for params in ({"township": "abc"}, {"village": "\x00"}, {"sort": "id_number"}, {"after": "!!"},
                   {"per_page": "100000"}, {"behind": "2"}, {"last": "1", "before": "zz"}):
        assert client.get(reverse("reserves:list"), params).status_code == 200, params


def test_the_behind_filter_uses_the_ledger(personas, login):
    late = b.training(personas, start=date.today() - timedelta(days=300), name="孙立")
    b.training(personas, start=date.today() - timedelta(days=10), name="艾青")
    response = login(personas.county_staff).get(reverse("reserves:list"), {"behind": "1"})
    assert _names(response) == [late.name] and "进度落后" in response.content.decode()


# --- the pool ---------------------------------------------------------------------------------


def test_the_pool_shows_only_the_officers_township(personas, login):
    mine, theirs = b.pooled(personas), b.pooled(personas, personas.tree.village_b1, name="赵敏")
    response = login(personas.officer_a).get(reverse("reserves:pool"))
    assert _names(response) == [mine.name] and theirs.name not in response.content.decode()


def test_the_pool_filters_by_admission_date(personas, login):
    old, new = b.pooled(personas, name="孙立"), b.pooled(personas, name="艾青")
    old.pool_entry.admitted_on = date(2024, 5, 1)
    old.pool_entry.save()
    response = login(personas.county_staff).get(reverse("reserves:pool"), {"admitted_from": "2025-01-01"})
    assert _names(response) == [new.name]


def test_the_pool_page_shows_the_pool_entry_columns(personas, login):
    b.pooled(personas)
    page = login(personas.county_staff).get(reverse("reserves:pool")).content.decode()
    assert "村党组织书记人选" in page and "村党组织副书记" in page and "入库日期" in page


# --- training sessions --------------------------------------------------------------------------


def test_the_session_list_counts_only_the_attendance_the_viewer_may_see(personas, login):
    mine, theirs = b.training(personas), b.training(personas, personas.tree.village_b1, name="赵敏")
    s = TrainingSession.objects.create(date=date.today(), topic="政策法规", hours=4)
    workflow.record_attendance(session=s, candidates=[mine, theirs], by=personas.county_staff)
    officer = login(personas.officer_a).get(reverse("reserves:training"))
    county = login(personas.county_staff).get(reverse("reserves:training"))
    assert officer.context["listing"].table.attended_counts == {s.pk: 1}
    assert county.context["listing"].table.attended_counts == {s.pk: 2}


# --- queries: 1 and 50 rows ------------------------------------------------------------------------


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name, stage", [("reserves:list", S.TRAINING), ("reserves:pool", S.POOL)])
def test_a_list_page_costs_the_same_queries_for_1_and_50_rows(personas, login, url_name, stage):
    client = login(personas.county_staff)
    _import(personas, 1, stage=stage)
    one = _queries(client, reverse(url_name))
    _import(personas, 49, stage=stage)
    assert len(client.get(reverse(url_name)).context["listing"].records) == 50
    assert _queries(client, reverse(url_name)) == one


def test_the_session_list_costs_the_same_for_1_and_50_sessions(personas, login):
    client = login(personas.county_staff)
    TrainingSession.objects.create(date=date.today(), topic="第1次", hours=4)
    one = _queries(client, reverse("reserves:training"))
    for i in range(49):
        TrainingSession.objects.create(date=date.today() - timedelta(days=i + 1), topic=f"第{i + 2}次", hours=4)
    assert _queries(client, reverse("reserves:training")) == one
