"""In Chromium: the 卫健 officer adds a recruited doctor, attaches them to a 名医工作室 and
sees plan-versus-actual move; the 教育 officer gets a 404 on that doctor's page."""

from datetime import date

import pytest

from cadre_portal.testing import PASSWORD, make_id_number
from talents.models import Talent
from talents.tests import builders as b

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, user):
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def test_a_recruited_doctor_joins_a_studio_and_moves_the_plan(page, live_server, personas):
    base = live_server.url
    today = date.today()
    hospital = b.unit("medical", personas.tree.county)
    line = b.plan(personas, "medical", lines=[("“双一流”大学毕业生", "专项招引", 3)]).lines.get()
    studio = b.platform(personas, "medical", "doctor_studio", host=hospital, name="张振华心血管名医工作室")
    number = make_id_number(date(1996, 8, 9))

    _login(page, base, personas.medical_officer)
    page.goto(base + "/talents/plans/")
    assert page.inner_text(f"[data-testid=actual-{line.pk}]").strip() == "0"

    # The home page leads to the registry; the form asks for the recruitment only when recruited.
    page.goto(base + "/talents/")
    page.click("[data-testid=add-talent]")
    page.fill("#id_name", "林晓东")
    page.fill("#id_id_number", number)
    page.select_option("#id_category", label="“双一流”大学毕业生")
    page.select_option("#id_unit", str(hospital.pk))
    assert page.is_hidden("#workplace-fields")
    assert page.is_hidden("#recruitment-fields")
    page.select_option("#id_origin", "recruited")
    assert page.is_visible("#recruitment-fields")
    page.select_option("#id_channel", label="专项招引")
    page.fill("#id_recruited_on", today.isoformat())
    page.dispatch_event("#id_recruited_on", "change")
    # The plan line of that category, channel and year is offered by itself.
    assert page.input_value("#id_plan_line") == str(line.pk)
    page.fill("#id_d_department", "心血管内科")
    page.select_option("#id_d_practice", label="临床")
    page.click("button:has-text('保存')")
    page.wait_for_load_state()
    assert f"计入{today.year}年招引计划" in page.inner_text("[data-testid=origin]")
    doctor = Talent.objects.get(id_number=number)
    assert doctor.plan_line_id == line.pk and doctor.created_by == personas.medical_officer

    # Attach the doctor to the studio.
    page.goto(f"{base}/talents/platforms/{studio.pk}/")
    page.select_option("#id_talent", str(doctor.pk))
    page.select_option("#id_role", "core")
    page.click("button:has-text('加入平台')")
    page.wait_for_load_state()
    assert "林晓东" in page.inner_text("[data-testid=members]")
    page.goto(f"{base}/talents/{doctor.pk}/")
    assert "张振华心血管名医工作室" in page.inner_text("[data-testid=memberships]")

    # Plan versus actual moved.
    page.goto(base + "/talents/plans/")
    assert page.inner_text(f"[data-testid=actual-{line.pk}]").strip() == "1"
    assert page.inner_text("[data-testid=actual-total]").strip() == "1"

    # The education officer cannot open the doctor's page.
    _login(page, base, personas.domain_officer)
    response = page.goto(f"{base}/talents/{doctor.pk}/")
    assert response.status == 404
    assert "林晓东" not in page.content()


def test_a_status_move_through_the_folded_form(page, live_server, personas):
    base = live_server.url
    doctor = b.talent(personas, "medical", name="韩冰")
    _login(page, base, personas.medical_officer)
    page.goto(f"{base}/talents/{doctor.pk}/")
    page.click("[data-testid=move-lose] summary")
    page.fill("#id_lose-reason", "考取外地事业编制")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-testid=move-lose] button[type=submit]")
    page.wait_for_load_state()
    assert "流失" in page.inner_text("[data-testid=status]")
    assert "考取外地事业编制" in page.inner_text("[data-testid=timeline]")
