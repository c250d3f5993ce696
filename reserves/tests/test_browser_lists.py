"""County-scale pages in Chromium: a village's list filed in one batch (with an
exception), the queue moving on; the roster sorted and paged with its filters."""

import pytest

from cadre_portal.testing import PASSWORD
from reserves import workflow
from reserves.models import Candidate
from reserves.tests import builders as b

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = Candidate.Stage


def _login(page, base, user):
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def _submit(personas, village, names):
    people = [b.draft(personas, village, name=n) for n in names]
    workflow.submit_nominations(candidates=people, by=b.officer_for(personas, people[0]), reason="测试")
    return people


def test_county_staff_file_a_village_in_one_batch_and_move_on(page, live_server, personas):
    base, tree = live_server.url, personas.tree
    first = _submit(personas, tree.village_a1, ["周一", "吴二", "郑三", "王四"])
    second = _submit(personas, tree.village_a2, ["冯五"])
    _login(page, base, personas.county_staff)

    page.get_by_role("link", name="按村批量办理").click()
    assert "茅井村" in page.inner_text("[data-testid=queue-table]")
    page.get_by_test_id("start-queue").click()
    assert "第 1 / 2 个村" in page.inner_text("[data-testid=queue-position]")
    assert "已选 4 人：审查备案，纳入培养序列 4 人" in page.inner_text("[data-batch-count]")

    # One exception: 郑三 is returned with a reason; the running count follows.
    row = page.locator("[data-person]", has_text="郑三")
    row.locator("select").select_option("return")
    row.locator("input[type=text]").fill("缺少群众评议材料")
    assert "退回乡镇修改 1 人" in page.inner_text("[data-batch-count]")
    page.fill("#id_opinion", "同意备案")
    page.get_by_test_id("batch-submit").click()
    page.wait_for_load_state()

    # On to the next village in the queue.
    assert "大岭村" in page.inner_text("h2.page-title")
    assert "已办理 4 人" in page.inner_text(".page-body")
    stages = dict(Candidate.objects.filter(pk__in=[p.pk for p in first]).values_list("name", "stage"))
    assert stages == {"周一": S.TRAINING, "吴二": S.TRAINING, "郑三": S.RETURNED, "王四": S.TRAINING}

    # A refused batch (return without a reason) changes nobody and says why.
    page.get_by_label("退回乡镇修改").check()
    page.get_by_test_id("batch-submit").click()
    page.wait_for_load_state()
    assert "请填写退回理由" in page.inner_text("[data-testid=batch-error]")
    assert Candidate.objects.get(pk=second[0].pk).stage == S.SUBMITTED


def test_the_roster_sorts_and_pages_with_its_filters(page, live_server, personas):
    base, tree = live_server.url, personas.tree
    for i in range(55):
        b.draft(personas, tree.village_a1, name=f"张{i:02d}", inspected=False)
    b.draft(personas, tree.village_a2, name="艾青", inspected=False)
    _login(page, base, personas.officer_a)
    page.goto(base + "/reserves/")
    page.select_option("#id_village", str(tree.village_a1.pk))
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state()
    page.locator("a[title='按姓名排序']").click()
    page.wait_for_load_state()
    assert "第 1–50 条，共 55 条" in page.inner_text("[data-testid=list-count]")
    first_page = page.inner_text("[data-testid=candidate-table] tbody")
    page.get_by_role("link", name="下一页").click()
    page.wait_for_load_state()
    assert "第 51–55 条，共 55 条" in page.inner_text("[data-testid=list-count]")
    rest = page.inner_text("[data-testid=candidate-table] tbody")
    assert "艾青" not in first_page + rest and "张54" in rest and "张54" not in first_page
    href = page.get_by_test_id("export-button").get_attribute("href")
    assert f"village={tree.village_a1.pk}" in href and "sort=name" in href and "after" not in href


def test_a_session_for_named_trainees_and_its_attendance_by_village(page, live_server, personas):
    from datetime import date, timedelta

    from reserves.models import Attendance, TrainingSession

    base, tree = live_server.url, personas.tree
    start = date.today() - timedelta(days=30)
    for village, names in ((tree.village_a1, ["张三", "李四"]), (tree.village_b1, ["王五", "赵六"])):
        for n in names:
            b.training(personas, village, start=start, name=n)
    _login(page, base, personas.county_staff)
    page.goto(base + "/reserves/training/new/")
    assert not page.locator("[data-picker-list]").is_visible()
    page.uncheck("#id_for_all")
    assert page.locator("[data-picker-list]").is_visible()
    page.fill("#id_date", date.today().isoformat())
    page.fill("#id_topic", "村级财务管理")
    page.fill("#id_hours", "6")
    page.select_option("#id_subject", "guidance")
    page.select_option("#id_teacher_kind", "secretary")
    page.select_option("[data-filter-township]", str(tree.township_b.pk))
    assert page.locator("[data-picker-row]:visible").count() == 2
    page.fill("[data-filter-q]", "ww")
    page.locator("[data-picker-row]:visible input").check()
    assert "已选 1 人" in page.inner_text("[data-testid=picker-count]")
    page.get_by_role("button", name="保存").click()
    page.wait_for_load_state()
    session = TrainingSession.objects.get(topic="村级财务管理")
    assert list(session.trainees.values_list("name", flat=True)) == ["王五"]

    # Attendance: only the invited trainee is listed; saving the block records it.
    assert "应到 1 人" in page.inner_text("[data-testid=attendance-total]")
    page.locator("[data-attendance-block] input[name=candidates]").check()
    assert "已勾选 1 人" in page.inner_text("[data-testid=attendance-running]")
    page.get_by_role("button", name="保存沙坪村出勤").click()
    page.wait_for_load_state()
    assert "到课 1 人" in page.inner_text(".page-body")
    assert list(Attendance.objects.values_list("candidate__name", flat=True)) == ["王五"]

    # Unticking asks before taking the hours away.
    page.locator("[data-attendance-block] input[name=candidates]").uncheck()
    page.get_by_role("button", name="保存沙坪村出勤").click()
    page.wait_for_load_state()
    assert "王五" in page.inner_text("[data-testid=removing]") and Attendance.objects.count() == 1
    page.get_by_role("button", name="确认移除并保存").click()
    page.wait_for_load_state()
    assert Attendance.objects.count() == 0
