"""Names are searchable by pinyin initials, full pinyin, Chinese and ID tail (on a real registry)."""

import pytest
from django.urls import reverse

from reserves.tests import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(personas):
    return {
        "zhang": b.draft(personas, name="张三", inspected=False),
        "zeng": b.draft(personas, name="曾小明", inspected=False),
        "li": b.draft(personas, name="李四", inspected=False),
    }


def names(client, q):
    response = client.get(reverse("reserves:list"), {"q": q})
    assert response.status_code == 200
    return {c.name for c in response.context["listing"].records}


def test_initials_find_the_person(login, personas, people):
    assert names(login(personas.officer_a), "zs") == {"张三"}


def test_a_surname_is_read_as_a_surname(login, personas, people):
    assert names(login(personas.officer_a), "zxm") == {"曾小明"}


def test_full_pinyin_prefix_and_chinese_both_match(login, personas, people):
    client = login(personas.officer_a)
    assert names(client, "zhang") == {"张三"} and names(client, "李") == {"李四"}


def test_the_last_digits_of_an_id_number_match(login, personas, people):
    tail = people["li"].id_number[-6:]
    assert names(login(personas.officer_a), tail) == {"李四"}


def test_the_whole_id_number_matches_exactly(login, personas, people):
    assert names(login(personas.officer_a), people["zeng"].id_number) == {"曾小明"}


def test_pinyin_with_spaces_or_capitals_still_matches(login, personas, people):
    assert names(login(personas.officer_a), "Zhang San") == {"张三"}


# --- each kind of input is one indexed condition (issue 16 item 6) ----------------------


def _sql(text):
    from cadre_portal.people import name_search_q
    from reserves.models import Candidate

    return str(Candidate.objects.filter(name_search_q(text)).query).split(" WHERE ", 1)[1].split(" ORDER BY ")[0]


def test_a_pinyin_search_does_not_scan_the_names():
    sql = _sql("zs")
    assert '"name" LIKE' not in sql and "name_initials" in sql and "name_pinyin" in sql


def test_a_chinese_search_reads_only_the_name():
    sql = _sql("张三")
    assert "name_initials" not in sql and "id_number" not in sql and '"name"' in sql and "LIKE" in sql


def _plan(sql_text, params=()):
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Left only with bitmap scans, the planner can serve the condition only from
            # an index that evaluates it (the pattern or trigram index), or not at all.
            for setting in ("enable_seqscan", "enable_indexscan", "enable_indexonlyscan"):
                cursor.execute(f"SET LOCAL {setting} = off")
            cursor.execute("EXPLAIN " + sql_text, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql_text, params)
        return " ".join(str(row) for row in cursor.fetchall())


@pytest.mark.parametrize("text, index", [("zs", "pinyin"), ("zhangs", "pinyin"), ("张三", "name_trgm"), ("1234", "id_trgm")])
def test_the_search_is_served_by_an_index(people, text, index):
    from django.db import connection

    from cadre_portal.people import name_search_q
    from reserves.models import Candidate

    if connection.vendor != "postgresql" and index != "pinyin":
        pytest.skip("trigram indexes are PostgreSQL's; SQLite scans for substrings")
    sql, params = Candidate.objects.filter(name_search_q(text)).order_by().values("pk").query.sql_with_params()
    plan = _plan(sql, params)
    assert "_srch" in plan or "name_initials" in plan, plan
    if connection.vendor == "postgresql":
        assert index.split("_")[0] in plan and "Seq Scan" not in plan, plan
