"""Pages: scope, roles, POST-only transitions, forms that keep input, query counts."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from cadre_portal.testing import make_id_number
from reserves import workflow
from reserves.models import Candidate, TrainingSession
from reserves.tests import builders as b

S = Candidate.Stage
pytestmark = pytest.mark.django_db


def _nomination_data(village, **extra):
    data = {
        "name": "李娜", "id_number": make_id_number(date(1996, 2, 3), female=True), "ethnicity": "01", "political_status": "03",
        "education": "21", "village": village.pk, "nomination_source": "1", "current_occupation": "电商从业者",
        "priority_group_choices": ["3", "9"],
    }
    data.update(extra)
    return data


# --- scope ----------------------------------------------------------------------------


def test_another_townships_person_is_a_404(personas, login):
    c = b.draft(personas, personas.tree.village_b1)
    assert login(personas.officer_a).get(reverse("reserves:detail", args=[c.pk])).status_code == 404


def test_acting_on_another_townships_person_is_a_404(personas, login):
    c = b.draft(personas, personas.tree.village_b1)
    response = login(personas.officer_a).post(reverse("reserves:act", args=[c.pk, "withdraw"]), {"withdraw-opinion": "x"})
    assert response.status_code == 404


def test_the_list_shows_only_the_officers_township(personas, login):
    mine, other = b.draft(personas), b.draft(personas, personas.tree.village_b1, name="赵敏")
    page = login(personas.officer_a).get(reverse("reserves:list")).content.decode()
    assert mine.name in page and other.name not in page


def test_a_domain_officer_sees_no_reserves(personas, login):
    b.draft(personas)
    page = login(personas.domain_officer).get(reverse("reserves:list")).content.decode()
    assert "没有符合条件的人员" in page


# --- transitions -----------------------------------------------------------------------


def test_transition_urls_are_post_only(personas, login):
    c = b.submitted(personas)
    assert login(personas.county_staff).get(reverse("reserves:act", args=[c.pk, "file"])).status_code == 405


def test_county_staff_file_through_the_page(personas, login):
    c = b.submitted(personas)
    response = login(personas.county_staff).post(reverse("reserves:act", args=[c.pk, "file"]), {"file-opinion": "同意"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.stage == S.TRAINING


def test_a_return_without_a_reason_is_shown_as_an_error_and_nothing_changes(personas, login):
    c = b.submitted(personas)
    response = login(personas.county_staff).post(reverse("reserves:act", args=[c.pk, "return"]), {"return-opinion": ""})
    assert response.status_code == 400 and "这个字段是必填项" in response.content.decode()
    c.refresh_from_db()
    assert c.stage == S.SUBMITTED


def test_a_leader_sees_the_person_but_no_buttons_and_cannot_post(personas, login):
    c = b.submitted(personas)
    client = login(personas.leader)
    page = client.get(reverse("reserves:detail", args=[c.pk])).content.decode()
    assert "县领导账号为只读" in page and "审查备案，纳入培养序列" not in page
    assert client.post(reverse("reserves:act", args=[c.pk, "file"]), {"file-opinion": ""}).status_code == 403
    c.refresh_from_db()
    assert c.stage == S.SUBMITTED


def test_the_officer_sees_no_county_buttons(personas, login):
    c = b.submitted(personas)
    page = login(personas.officer_a).get(reverse("reserves:detail", args=[c.pk])).content.decode()
    assert "审查备案，纳入培养序列" not in page
    assert login(personas.officer_a).post(reverse("reserves:act", args=[c.pk, "file"])).status_code == 403


def test_unmet_guards_are_explained_on_the_person_page(personas, login):
    c = b.training(personas)
    page = login(personas.officer_a).get(reverse("reserves:detail", args=[c.pk])).content.decode()
    assert "不足 150 学时" in page and "尚未期满" in page


def test_an_already_handled_decision_says_so(personas, login):
    c = b.submitted(personas)
    client = login(personas.county_staff)
    client.post(reverse("reserves:act", args=[c.pk, "file"]), {"file-opinion": ""})
    response = client.post(reverse("reserves:act", args=[c.pk, "reject"]), {"reject-opinion": "x"}, follow=True)
    assert response.status_code == 200 and "已由他人办理" in response.content.decode()


# --- nomination form -------------------------------------------------------------------------


def test_the_nomination_form_saves_a_draft_with_derived_sex_and_birth_date(personas, login):
    response = login(personas.officer_a).post(reverse("reserves:create"), _nomination_data(personas.tree.village_a1))
    assert response.status_code == 302
    c = Candidate.objects.get()
    assert (c.stage, c.sex, c.birth_date, c.priority_group_codes) == (S.DRAFT, "2", date(1996, 2, 3), ["3", "9"])
    assert c.criteria == {}  # the five aspects are rated by the township's inspection, not at nomination


def test_the_nomination_form_offers_only_the_officers_villages(personas, login):
    page = login(personas.officer_a).get(reverse("reserves:create")).content.decode()
    assert personas.tree.village_a1.name in page and personas.tree.village_b1.name not in page


def test_a_bad_id_number_keeps_what_was_typed(personas, login):
    data = _nomination_data(personas.tree.village_a1, id_number="421223199602031234")
    page = login(personas.officer_a).post(reverse("reserves:create"), data).content.decode()
    assert "校验位不正确" in page and "电商从业者" in page
    assert not Candidate.objects.exists()


def test_a_duplicate_id_number_is_refused_without_revealing_the_other_township(personas, login):
    other = b.training(personas, personas.tree.village_b1, name="钱多多")
    page = login(personas.officer_a).post(reverse("reserves:create"), _nomination_data(personas.tree.village_a1, id_number=other.id_number)).content.decode()
    assert "不能重复推荐" in page and "钱多多" not in page and "沙坪" not in page.split("不能重复推荐")[0][-300:]


def test_county_staff_cannot_open_the_nomination_form(personas, login):
    assert login(personas.county_staff).get(reverse("reserves:create")).status_code == 403


def test_a_submitted_person_cannot_be_edited(personas, login):
    c = b.submitted(personas)
    response = login(personas.officer_a).get(reverse("reserves:edit", args=[c.pk]))
    assert response.status_code == 302


# --- submission ------------------------------------------------------------------------------------


def test_a_village_submission_outside_three_to_seven_needs_a_reason(personas, login):
    c = b.draft(personas)
    client = login(personas.officer_a)
    url = reverse("reserves:submit_village", args=[c.village_id])
    page = client.post(url, {"candidates": [c.pk]}, follow=True).content.decode()
    assert "请填写说明" in page
    client.post(url, {"candidates": [c.pk], "reason": "本村青年少"})
    c.refresh_from_db()
    assert c.stage == S.SUBMITTED and c.submission_reason == "本村青年少"


def test_the_submission_page_carries_the_live_counter(personas, login):
    b.training(personas)
    page = login(personas.officer_a).get(reverse("reserves:submission")).content.decode()
    assert 'data-active="1"' in page and "js/reserves.js" in page


# --- records and training ---------------------------------------------------------------------------


def test_an_appraisal_is_recorded_with_its_tallies(personas, login):
    c = b.training(personas)
    data = {"year": 1, "appraised_on": date.today().isoformat(), "raters": 8, "grade": b.grade("优秀").pk, "opinion": "表现优秀"}
    data.update({f"t_{d}_{r}": 2 for d in range(5) for r in range(4)})
    response = login(personas.officer_a).post(reverse("reserves:record", args=[c.pk, "appraisal"]), data)
    assert response.status_code == 302
    appraisal = c.appraisals.get()
    assert appraisal.tallies["政治表现"] == {"好": 2, "较好": 2, "一般": 2, "差": 2}


def test_a_second_appraisal_for_the_same_year_is_refused_with_a_message(personas, login):
    c = b.training(personas)
    b.complete_cycle(personas, c, hours=0, grades=("合格",))
    data = {"year": 1, "appraised_on": date.today().isoformat(), "raters": 4, "grade": b.grade("优秀").pk, "opinion": "x"}
    data.update({f"t_{d}_{r}": 1 for d in range(5) for r in range(4)})
    page = login(personas.officer_a).post(reverse("reserves:record", args=[c.pk, "appraisal"]), data).content.decode()
    assert "已有相同的记录" in page or "已存在" in page


def test_attendance_is_ticked_on_the_session_page(personas, login):
    people = [b.training(personas) for _ in range(2)]
    session = TrainingSession.objects.create(date=date.today(), topic="政策", hours=8)
    login(personas.county_staff).post(reverse("reserves:attendance_save", args=[session.pk]),
                                      {"candidates": [p.pk for p in people], "shown": [p.pk for p in people]})
    assert session.attendances.count() == 2


# --- query counts -------------------------------------------------------------------------------------


def _many(personas, n):
    people = [b.new_candidate(personas.tree.village_a1 if i % 2 else personas.tree.village_b1, id_number=make_id_number()) for i in range(n)]
    for p in people:
        p.training_start, p.training_end = date(2025, 1, 1), date(2027, 1, 1)
    workflow.import_at_stage(candidates=people, stage=S.TRAINING, by=personas.county_staff, note="测试")


def _count_queries(client, url, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url_name", ["reserves:list", "reserves:overview", "reserves:pool", "reserves:training"])
def test_pages_cost_the_same_queries_for_1_and_50_people(personas, login, url_name, django_assert_max_num_queries):
    client = login(personas.county_staff)
    _many(personas, 1)
    one = _count_queries(client, reverse(url_name), django_assert_max_num_queries)
    _many(personas, 49)
    with django_assert_max_num_queries(one):
        assert client.get(reverse(url_name)).status_code == 200


def test_the_home_panels_cost_the_same_for_1_and_50_people(personas, login, django_assert_max_num_queries):
    client = login(personas.officer_a)
    _many(personas, 1)
    one = _count_queries(client, reverse("home"), django_assert_max_num_queries)
    _many(personas, 49)
    with django_assert_max_num_queries(one):
        client.get(reverse("home"))


def test_the_overview_shows_villages_lacking_reserves(personas, login):
    b.training(personas)
    page = login(personas.county_staff).get(reverse("reserves:overview")).content.decode()
    assert "茅井村 1人" in page and "沙坪村 0人" in page


# --- audit 3: what users saw in the browser ----------------------------------------------------------


def test_a_bad_id_number_is_explained_once(personas, login):
    data = _nomination_data(personas.tree.village_a1, id_number="421223199602031234")
    page = login(personas.officer_a).post(reverse("reserves:create"), data).content.decode()
    assert page.count("校验位不正确") == 1


def test_an_id_number_mangled_by_excel_is_refused_with_its_cause(personas, login):
    data = _nomination_data(personas.tree.village_a1, id_number="4.21223199005E+17")
    page = login(personas.officer_a).post(reverse("reserves:create"), data).content.decode()
    assert page.count("存成了数字") == 1 and not Candidate.objects.exists()


def test_a_form_level_error_is_shown_once(personas, login):
    c = b.training(personas)
    response = login(personas.county_staff).post(reverse("reserves:act", args=[c.pk, "override"]), {"reason": "理由"})
    assert response.content.decode().count("请至少选择一项特别准予的事项") == 1


def test_the_nomination_form_speaks_chinese_in_its_blank_options(personas, login):
    page = login(personas.officer_a).get(reverse("reserves:create")).content.decode()
    assert "---------" not in page


def test_the_override_page_shows_which_conditions_are_unmet(personas, login):
    c = b.training(personas)
    page = login(personas.county_staff).get(reverse("reserves:action_form", args=[c.pk, "override"])).content.decode()
    assert "尚未期满" in page.split('data-testid="guard"')[1][:600]


def test_a_returned_nomination_shows_the_countys_reason(personas, login):
    c = b.submitted(personas)
    workflow.return_nomination(candidate=c, by=personas.county_staff, reason="请补充学历证明")
    page = login(personas.officer_a).get(reverse("reserves:detail", args=[c.pk])).content.decode()
    assert "请补充学历证明" in page.split('data-testid="return-reason"')[1][:300]


def test_a_new_trainee_is_not_behind_on_hours(personas, login):
    c = b.training(personas)
    client = login(personas.county_staff)
    assert c.name not in client.get(reverse("reserves:list") + "?behind=1").content.decode()
    assert "暂不测算" in client.get(reverse("reserves:detail", args=[c.pk])).content.decode()


def test_the_session_page_lists_only_trainees_whose_cycle_includes_it(personas, login):
    started_after = b.training(personas, name="晚入")
    session = TrainingSession.objects.create(date=date.today() - timedelta(days=10), topic="上季度", hours=8)
    page = login(personas.officer_a).get(reverse("reserves:training_detail", args=[session.pk])).content.decode()
    assert started_after.name not in page


def test_the_list_filters_look_like_the_rest_of_the_portal(personas, login):
    page = login(personas.county_staff).get(reverse("reserves:list")).content.decode()
    assert 'name="stage" class="form-select' in page


def test_a_follow_up_dated_before_the_appointment_is_a_field_error(personas, login):
    c = b.appointed(personas, on=date.today() - timedelta(days=5))
    data = {"visited_on": (date.today() - timedelta(days=6)).isoformat(), "result": "good", "note": "x", "adjustment": ""}
    response = login(personas.county_staff).post(reverse("reserves:act", args=[c.pk, "follow_up"]), data)
    assert response.status_code == 400 and "不能早于任用日期" in response.content.decode()


# --- reminders on the person's record ----------------------------------------------------------------


def _reminder(kind, target, region, *, period="2026Q4", body=""):
    from django.contrib.contenttypes.models import ContentType

    from cadre_portal.notifications.models import Reminder

    return Reminder.objects.create(
        kind=kind, target_type=ContentType.objects.get_for_model(target), target_id=target.pk, period=period,
        region=region, title=f"提醒：{kind} {period}", body=body, remind_on=date.today(),
    )


def _session_period(session):
    from cadre_portal.notifications.periods import quarter_key

    return f"{quarter_key(session.date)}-S{session.pk}"


def test_the_person_page_shows_the_reminders_about_the_person(personas, login):
    c = b.training(personas)
    township = c.village.parent
    session = TrainingSession.objects.create(date=date.today() + timedelta(days=7), topic="季度培训", hours=8)
    _reminder("cycle_ending", c, c.village, period="A")
    _reminder("training_session", township, township, period=_session_period(session))
    _reminder("hours_behind", township, township, period="B", body=f"{c.name}（{c.village.name}，已完成 0 学时）")
    page = login(personas.officer_a).get(reverse("reserves:detail", args=[c.pk])).content.decode()
    box = page.split('data-testid="reminders"')[1].split("流程记录")[0]
    assert all(f"提醒：{k}" in box for k in ("cycle_ending", "training_session", "hours_behind"))


def test_the_person_page_leaves_out_reminders_about_others(personas, login):
    c = b.training(personas)
    other = b.training(personas, personas.tree.village_b1, name="钱多多")
    township = c.village.parent
    outside = TrainingSession.objects.create(date=date.today() - timedelta(days=30), topic="开始前的培训", hours=8)
    _reminder("cycle_ending", other, other.village, period="A")
    _reminder("training_session", township, township, period=_session_period(outside))
    _reminder("hours_behind", township, township, period="B", body="王五（茅井村，已完成 0 学时）")
    page = login(personas.county_staff).get(reverse("reserves:detail", args=[c.pk])).content.decode()
    assert "暂无与该人员有关的提醒" in page


def test_the_person_page_costs_the_same_queries_for_1_and_20_reminders(personas, login, django_assert_max_num_queries):
    c = b.training(personas)
    client = login(personas.officer_a)
    url = reverse("reserves:detail", args=[c.pk])
    _reminder("cycle_ending", c, c.village, period="P0")
    one = _count_queries(client, url, django_assert_max_num_queries)
    for i in range(1, 20):
        _reminder("cycle_ending", c, c.village, period=f"P{i}")
    with django_assert_max_num_queries(one):
        assert client.get(url).status_code == 200


def test_the_follow_up_form_offers_today_as_the_visit_date(personas, login):
    c = b.appointed(personas, on=date.today() - timedelta(days=365))
    page = login(personas.county_staff).get(reverse("reserves:action_form", args=[c.pk, "follow_up"])).content.decode()
    assert f'value="{date.today().isoformat()}"' in page


def test_the_list_exports_what_it_shows(personas, login):
    page = login(personas.officer_a).get(reverse("reserves:list"), {"stage": "training"}).content.decode()
    assert f'href="{reverse("excel:export", args=["reserve_nominations"])}?stage=training"' in page
