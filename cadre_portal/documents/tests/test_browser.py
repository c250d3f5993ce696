"""The issue's "done when", in Chromium: county staff open a bank member, print the 任免审批表
(both pages, every field in place), download the .docx and the .lrmx, import the .lrmx back
and see 无变化. Screenshots go to docs/screenshots/ when DOCUMENTS_SCREENSHOTS is set."""

import io
import os
import re
from pathlib import Path

import pytest
from docx import Document

from cadre_portal.documents import lrmx
from cadre_portal.documents.testing import long_resume
from cadre_portal.testing import PASSWORD, make_unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"
MM = 96 / 25.4  # CSS pixels per millimetre

# Every data-field of the print view that the full cadre fills (page 1, then page 2).
FILLED = ["name", "sex", "birth", "ethnicity", "native_place", "birth_place", "party_join", "work_start", "health",
          "professional_title", "specialty", "fulltime_education", "fulltime_school", "inservice_education",
          "inservice_school", "current_post", "proposed_post", "proposed_removal", "resume", "rewards", "assessments",
          "reason", "reporting_unit", "filled_by", "filled_on"]


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EXCEL_IMPORT_DIR = tmp_path / "imports"


def _login(page, base, user):
    page.context.clear_cookies()
    page.goto(base + "/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/")


def _shot(page, name):
    if os.environ.get("DOCUMENTS_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def test_county_staff_print_download_and_import_back_a_bank_members_form(page, live_server, personas, tmp_path):
    from youth_cadres.tests.rmb_builders import full_cadre, round_with

    base = live_server.url
    cadre = full_cadre(make_unit("崇阳县天城镇人民政府", personas.tree.township_a))
    round_with([cadre])
    _login(page, base, personas.county_staff)

    # The bank member's page, then its 任免审批表 (a new tab).
    page.goto(f"{base}/youth/{cadre.pk}/")
    with page.context.expect_page() as opened:
        page.get_by_test_id("rmb-print-link").click()
    sheet = opened.value
    sheet.wait_for_selector("body[data-rmb-ready]")

    # Both pages are A4 sheets, every filled field shows text, the photo is loaded.
    for testid in ("rmb-page-1", "rmb-page-2"):
        box = sheet.get_by_test_id(testid).bounding_box()
        assert abs(box["width"] - 210 * MM) < 2 and abs(box["height"] - 297 * MM) < 2
    empty = [name for name in FILLED if not sheet.locator(f"[data-field={name}]").first.inner_text().strip()]
    assert empty == []
    assert sheet.locator("[data-field=family-row]").count() == 7
    assert sheet.evaluate("document.querySelector('[data-field=photo] img').naturalWidth") > 0
    assert sheet.evaluate("(() => { const b = document.querySelector('.rmb-resume'); return b.scrollHeight <= b.clientHeight + 1 })()")
    _shot(sheet, "rmb_print.png")

    # Printed, it is exactly two pages.
    sheet.emulate_media(media="print")
    pdf = sheet.pdf(format="A4", prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 2
    sheet.emulate_media(media="screen")

    # The .docx and the .lrmx.
    with sheet.expect_download() as download:
        sheet.get_by_test_id("download-docx").click()
    doc = Document(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert len(doc.tables) == 2 and cadre.name in doc.tables[0].cell(0, 1).text
    with sheet.expect_download() as download:
        sheet.get_by_test_id("download-lrmx").click()
    exported = tmp_path / download.value.suggested_filename
    download.value.save_as(exported)
    assert exported.suffix == ".lrmx" and lrmx.validate_against_schema(exported.read_bytes()) == []

    # Imported back: 无变化.
    sheet.goto(f"{base}/documents/lrmx/youth/import/")
    sheet.set_input_files("input[type=file]", str(exported))
    sheet.get_by_test_id("upload-button").click()
    sheet.wait_for_load_state()
    assert sheet.get_by_test_id("file-status").inner_text() == "无变化"
    assert "无变化" in sheet.get_by_test_id("job-message").inner_text()
    assert sheet.get_by_test_id("confirm-button").count() == 0
    _shot(sheet, "rmb_import_unchanged.png")


def test_a_long_resume_is_fitted_to_its_cell_and_continued(page, live_server, personas):
    from youth_cadres.models import ResumeEntry
    from youth_cadres.tests.rmb_builders import full_cadre

    cadre = full_cadre(make_unit("崇阳县天城镇人民政府", personas.tree.township_a))
    for line in long_resume(45):
        ResumeEntry.objects.create(cadre=cadre, start=line.start, end=line.end, text=line.text)
    _login(page, live_server.url, personas.county_staff)
    page.goto(f"{live_server.url}/documents/rmb/youth/{cadre.pk}/")
    page.wait_for_selector("body[data-rmb-ready]")
    boxes = page.locator(".rmb-resume")
    assert boxes.count() >= 2  # page 1 and a continuation page
    for i in range(boxes.count()):
        assert boxes.nth(i).evaluate("b => b.scrollHeight <= b.clientHeight + 1")
    assert page.get_by_test_id("rmb-page-2").is_visible()
    _shot(page, "rmb_print_long_resume.png")
