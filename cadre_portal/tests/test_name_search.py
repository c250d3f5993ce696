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
