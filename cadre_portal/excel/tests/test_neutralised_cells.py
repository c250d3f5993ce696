"""Text a spreadsheet would evaluate (issue 14 item 7): exported as typed, as a text cell
that Excel, WPS and LibreOffice show without an apostrophe and never evaluate.

Read back with openpyxl (the cell's value, type and style) and with LibreOffice itself
(``soffice --headless``: what a user sees, and what survives LibreOffice saving the file)."""

import csv
import io
import shutil
import subprocess

import pytest
import xlsxwriter
from django.urls import reverse
from openpyxl import load_workbook

from cadre_portal.dashboards.exports import table_workbook
from cadre_portal.excel.writing import TextCells
from cadre_portal.models import Unit, User

HOSTILE = ["=1+1", "==1+1", '=HYPERLINK("http://evil.example","点我")', "+8613812345678", "-5", "@SUM(A1)", "=cmd|' /C calc'!A0"]
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def export_units(client, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(b"".join(client.get(reverse("excel:export", args=["units"])).streaming_content))
    return path


def libreoffice(args, tmp_path):
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", *args],
        check=True, capture_output=True, timeout=180, cwd=tmp_path,
    )


@pytest.fixture
def hostile_units(personas):
    for i, name in enumerate(["正常单位", *HOSTILE], start=1):
        Unit.objects.create(name=name, kind="party_gov", region=personas.tree.county, sort_order=i)


def test_a_phone_number_with_a_plus_is_written_as_typed_and_kept_text(personas, login, tmp_path):
    User.objects.filter(pk=personas.officer_a.pk).update(phone="+8613812345678")
    path = tmp_path / "users.xlsx"
    path.write_bytes(b"".join(login(personas.admin).get(reverse("excel:export", args=["users"])).streaming_content))
    sheet = load_workbook(path).worksheets[0]
    phone = next(row[5] for row in sheet.iter_rows(min_row=2) if row[0].value == personas.officer_a.username)
    assert (phone.value, phone.data_type, phone.quotePrefix) == ("+8613812345678", "s", True)


def test_the_quoted_twin_keeps_the_look_of_its_format():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    texts = TextCells(book)
    sheet = book.add_worksheet("s")
    bold = texts.add_format({"bold": True, "border": 1})
    texts.write(sheet, 0, 0, "=1+1", bold)
    texts.write(sheet, 1, 0, "普通", bold)
    book.close()
    quoted, plain = load_workbook(buffer).active["A1"], load_workbook(buffer).active["A2"]
    assert (quoted.value, quoted.quotePrefix, quoted.font.b, quoted.border.left.style) == ("=1+1", True, True, "thin")
    assert (plain.quotePrefix, plain.font.b) == (False, True)


def test_a_format_not_made_through_text_cells_is_refused_rather_than_losing_its_look():
    book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    with pytest.raises(ValueError):
        TextCells(book).write(book.add_worksheet("s"), 0, 0, "=1", book.add_format({"bold": True}))


def test_dashboard_tables_quote_formula_like_labels_too():
    class Period:
        label = "2026年"

    content = table_workbook(title="=标题", table={"header": ["村", "人数"], "rows": [["+86村", 3]]}, period=Period, scope="全县")
    sheet = load_workbook(io.BytesIO(content)).active
    assert (sheet["A1"].value, sheet["A1"].quotePrefix) == ("=标题", True)
    assert (sheet["A7"].value, sheet["A7"].quotePrefix, sheet["B7"].value) == ("+86村", True, 3)


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed here; CI installs libreoffice-calc-nogui and runs this")
def test_libreoffice_shows_the_text_as_typed_and_evaluates_nothing(personas, login, hostile_units, tmp_path):
    path = export_units(login(personas.admin), tmp_path)
    libreoffice(["--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "csv"), str(path)], tmp_path)
    with open(tmp_path / "csv" / "units.csv", encoding="utf-8") as fh:
        names = [row[0] for row in csv.reader(fh)][1:]
    # A formula would show its result ("2", "#NAME?"); an apostrophe would show as typed.
    assert names == ["正常单位", *HOSTILE]


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed here; CI installs libreoffice-calc-nogui and runs this")
def test_the_cells_stay_text_after_libreoffice_saves_the_file(personas, login, hostile_units, tmp_path):
    path = export_units(login(personas.admin), tmp_path)
    libreoffice(["--convert-to", "xlsx", "--outdir", str(tmp_path / "saved"), str(path)], tmp_path)
    sheet = load_workbook(tmp_path / "saved" / "units.xlsx").worksheets[0]
    cells = [row[0] for row in sheet.iter_rows(min_row=2, max_col=1)]
    assert [c.value for c in cells] == ["正常单位", *HOSTILE]
    # Text-formatted: whatever is typed into these cells again stays text.
    assert all((c.data_type, c.number_format) == ("s", "@") for c in cells[1:])
