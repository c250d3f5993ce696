"""继续培养 walked end to end in Chromium: the filed inspection recommends it, the county opens
the further period, the person trains and is appraised in it, is inspected again and enters
the pool — every step through the real pages."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from reserves.models import Appraisal, Candidate
from reserves.tests import builders as b
from reserves.tests.test_browser import _act, _login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_continue_training_from_the_filed_inspection_to_the_pool(page, live_server, personas):
    base = live_server.url
    person = b.ended_training(personas)

    # Township officer: the end-of-cycle inspection recommends 继续培养; the committee agrees.
    _login(page, base, personas.officer_a)
    page.goto(f"{base}/reserves/{person.pk}/")
    page.get_by_role("link", name="录入综合考察和使用意见", exact=True).click()
    page.fill("#id_summary", "表现较好，群众工作经验尚有不足。")
    page.select_option("#id_recommendation", "continue")
    _act(page, "录入综合考察和使用意见")
    page.get_by_role("link", name="录入乡镇党委审议结果", exact=True).click()
    page.check("input[name=decision][value=agree]")
    page.fill("#id_opinion", "同意继续培养一年。")
    _act(page, "录入乡镇党委审议结果")

    # County staff: file it; only 继续培养 is open, and it opens the further period.
    _login(page, base, personas.county_staff)
    page.goto(f"{base}/reserves/{person.pk}/")
    _act(page, "综合考察审核备案")
    assert page.get_by_role("link", name="纳入储备库", exact=True).count() == 0
    page.fill("#id_continue-opinion", "重点加强群众工作锻炼。")
    _act(page, "继续培养")
    assert "培养中" in page.inner_text("[data-testid=stage]")
    assert "继续培养期（第1次）" in page.inner_text("[data-testid=cycle]")
    assert "集中学习不少于 75 学时" in page.inner_text("[data-testid=further-training]")
    assert "/ 75 学时" in page.content()
    assert "继续培养" in page.inner_text("[data-testid=timeline]")

    # A year later: hours and the further period's appraisal are on record, the period has ended.
    person.refresh_from_db()
    Candidate.objects.filter(pk=person.pk).update(
        training_start=date.today() - timedelta(days=370), training_end=date.today() - timedelta(days=5)
    )
    b.give_hours(personas, person, Decimal("75"), day=date.today() - timedelta(days=60))  # sessions of at most 24 hours
    Appraisal.objects.create(candidate=person, cycle=2, year=1, appraised_on=date.today() - timedelta(days=10),
                             grade=b.grade("合格"), opinion="进步明显。")

    # Township officer: the second inspection recommends the pool; the committee agrees.
    _login(page, base, personas.officer_a)
    page.goto(f"{base}/reserves/{person.pk}/")
    assert "继续培养期（第1次）第一年" in page.content()
    page.get_by_role("link", name="录入综合考察和使用意见", exact=True).click()
    page.fill("#id_summary", "继续培养期内表现优秀，综合考察合格。")
    page.select_option("#id_recommendation", "pool")
    _act(page, "录入综合考察和使用意见")
    page.get_by_role("link", name="录入乡镇党委审议结果", exact=True).click()
    page.fill("#id_opinion", "同意纳入储备库。")
    _act(page, "录入乡镇党委审议结果")

    # County staff: file and admit.
    _login(page, base, personas.county_staff)
    page.goto(f"{base}/reserves/{person.pk}/")
    _act(page, "综合考察审核备案")
    page.get_by_role("link", name="纳入储备库", exact=True).click()
    page.fill("#id_direction", "村委会委员人选")
    _act(page, "纳入储备库")
    assert "储备库" in page.inner_text("[data-testid=stage]")
    timeline = page.inner_text("[data-testid=timeline]")
    assert timeline.count("综合考察并提出使用意见") == 2 and "继续培养" in timeline
    page.screenshot(path="/tmp/flow-a-further-training.png", full_page=True)
