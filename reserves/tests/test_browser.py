"""One person through the real forms in Chromium: nomination to appointment and follow-up."""

from datetime import date, timedelta

import pytest

from cadre_portal.testing import PASSWORD, make_id_number
from reserves.models import Candidate
from reserves.tests import builders as b

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, user):
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def _act(page, label):
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_one_person_from_nomination_to_follow_up(page, live_server, personas):
    base = live_server.url
    tree = personas.tree
    # Two reserves already in the village, so the third makes it 3 (inside 3–7).
    b.training(personas, tree.village_a1)
    b.training(personas, tree.village_a1)
    number = make_id_number(date(1995, 6, 18))

    # Township officer: nomination form.
    _login(page, base, personas.officer_a)
    page.goto(base + "/reserves/new/")
    page.fill("#id_name", "周子豪")
    page.fill("#id_id_number", number)
    page.select_option("#id_education", "21")
    page.select_option("#id_village", str(tree.village_a1.pk))
    assert "该村现有后备干部 2 人" in page.inner_text("#village-count")
    page.select_option("#id_nomination_source", "3")
    page.fill("#id_current_occupation", "返乡创业青年")
    page.check("input[name=priority_group_choices][value='2']")
    page.click("text=保存草稿")
    page.wait_for_load_state()
    assert "草稿" in page.inner_text("[data-testid=stage]")
    person = Candidate.objects.get(id_number=number)
    assert person.sex == "1" and person.birth_date == date(1995, 6, 18)

    # Township inspection.
    page.click("text=录入考察测评")
    page.fill("#id_inspectors", "刘晓燕、镇纪委书记")
    for code in ["讲政治", "重品行", "测素能", "评表现", "访口碑"]:
        page.select_option(f"#id_criterion_{code}_rating", "好")
    page.select_option("#id_result", "recommended")
    page.fill("#id_opinion", "群众公认，同意推荐。")
    page.click("button:has-text('保存')")
    page.wait_for_load_state()

    # Submission of the village list: the live counter shows 3 once ticked.
    page.goto(base + "/reserves/submission/")
    card = page.locator(f"#village-{tree.village_a1.pk}")
    card.locator(f"input[value='{person.pk}']").check()
    assert "提交后 3 人" in card.locator("[data-village-count]").inner_text()
    card.get_by_role("button", name="提交县委组织部审查备案").click()
    page.wait_for_load_state()
    assert "已将茅井村 1 人提交" in page.content()

    # County staff: file it.
    _login(page, base, personas.county_staff)
    page.goto(f"{base}/reserves/{person.pk}/")
    page.fill("#id_file-opinion", "符合条件，同意备案。")
    _act(page, "审查备案，纳入培养序列")
    assert "培养中" in page.inner_text("[data-testid=stage]")

    # The cycle is two years: pretend it started long ago, with hours and appraisals on record.
    person.refresh_from_db()
    Candidate.objects.filter(pk=person.pk).update(
        training_start=date.today() - timedelta(days=740), training_end=date.today() - timedelta(days=10)
    )
    b.complete_cycle(personas, person)

    # Township officer: final inspection and committee decision.
    _login(page, base, personas.officer_a)
    page.goto(f"{base}/reserves/{person.pk}/")
    page.get_by_role("link", name="录入综合考察和使用意见", exact=True).click()
    page.fill("#id_summary", "培养期内表现优秀，综合考察合格。")
    page.select_option("#id_recommendation", "pool")
    _act(page, "录入综合考察和使用意见")
    page.get_by_role("link", name="录入乡镇党委审议结果", exact=True).click()
    page.fill("#id_opinion", "经镇党委会议审议，同意。")
    _act(page, "录入乡镇党委审议结果")
    assert "乡镇党委已审议" in page.inner_text("[data-testid=stage]")

    # County staff: file the inspection, admit to the pool, appoint.
    _login(page, base, personas.county_staff)
    page.goto(f"{base}/reserves/{person.pk}/")
    _act(page, "综合考察审核备案")
    page.get_by_role("link", name="纳入储备库", exact=True).click()
    page.fill("#id_direction", "村党组织书记人选")
    page.fill("#id_wishes", "希望留村发展茶叶产业")
    _act(page, "纳入储备库")
    assert "储备库" in page.inner_text("[data-testid=stage]")
    page.get_by_role("link", name="平时调整任用", exact=True).click()
    page.select_option("#id_post", "村（社区）党组织委员")
    page.fill("#id_appointed_on", (date.today() - timedelta(days=365)).isoformat())
    _act(page, "平时调整任用")
    assert "已任用" in page.inner_text("[data-testid=stage]")

    # First-year follow-up visit.
    page.get_by_role("link", name="录入首年度回访", exact=True).click()
    page.select_option("#id_result", "good")
    page.fill("#id_note", "履职尽责，群众满意。")
    _act(page, "录入首年度回访")
    timeline = page.inner_text("[data-testid=timeline]")
    for step in ["填报推荐", "提交县委组织部审查备案", "审查备案通过", "综合考察并提出使用意见", "乡镇党委审议通过", "综合考察审核备案", "纳入储备库", "任用", "首年度回访考察"]:
        assert step in timeline
    assert person.transitions.count() == 9
