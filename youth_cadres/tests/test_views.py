"""The young-cadre pages: who sees and does what, bad input, and pinned query counts."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from youth_cadres import workflow
from youth_cadres.models import (
    Appointment,
    BankEntry,
    Cadre,
    CareerPlan,
    CareerReview,
    DossierAttachment,
    Post,
    WorkLogEntry,
)
from youth_cadres.tests.builders import bank_member, full_dossier, make_cadre, make_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def staff(personas):
    return personas.county_staff


@pytest.fixture
def unit(unit_contacts):
    return unit_contacts.unit_b


@pytest.fixture
def member(staff, unit):
    cadre = make_cadre(unit, birth=date(1991, 4, 1))
    post = make_post(unit, "镇长", level="141", headcount=1)
    return bank_member(cadre, staff, posts=[post])


def count_queries(client, url) -> int:
    client.get(url)  # warm up: the session's first request writes it
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(ctx.captured_queries)


# --- query counts: the same for 1 and 50 rows ---------------------------------------------------


def test_the_bank_list_uses_the_same_queries_for_1_and_50_members(login, staff, unit):
    client = login(staff)
    post = make_post(unit, "镇长", level="141", headcount=1)
    bank_member(make_cadre(unit, birth=date(1990, 1, 1)), staff, posts=[post])
    one = count_queries(client, reverse("youth_cadres:bank_list") + "?status=in_bank")
    for i in range(49):
        bank_member(make_cadre(unit, birth=date(1990, 1, 2) + timedelta(days=i)), staff, posts=[post])
    assert BankEntry.objects.in_bank().count() == 50
    assert count_queries(client, reverse("youth_cadres:bank_list") + "?status=in_bank") == one


def test_the_post_board_uses_the_same_queries_for_1_and_50_posts(login, staff, unit):
    client = login(staff)

    def add(i):
        post = make_post(unit, f"岗位{i}", headcount=2)
        workflow.add_holder(post=post, cadre=make_cadre(unit, birth=date(1970, 1, 1) + timedelta(days=i)), by=staff, start=date(2020, 1, 1))
        bank_member(make_cadre(unit, birth=date(1991, 1, 1) + timedelta(days=i)), staff, posts=[post])

    add(0)
    one = count_queries(client, reverse("youth_cadres:post_list"))
    for i in range(1, 50):
        add(i)
    assert count_queries(client, reverse("youth_cadres:post_list")) == one


def test_the_dossier_page_uses_the_same_queries_for_1_and_50_records(login, staff, member):
    client = login(staff)
    cadre = member.cadre
    full_dossier(cadre, staff, records=1)
    url = reverse("youth_cadres:cadre_detail", args=[cadre.pk])
    one = count_queries(client, url)
    CareerPlan.objects.filter(cadre=cadre).delete()
    full_dossier(cadre, staff, records=49, first=1)
    assert count_queries(client, url) == one


def test_the_print_view_uses_the_same_queries_for_1_and_50_records(login, staff, member):
    client = login(staff)
    cadre = member.cadre
    full_dossier(cadre, staff, records=1)
    url = reverse("youth_cadres:cadre_print", args=[cadre.pk])
    one = count_queries(client, url)
    CareerPlan.objects.filter(cadre=cadre).delete()
    full_dossier(cadre, staff, records=49, first=1)
    assert count_queries(client, url) == one


def test_the_cadre_list_uses_the_same_queries_for_1_and_50_cadres(login, staff, unit):
    client = login(staff)
    bank_member(make_cadre(unit, birth=date(1990, 1, 1)), staff, status="recommended")
    one = count_queries(client, reverse("youth_cadres:cadre_list"))
    for i in range(49):
        c = make_cadre(unit, birth=date(1990, 2, 1) + timedelta(days=i))
        if i % 2:
            bank_member(c, staff, status="recommended")
    assert count_queries(client, reverse("youth_cadres:cadre_list")) == one


# --- the dossier page ---------------------------------------------------------------------------


def test_the_dossier_shows_every_category(login, staff, member):
    full_dossier(member.cadre, staff)
    html = login(staff).get(reverse("youth_cadres:cadre_detail", args=[member.cadre.pk])).content.decode()
    for text in ["学习情况", "政治表现与作风纪律", "工作实绩", "奖惩情况与年度考核", "廉政情况", "档案材料", "职业发展规划",
                 "培训0", "学习0", "表现0", "工作0", "考查0", "嘉奖0", "意见0", "材料0", "目标"]:
        assert text in html, text


def test_a_unit_contact_never_sees_the_integrity_records(login, staff, member, unit_contacts):
    full_dossier(member.cadre, staff)
    html = login(unit_contacts.contact_b).get(reverse("youth_cadres:cadre_detail", args=[member.cadre.pk])).content.decode()
    assert "工作0" in html
    assert "意见0" not in html and "廉政情况" not in html and "材料0" not in html


def test_a_leader_reads_the_dossier_without_action_buttons(login, personas, member):
    html = login(personas.leader).get(reverse("youth_cadres:cadre_detail", args=[member.cadre.pk])).content.decode()
    assert "县领导账号为只读" in html
    assert 'data-testid="action-appoint"' not in html and "登记工作日志" not in html
    assert member.cadre.masked_id_number in html and member.cadre.id_number not in html


def test_the_print_view_is_a4_without_navigation(login, staff, member):
    html = login(staff).get(reverse("youth_cadres:cadre_print", args=[member.cadre.pk])).content.decode()
    assert "干部成长档案" in html and 'class="page-break"' in html and "youth_print.css" in html
    assert "navbar" not in html


def test_the_history_page_lists_changes_with_who_made_them(login, staff, member, unit_contacts):
    client = login(unit_contacts.contact_b)
    client.post(reverse("youth_cadres:record_add", args=[member.cadre.pk, "worklog"]), {"date": "2026-01-05", "content": "起草方案"})
    html = login(staff).get(reverse("youth_cadres:cadre_history", args=[member.cadre.pk])).content.decode()
    assert "工作日志" in html and "天城镇政府干部联络员" in html and "起草方案" in html


# --- the unit contact's work log ------------------------------------------------------------------


def test_a_unit_contact_writes_a_work_log_entry_for_their_cadre(login, member, unit_contacts):
    client = login(unit_contacts.contact_b)
    response = client.post(reverse("youth_cadres:record_add", args=[member.cadre.pk, "worklog"]),
                           {"date": date.today().isoformat(), "content": "牵头召开项目推进会", "result": "解决问题3个"})
    assert response.status_code == 302
    entry = WorkLogEntry.objects.get()
    assert (entry.written_by, entry.cadre) == (unit_contacts.contact_b, member.cadre)


def test_a_work_log_date_in_the_future_is_refused_and_nothing_written(login, member, unit_contacts):
    client = login(unit_contacts.contact_b)
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    response = client.post(reverse("youth_cadres:record_add", args=[member.cadre.pk, "worklog"]), {"date": tomorrow, "content": "预写"})
    assert response.status_code == 400
    assert "不能晚于今天" in response.content.decode()
    assert not WorkLogEntry.objects.exists()


def test_a_unit_contact_cannot_write_for_another_units_cadre(login, member, unit_contacts):
    client = login(unit_contacts.contact_a)
    response = client.post(reverse("youth_cadres:record_add", args=[member.cadre.pk, "worklog"]), {"date": "2026-01-05", "content": "x"})
    assert response.status_code == 404
    assert not WorkLogEntry.objects.exists()


def test_the_service_refuses_a_unit_contact_writing_to_another_units_cadre(member, unit_contacts):
    from youth_cadres import forms, services

    form = forms.WorkLogForm({"date": "2026-01-05", "content": "越权填报"})
    assert form.is_valid()
    with pytest.raises(workflow.WorkflowError, match="不是您所联络单位的干部"):
        services.save_record(cadre=member.cadre, by=unit_contacts.contact_a, key="worklog", form=form)
    assert not WorkLogEntry.objects.exists()


def test_a_unit_contact_cannot_add_supervision_opinions(login, member, unit_contacts):
    response = login(unit_contacts.contact_b).post(
        reverse("youth_cadres:record_add", args=[member.cadre.pk, "supervision"]), {"source": "leader", "date": "2026-01-05", "content": "x"})
    assert response.status_code == 403


def test_a_unit_contact_changes_only_the_units_own_records(login, staff, member, unit_contacts):
    full_dossier(member.cadre, staff)  # a periodic check written by the department
    check = member.cadre.performance_checks.get()
    client = login(unit_contacts.contact_b)
    response = client.post(reverse("youth_cadres:record_delete", args=[member.cadre.pk, "performance", check.pk]))
    assert response.status_code == 302
    assert member.cadre.performance_checks.exists()  # refused with a message, not deleted


def test_a_leader_cannot_write_records(login, personas, member):
    response = login(personas.leader).post(reverse("youth_cadres:record_add", args=[member.cadre.pk, "worklog"]), {"date": "2026-01-05", "content": "x"})
    assert response.status_code == 403
    assert not WorkLogEntry.objects.exists()


# --- the bank through the pages ---------------------------------------------------------------------


def test_county_staff_recommend_inspect_admit_and_appoint_through_the_pages(login, staff, unit):
    client = login(staff)
    cadre = make_cadre(unit, birth=date(1992, 2, 2))
    post = make_post(unit, "副镇长", headcount=2)
    today = date.today().isoformat()
    assert client.post(reverse("youth_cadres:recommend", args=[cadre.pk]),
                       {"source": "department", "recommended_on": today, "target_posts": [post.pk]}).status_code == 302
    entry = BankEntry.objects.get()
    assert client.post(reverse("youth_cadres:bank_action", args=[entry.pk, "inspect"]), {"on": today}).status_code == 302
    assert client.post(reverse("youth_cadres:bank_action", args=[entry.pk, "admit"]),
                       {"entry_date": today, "inspection_opinion": "合格"}).status_code == 302
    response = client.post(reverse("youth_cadres:bank_action", args=[entry.pk, "appoint"]),
                           {"post": post.pk, "appointed_on": today, "release_current": "on"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.status == "appointed" and Appointment.objects.get().post == post


def test_appointing_to_a_post_without_vacancy_is_not_offered(login, staff, member, unit):
    full = make_post(unit, "党委书记", level="141", headcount=1)
    workflow.add_holder(post=full, cadre=make_cadre(unit, birth=date(1970, 1, 1)), by=staff, start=date(2020, 1, 1))
    response = login(staff).post(reverse("youth_cadres:bank_action", args=[member.pk, "appoint"]),
                                 {"post": full.pk, "appointed_on": date.today().isoformat()})
    assert response.status_code == 400
    assert "选择一个有效的选项" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_cohort_cannot_be_typed_in(login, staff, unit):
    """There is no cohort field anywhere: a posted cohort is ignored and the derived one stays."""
    client = login(staff)
    cadre = make_cadre(unit, birth=date(1992, 2, 2))
    data = {f: getattr(cadre, f) or "" for f in ["name", "id_number", "sex", "ethnicity", "political_status", "health", "current_post", "post_level"]}
    data.update(unit=unit.pk, birth_date="1992-02-02", cohort="leader_80", cohort_key="leader_80")
    client.post(reverse("youth_cadres:cadre_edit", args=[cadre.pk]), data)
    assert Cadre.objects.with_cohort().get(pk=cadre.pk).cohort_key == "potential_90"
    assert "cohort" not in {f.name for f in Cadre._meta.get_fields()}


def test_recommending_someone_outside_every_cohort_shows_why(login, staff, unit):
    cadre = make_cadre(unit, birth=date(1975, 1, 1), post_level="142")
    response = login(staff).post(reverse("youth_cadres:recommend", args=[cadre.pk]), {"source": "department", "recommended_on": date.today().isoformat()})
    assert response.status_code == 400 and "不符合入库类别" in response.content.decode()
    assert not BankEntry.objects.exists()


# --- posts ---------------------------------------------------------------------------------------


def test_headcount_below_the_holders_is_refused(login, staff, unit):
    post = make_post(unit, "副镇长", headcount=2)
    for i in range(2):
        workflow.add_holder(post=post, cadre=make_cadre(unit, birth=date(1970, 1, 1 + i)), by=staff, start=date(2020, 1, 1))
    response = login(staff).post(reverse("youth_cadres:post_edit", args=[post.pk]),
                                 {"title": "副镇长", "level": "142", "headcount": 1, "sort_order": 0})
    assert response.status_code == 400 and "不能少于现任人数" in response.content.decode()
    assert Post.objects.get(pk=post.pk).headcount == 2


def test_the_board_flags_posts_with_fewer_than_two_candidates(login, staff, unit):
    short = make_post(unit, "短缺岗位")
    covered = make_post(unit, "充足岗位")
    for i in range(2):
        bank_member(make_cadre(unit, birth=date(1991, 1, 1 + i)), staff, posts=[covered])
    response = login(staff).get(reverse("youth_cadres:post_list") + "?short=1")
    html = response.content.decode()
    assert short.title in html and covered.title not in html


def test_the_forecast_lists_holders_reaching_the_age_ceiling(login, staff, unit):
    post = make_post(unit, "副镇长", headcount=2)
    near = make_cadre(unit, birth=date.today().replace(year=date.today().year - 54) - timedelta(days=10), name="将到龄")
    young = make_cadre(unit, birth=date(1990, 1, 1), name="年轻人")
    for c in (near, young):
        workflow.add_holder(post=post, cadre=c, by=staff, start=date(2022, 1, 1))
    html = login(staff).get(reverse("youth_cadres:forecast") + "?years=3").content.decode()
    assert "将到龄" in html and "年轻人" not in html and "满55岁" in html


def test_the_appointed_from_bank_count_follows_the_date_range(login, staff, unit):
    for i in range(3):
        p = make_post(unit, f"岗位{i}", headcount=1)
        e = bank_member(make_cadre(unit, birth=date(1991, 1, 1 + i)), staff, posts=[p], day=date.today() - timedelta(days=100))
        workflow.appoint(entry=e, by=staff, post=p, appointed_on=date.today() - timedelta(days=30 * i))
    client = login(staff)
    since = (date.today() - timedelta(days=45)).isoformat()
    html = client.get(reverse("youth_cadres:appointment_list") + f"?date_from={since}").content.decode()
    assert 'data-testid="appointed-from-bank">2 名' in html


# --- photos and attachments ----------------------------------------------------------------------------


def _png() -> io.BytesIO:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 30, 30)).save(buf, format="PNG")
    buf.seek(0)
    buf.name = "photo.png"
    return buf


def test_a_photo_is_stored_as_jpeg_and_served_only_in_scope(login, staff, member, unit_contacts):
    from youth_cadres import services

    cadre = Cadre.objects.get(pk=member.cadre.pk)
    services.update_cadre(cadre=cadre, by=staff, photo=_png())
    cadre.refresh_from_db()
    assert cadre.photo.name.endswith(".jpg")
    url = reverse("youth_cadres:cadre_photo", args=[cadre.pk])
    response = login(staff).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert login(unit_contacts.contact_a).get(url).status_code == 404


def test_a_file_that_is_not_an_image_is_refused_as_a_photo(staff, member):
    from youth_cadres import services

    bogus = io.BytesIO(b"not an image at all")
    bogus.name = "photo.jpg"
    with pytest.raises(workflow.WorkflowError, match="照片无法识别"):
        services.update_cadre(cadre=Cadre.objects.get(pk=member.cadre.pk), by=staff, photo=bogus)


def test_attachments_upload_and_download_in_scope_only(login, staff, member, unit_contacts):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(staff)
    upload = SimpleUploadedFile("考察材料.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    response = client.post(reverse("youth_cadres:record_add", args=[member.cadre.pk, "attachment"]),
                           {"category": "work", "title": "考察材料", "file": upload})
    assert response.status_code == 302
    attachment = DossierAttachment.objects.get()
    assert attachment.original_name == "考察材料.pdf" and "考察材料" not in attachment.file.name
    download = client.get(reverse("youth_cadres:attachment", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 demo"
    assert login(unit_contacts.contact_b).get(reverse("youth_cadres:attachment", args=[attachment.pk])).status_code == 404


def test_an_executable_is_refused_as_an_attachment(login, staff, member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    response = login(staff).post(reverse("youth_cadres:record_add", args=[member.cadre.pk, "attachment"]),
                                 {"category": "work", "title": "x", "file": upload})
    assert response.status_code == 400 and "只能上传" in response.content.decode()
    assert not DossierAttachment.objects.exists()


# --- career plans and the home page ------------------------------------------------------------------


def test_a_career_review_moves_the_next_review_a_year_on(login, staff, member):
    client = login(staff)
    cadre = member.cadre
    client.post(reverse("youth_cadres:career_edit", args=[cadre.pk]),
                {"analysis": "分析", "goal": "三年内担任乡镇党政正职", "path": "基层历练", "made_on": "2025-01-10"})
    plan = CareerPlan.objects.get(cadre=cadre)
    assert plan.next_review_due == date(2026, 1, 10)
    client.post(reverse("youth_cadres:career_review", args=[cadre.pk]), {"reviewed_on": date.today().isoformat(), "summary": "按计划推进"})
    plan.refresh_from_db()
    assert CareerReview.objects.count() == 1
    assert plan.next_review_due == date.today().replace(year=date.today().year + 1) or plan.next_review_due > date.today()


def test_the_county_home_shows_overdue_reviews_and_short_posts(login, staff, member):
    CareerPlan.objects.create(cadre=member.cadre, analysis="a", goal="g", path="p", made_on=date(2023, 1, 1), next_review_due=date(2024, 1, 1))
    html = login(staff).get(reverse("home")).content.decode()
    assert 'data-testid="panel-youth-county"' in html
    assert 'data-testid="reviews-overdue">1<' in html
    assert member.cadre.name in html


def test_a_unit_contacts_home_shows_their_unit(login, member, unit_contacts):
    html = login(unit_contacts.contact_b).get(reverse("home")).content.decode()
    assert 'data-testid="panel-youth-unit"' in html and unit_contacts.unit_b.name in html


def test_township_officers_get_no_young_cadre_menu(login, personas):
    html = login(personas.officer_a).get(reverse("home")).content.decode()
    assert "优秀年轻干部库" not in html


def test_the_bank_list_opens_on_the_bank_proper_with_the_status_in_the_url(login, staff):
    response = login(staff).get(reverse("youth_cadres:bank_list") + "?cohort=potential_90")
    assert response.status_code == 302 and "status=in_bank" in response["Location"] and "cohort=potential_90" in response["Location"]


def test_a_unit_contact_may_not_delete_a_study_record_the_department_wrote(login, staff, member, unit_contacts):
    from youth_cadres.models import StudyRecord

    theirs = StudyRecord.objects.create(cadre=member.cadre, date=date(2026, 1, 5), form="central", topic="中心组学习", recorded_by=staff)
    mine = StudyRecord.objects.create(cadre=member.cadre, date=date(2026, 1, 6), form="self", topic="自学", recorded_by=unit_contacts.contact_b)
    client = login(unit_contacts.contact_b)
    for record in (theirs, mine):
        client.post(reverse("youth_cadres:record_delete", args=[member.cadre.pk, "study", record.pk]))
    assert list(StudyRecord.objects.values_list("topic", flat=True)) == ["中心组学习"]
