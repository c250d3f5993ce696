"""Issue 9's done-when in Chromium: one interview raising a housing demand, its follow-up
to 已解决, a leave intention that ends as retained; the workbench shows the figures."""

from datetime import date, timedelta

import pytest

from cadre_portal.testing import PASSWORD, make_unit_contacts
from youth_cadres.retention.models import CareRecord, Demand
from youth_cadres.retention.tests.builders import category, youth_care

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


def test_an_interview_raising_a_housing_demand_followed_to_resolved_and_a_leave_intention_retained(
        page, live_server, personas, tmp_path):
    base = live_server.url
    contacts = make_unit_contacts(personas.tree)
    staff = personas.county_staff
    care = youth_care(personas, contacts.unit_b, name="林思远", entered_on=date.today() - timedelta(days=200))
    today = date.today().isoformat()

    _login(page, base, staff)
    # The young cadre's page carries the retention section; open the care page from it.
    page.goto(f"{base}/youth/{care.cadre_id}/")
    page.click("[data-testid=retention-link]")
    page.click("[data-testid=add-interview]")
    page.fill("#id_held_on", today)
    page.select_option("#id_interviewer", str(staff.pk))
    page.check("#id_unit_heard")
    page.fill("#id_unit_opinion", "单位反映该同志工作扎实，家住市区。")
    page.fill("#id_state_of_mind", "工作积极，但长期租房，有到市区工作的想法。")
    page.select_option("#id_intention", "wants_to_leave")
    page.select_option("#id_demand_category", str(category("housing").pk))
    page.fill("#id_demand_content", "希望解决乡镇周转房。")
    page.select_option("#id_demand_owner", str(staff.pk))
    page.fill("#id_demand_due_on", (date.today() + timedelta(days=30)).isoformat())
    _submit(page)
    assert "有离开意向" in page.inner_text("[data-testid=retention-summary]")
    page.screenshot(path=str(tmp_path / "care.png"), full_page=True)

    # The demand: a dated note, then closing without a resolution is refused, then 已解决.
    page.click("[data-testid=demands] a")
    page.click("[data-testid=demand-note]")
    page.fill("#id_note", "已与镇政府对接，周转房正在腾退。")
    _submit(page)
    assert "办理中" in page.inner_text("[data-testid=demand-status]")
    page.click("[data-testid=demand-resolve]")
    _submit(page)
    assert "办结诉求时请填写办理结果" in page.content()
    page.fill("#id_resolution", "已安排周转房一套。")
    _submit(page)
    assert "已解决" in page.inner_text("[data-testid=demand-status]")
    assert Demand.objects.get().status == "resolved"

    # The leave intention ends as retained.
    page.goto(f"{base}/retention/people/{care.pk}/")
    page.click("[data-testid=retain]")
    page.fill("#id_note", "解决住房后表示安心在乡镇工作。")
    _submit(page)
    assert "已留下" in page.inner_text("[data-testid=outcome]")
    assert CareRecord.objects.get().outcome == "retained"

    # The workbench reads the figures off for a date range.
    page.goto(f"{base}/retention/?period=range&from={date.today().year - 1}-01-01&to={today}")
    figures = page.inner_text("[data-testid=retention-figures]")
    assert "解决住房问题" in figures and "有意离开后被留下的干部" in figures
    assert page.inner_text("[data-figure='retention.housing_solved']") == "1"
    assert page.inner_text("[data-figure='retention.retained']") == "1"
    page.screenshot(path=str(tmp_path / "workbench.png"), full_page=True)
