"""The retention pages: who sees what (404 outside the scope), who writes (county staff
only), bad input answered in Chinese with nothing written, list query counts pinned."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from youth_cadres.retention import codes, workflow
from youth_cadres.retention.models import CareRecord, Demand, Interview
from youth_cadres.retention.tests.builders import category, demand, interview, new_demand, reserve_care, youth_care

TODAY = date.today()


@pytest.fixture
def world(personas, unit_contacts):
    youth = youth_care(personas, unit_contacts.unit_b)  # a young cadre of 天城镇人民政府 (township A)
    reserve_a = reserve_care(personas, personas.tree.village_a1)
    reserve_b = reserve_care(personas, personas.tree.village_b1)
    d = demand(personas, youth)
    return {"youth": youth, "a": reserve_a, "b": reserve_b, "demand": d}


def test_a_township_officer_sees_their_townships_reserve_cadres_care(world, personas, login):
    client = login(personas.officer_a)
    assert client.get(reverse("retention:care_detail", args=[world["a"].pk])).status_code == 200


def test_a_township_officer_never_sees_another_townships_or_a_young_cadres_care(world, personas, login):
    client = login(personas.officer_a)
    assert client.get(reverse("retention:care_detail", args=[world["b"].pk])).status_code == 404
    assert client.get(reverse("retention:care_detail", args=[world["youth"].pk])).status_code == 404
    assert client.get(reverse("retention:demand_detail", args=[world["demand"].pk])).status_code == 404


@pytest.mark.parametrize("who", ["domain_officer", "contact_b"])
def test_unit_contacts_and_domain_officers_see_nothing(world, personas, unit_contacts, login, who):
    user = getattr(personas, who, None) or getattr(unit_contacts, who)
    client = login(user)
    assert client.get(reverse("retention:care_detail", args=[world["youth"].pk])).status_code == 404
    assert client.get(reverse("retention:workbench")).status_code == 404
    assert client.get(reverse("retention:demand_list")).status_code == 404
    assert not CareRecord.objects.visible_to(user).exists()


def test_the_township_officers_list_holds_only_their_reserve_cadres(world, personas, login):
    response = login(personas.officer_a).get(reverse("retention:care_list"))
    assert response.status_code == 200
    assert response.context["listing"].count.value == 1
    assert set(CareRecord.objects.visible_to(personas.officer_a).values_list("pk", flat=True)) == {world["a"].pk}


def test_a_leader_reads_but_cannot_record_an_interview(world, personas, login):
    client = login(personas.leader)
    assert client.get(reverse("retention:care_detail", args=[world["youth"].pk])).status_code == 200
    response = client.post(reverse("retention:interview_add", args=[world["youth"].pk]), {})
    assert response.status_code == 403
    assert not Interview.objects.exists()


def _interview_post(personas, **extra):
    data = {"held_on": TODAY.isoformat(), "interviewer": personas.county_staff.pk, "state_of_mind": "工作安心。",
            "intention": "wants_to_leave", "demand_category": category(codes.HOUSING).pk, "demand_nature": "individual",
            "demand_content": "希望解决住房", "demand_owner": personas.county_staff.pk,
            "demand_due_on": (TODAY + timedelta(days=30)).isoformat()}
    data.update(extra)
    return data


def test_county_staff_record_an_interview_raising_a_demand(world, personas, login):
    care = world["youth"]
    response = login(personas.county_staff).post(reverse("retention:interview_add", args=[care.pk]), _interview_post(personas))
    assert response.status_code == 302
    care.refresh_from_db()
    assert care.intention == "wants_to_leave" and care.last_interview_on == TODAY
    assert Demand.objects.filter(care=care, interview__isnull=False, category__code=codes.HOUSING).exists()


def test_an_interview_dated_tomorrow_gets_a_chinese_error_and_nothing_is_written(world, personas, login):
    care = world["youth"]
    response = login(personas.county_staff).post(
        reverse("retention:interview_add", args=[care.pk]),
        _interview_post(personas, held_on=(TODAY + timedelta(days=1)).isoformat()))
    assert response.status_code == 400
    assert "访谈日期不能晚于今天" in response.content.decode()
    assert not Interview.objects.exists()


def test_closing_a_demand_without_a_resolution_gets_a_chinese_error(world, personas, login):
    d = world["demand"]
    response = login(personas.county_staff).post(reverse("retention:demand_act", args=[d.pk, "resolve"]),
                                                 {"closed_on": TODAY.isoformat(), "resolution": ""})
    assert response.status_code == 400
    assert "办结诉求时请填写办理结果" in response.content.decode()
    d.refresh_from_db()
    assert d.status == "raised"


def test_an_allowance_measure_lower_after_without_reason_is_refused_on_the_page(world, personas, login):
    response = login(personas.county_staff).post(reverse("retention:measure_add"), {
        "title": "调整补贴", "category": category(codes.ALLOWANCE).pk, "effective_on": TODAY.isoformat(),
        "amount_before": "500", "amount_after": "300"})
    assert response.status_code == 400
    assert "请说明理由" in response.content.decode()


def test_the_workbench_shows_overdue_people_and_the_figures(world, personas, login):
    response = login(personas.county_staff).get(reverse("retention:workbench") + "?period=range&from=2020-01-01&to=" + TODAY.isoformat())
    assert response.status_code == 200
    body = response.content.decode()
    assert "留才成效" in body and 'data-figure="retention.retained"' in body


def test_the_young_cadre_page_shows_the_retention_history(world, personas, login):
    interview(personas, world["youth"], state_of_mind="思想稳定，希望解决住房。")
    response = login(personas.county_staff).get(reverse("youth_cadres:cadre_detail", args=[world["youth"].cadre_id]))
    assert "思想稳定，希望解决住房。" in response.content.decode()


@pytest.mark.parametrize("url_name", ["retention:care_list", "retention:demand_list", "retention:interview_list"])
def test_lists_cost_the_same_for_one_and_fifty_rows(personas, unit_contacts, login, django_assert_max_num_queries, url_name):
    client = login(personas.county_staff)
    first = youth_care(personas, unit_contacts.unit_a)
    demand(personas, first)
    interview(personas, first)
    with django_assert_max_num_queries(12) as one:
        assert client.get(reverse(url_name)).status_code == 200
    from youth_cadres.retention.models import CareRecord as C

    for _ in range(24):
        care = reserve_care(personas)
        demand(personas, care)
        interview(personas, care)
        care = youth_care(personas, unit_contacts.unit_a)
        demand(personas, care)
        interview(personas, care)
    assert C.objects.count() == 49
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200


def test_the_reserves_person_page_shows_the_retention_history(world, personas, login):
    interview(personas, world["a"], state_of_mind="家中困难，考虑外出务工。", intention="wants_to_leave")
    url = reverse("reserves:detail", args=[world["a"].candidate_id])
    for user in (personas.county_staff, personas.officer_a):
        body = login(user).get(url).content.decode()
        assert "家中困难，考虑外出务工。" in body
