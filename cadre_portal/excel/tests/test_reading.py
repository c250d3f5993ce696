"""Reading real office files and refusing hostile ones, below the views."""

from datetime import date

import pytest

from cadre_portal.excel.columns import CellError, parse_date
from cadre_portal.excel.reading import ExcelRejected, clean_text, precheck, read_table
from cadre_portal.excel.tests import files
from cadre_portal.excel.writing import cell_text, needs_quote

ALIASES = {"单位名称": "单位名称", "单位性质": "单位性质", "所在区划": "所在区划"}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("1990.05", date(1990, 5, 1)),
        ("1990-05-01", date(1990, 5, 1)),
        ("1990/5/1", date(1990, 5, 1)),
        ("1990年5月", date(1990, 5, 1)),
        ("1990年5月3日", date(1990, 5, 3)),
        ("199005", date(1990, 5, 1)),
        ("19900503", date(1990, 5, 3)),
        (199005, date(1990, 5, 1)),
        (1990.05, date(1990, 5, 1)),
        (32994, date(1990, 5, 1)),
        (date(1990, 5, 1), date(1990, 5, 1)),
    ],
)
def test_it_reads_dates_as_offices_write_them(text, expected):
    assert parse_date(text) == expected


def test_a_month_typed_as_a_number_that_loses_its_zero_is_refused():
    with pytest.raises(CellError, match="无法区分 1 月和 10 月"):
        parse_date(1990.1)


def test_it_normalises_full_width_and_inner_spaces():
    assert clean_text("\u3000张　 三 \u00a0") == "张 三"
    assert clean_text(421223.0) == "421223"


@pytest.mark.parametrize("value", ["=1+1", "==1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")'])
def test_every_formula_trigger_needs_the_quote_prefix(value):
    assert needs_quote(value)


def test_plain_text_needs_no_quote_and_nul_is_dropped_before_the_check():
    assert not needs_quote("张三") and not needs_quote("'=1") and not needs_quote("")
    assert cell_text("\0=1") == "=1" and needs_quote(cell_text("\0=1"))


def test_header_row_below_a_merged_title_with_blank_and_total_rows(tmp_path):
    path = files.write_xlsx(
        tmp_path / "units.xlsx",
        [
            [" 单位 名称 ", "单位性质（必填）", "*所在区划"],
            ["县教育局", "党政机关", "崇阳县"],
            [None, None, None],
            ["\u3000县卫健局 ", "党政机关", "崇阳县"],
            ["合计", "2", None],
        ],
        title="2026年单位名录",
    )
    table = read_table(path, {"单位名称": "单位名称", "单位性质": "单位性质", "所在区划": "所在区划"}, {"单位名称"})
    assert table.header_row == 2
    assert [r.number for r in table.rows] == [3, 5]
    assert table.rows[1].cells["单位名称"] == "\u3000县卫健局 "


def test_it_reads_old_xls_files(tmp_path):
    path = files.write_xls(tmp_path / "units.xls", [["单位名称", "单位性质", "所在区划"], ["县教育局", "党政机关", "崇阳县"]])
    assert precheck(path).kind == "xls"
    table = read_table(path, ALIASES, {"单位名称"})
    assert table.rows[0].cells["单位名称"] == "县教育局"


# Hostile files, by class, with the reading child's memory measured: test_hostile.py.


def test_an_oversized_file_is_refused_by_size(tmp_path, settings):
    settings.EXCEL_MAX_UPLOAD_BYTES = 1000
    path = files.write_xlsx(tmp_path / "big.xlsx", [["单位名称"]] + [[f"单位{i}"] for i in range(500)])
    with pytest.raises(ExcelRejected, match="超过上限"):
        precheck(path)


def test_a_sheet_reaching_past_the_row_cap_is_refused_before_parsing(tmp_path, settings):
    settings.EXCEL_MAX_ROWS = 10
    path = files.write_xlsx(tmp_path / "rows.xlsx", [["单位名称"]] + [[f"单位{i}"] for i in range(200)])
    with pytest.raises(ExcelRejected, match="上限 10 行"):
        precheck(path)


def test_more_data_rows_than_the_cap_are_refused(tmp_path, settings):
    settings.EXCEL_MAX_ROWS = 10
    path = files.write_xlsx(tmp_path / "rows.xlsx", [["单位名称"]] + [[f"单位{i}"] for i in range(50)])
    with pytest.raises(ExcelRejected, match="超过单次导入上限 10 行"):
        read_table(path, ALIASES, {"单位名称"})
