"""One cadre through the real pages in Chromium: recommendation, inspection, bank entry,
a work-log entry by the unit contact, a supervision opinion, a career-plan review, an
appointment, and the printed dossier."""

from datetime import date, timedelta

import pytest

from cadre_portal.testing import PASSWORD, make_unit_contacts
from youth_cadres import workflow
from youth_cadres.models import Appointment, BankEntry, CareerPlan, CareerReview, SupervisionOpinion, WorkLogEntry
from youth_cadres.tests.builders import make_cadre, make_post

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, user):
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def _submit(page):
    page.click("[data-testid=submit]")
    page.wait_for_load_state()


def test_one_cadre_from_recommendation_to_appointment_and_the_printed_dossier(page, live_server, personas, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    base = live_server.url
    contacts = make_unit_contacts(personas.tree)
    unit = contacts.unit_b  # 天城镇人民政府
    staff = personas.county_staff
    cadre = make_cadre(unit, birth=date(1992, 3, 14), name="林思远", current_post="崇阳县天城镇人民政府党政办主任")
    target = make_post(unit, "副镇长", headcount=2)
    sitting = make_cadre(unit, birth=date(1970, 2, 1), name="老同志")
    workflow.add_holder(post=target, cadre=sitting, by=staff, start=date(2016, 1, 1))  # one vacancy left
    today = date.today().isoformat()

    # County staff: recommend with a target post.
    _login(page, base, staff)
    page.goto(f"{base}/youth/{cadre.pk}/")
    assert "90后副科" in page.inner_text("[data-testid=cohort]")
    page.click("[data-testid=recommend]")
    page.select_option("#id_source", "unit")
    page.fill("#id_recommendation", "政治素质好，敢于担当。")
    page.select_option("#id_target_posts", str(target.pk))
    _submit(page)
    assert "推荐" in page.inner_text("[data-testid=bank-status]")

    # Inspection, then bank entry.
    page.click("[data-testid=action-inspect]")
    _submit(page)
    page.click("[data-testid=action-admit]")
    page.fill("#id_inspection_opinion", "经个别谈话和实绩考核，考察合格。")
    page.check("#id_key_training")
    _submit(page)
    assert "入库" in page.inner_text("[data-testid=bank-status]")
    assert BankEntry.objects.get(cadre=cadre).status == "in_bank"

    # A career plan made over a year ago, so its review is due.
    page.goto(f"{base}/youth/{cadre.pk}/career/")
    page.fill("#id_analysis", "33岁，大学学历，熟悉基层治理。")
    page.fill("#id_goal", "三年内具备担任乡镇党政正职的能力")
    page.fill("#id_path", "先到重要岗位历练，再交流到综合部门。")
    page.fill("#id_made_on", (date.today() - timedelta(days=400)).isoformat())
    _submit(page)
    assert "已逾期" in page.inner_text("[data-testid=next-review]")

    # The unit contact writes a work-log entry; a future date is refused first.
    _login(page, base, contacts.contact_b)
    page.goto(f"{base}/youth/{cadre.pk}/")
    page.click("[data-testid=add-worklog]")
    page.fill("#id_date", (date.today() + timedelta(days=3)).isoformat())
    page.fill("#id_content", "提前写的日志")
    _submit(page)
    assert "不能晚于今天" in page.content()
    page.fill("#id_date", today)
    page.fill("#id_content", "牵头召开乡村振兴项目推进会")
    page.fill("#id_result", "协调解决用地问题2个")
    _submit(page)
    assert "牵头召开乡村振兴项目推进会" in page.inner_text("[data-testid=work-log]")
    assert WorkLogEntry.objects.get().written_by == contacts.contact_b
    assert "廉政情况" not in page.content()  # the unit contact never sees the integrity records

    # County staff: a supervision opinion, the yearly career-plan review, the appointment.
    _login(page, base, staff)
    page.goto(f"{base}/youth/{cadre.pk}/")
    page.click("[data-testid=add-supervision]")
    page.select_option("#id_source", "discipline")
    page.fill("#id_date", today)
    page.fill("#id_given_by", "县纪委监委")
    page.fill("#id_content", "经函询，未发现违规违纪问题。")
    _submit(page)
    assert "未发现违规违纪问题" in page.inner_text("[data-testid=supervision]")
    assert SupervisionOpinion.objects.count() == 1

    page.click("[data-testid=career-review]")
    page.fill("#id_summary", "按规划推进，已完成基层一线实践。")
    _submit(page)
    assert "已逾期" not in page.inner_text("[data-testid=next-review]")
    assert CareerReview.objects.count() == 1 and CareerPlan.objects.get().next_review_due > date.today()

    page.click("[data-testid=action-appoint]")
    page.select_option("#id_post", str(target.pk))
    page.fill("#id_reason", "工作需要，从优秀年轻干部库中选拔任用。")
    _submit(page)
    assert "任用" in page.inner_text("[data-testid=bank-status]")
    appointment = Appointment.objects.get()
    assert appointment.post == target and appointment.removed_post == "崇阳县天城镇人民政府党政办主任"
    page.goto(f"{base}/youth/posts/{target.pk}/")
    assert page.inner_text("[data-testid=holders]").strip() == "2 / 2"
    assert page.inner_text("[data-testid=vacancies]").strip() == "0"

    # The printed dossier: A4, no navigation, every category.
    page.goto(f"{base}/youth/{cadre.pk}/")
    with page.context.expect_page() as popup:
        page.click("[data-testid=print-link]")
    printed = popup.value
    printed.wait_for_load_state()
    text = printed.inner_text("[data-testid=dossier-print]")
    for heading in ["干部成长档案", "基本情况", "学习情况", "政治表现", "工作实绩", "奖惩情况", "廉政情况", "职业发展规划"]:
        assert heading in text, heading
    assert "牵头召开乡村振兴项目推进会" in text and "未发现违规违纪问题" in text
    assert printed.locator("nav, .navbar").count() == 0
    pdf = printed.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 10_000
