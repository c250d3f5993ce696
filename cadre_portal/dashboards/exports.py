"""Excel exports of dashboard tables and of the report's figures.

Small workbooks (a table of a few hundred cells), written with XlsxWriter in
memory; text cells go through the Excel machinery's ``TextCells`` (text a spreadsheet
would read as a formula is a quote-prefixed text cell). Every
export is audited. Numbers only — no personal data leaves through here.
"""

from __future__ import annotations

import io
from urllib.parse import quote

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

from cadre_portal.audit import record
from cadre_portal.excel.writing import TextCells
from cadre_portal.models import AuditEvent

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe_sheet_name(title: str) -> str:
    for ch in "[]:*?/\\":
        title = title.replace(ch, " ")
    return title[:31] or "Sheet1"


def _write(texts, sheet, row, col, value, fmt=None):
    if value is None:
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        sheet.write_number(row, col, value, fmt)
    else:
        from decimal import Decimal

        if isinstance(value, Decimal):
            sheet.write_number(row, col, float(value), fmt)
        else:
            texts.write(sheet, row, col, str(value), fmt)


def table_workbook(*, title: str, table: dict, period, scope: str) -> bytes:
    """One table with its title, period, scope and the time it was generated."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    texts = TextCells(book)
    sheet = book.add_worksheet(_safe_sheet_name(title))
    bold = texts.add_format({"bold": True, "font_size": 14})
    head = texts.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "align": "center", "text_wrap": True})
    cell = texts.add_format({"border": 1})
    foot = texts.add_format({"bold": True, "border": 1, "bg_color": "#F2F2F2"})
    texts.write(sheet, 0, 0, title, bold)
    sheet.write_string(1, 0, f"统计期间：{period.label}")
    sheet.write_string(2, 0, f"数据范围：{scope}")
    sheet.write_string(3, 0, f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}")
    start = 5
    for col, name in enumerate(table["header"]):
        texts.write(sheet, start, col, str(name), head)
    for r, row in enumerate(table["rows"], start=start + 1):
        for col, value in enumerate(row):
            _write(texts, sheet, r, col, value, cell)
    if table.get("total"):
        r = start + 1 + len(table["rows"])
        for col, value in enumerate(table["total"]):
            _write(texts, sheet, r, col, value, foot)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, max(1, len(table["header"]) - 1), 14)
    book.close()
    return buffer.getvalue()


def figures_workbook(*, title: str, rows: list[dict], period, scope: str) -> bytes:
    """The report's figures as one sheet: figure, value, unit, period, scope, generated at."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    texts = TextCells(book)
    sheet = book.add_worksheet("指标")
    head = book.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "align": "center"})
    generated = f"{timezone.localtime():%Y-%m-%d %H:%M}"
    header = ["序号", "指标", "指标代码", "数值", "单位", "统计期间", "数据范围", "生成时间", "说明"]
    for col, name in enumerate(header):
        sheet.write_string(0, col, name, head)
    for r, row in enumerate(rows, start=1):
        values = [r, row["label"], row["key"], row["value"], row["unit"], row.get("period") or period.label, scope, generated, row.get("note", "")]
        for col, value in enumerate(values):
            _write(texts, sheet, r, col, value)
    sheet.set_column(0, 0, 6)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 2, 34)
    sheet.set_column(3, 4, 10)
    sheet.set_column(5, 6, 30)
    sheet.set_column(7, 7, 18)
    sheet.set_column(8, 8, 30)
    book.close()
    return buffer.getvalue()


def attachment(content: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def table_response(request, *, title: str, table: dict, period, scope: str) -> HttpResponse:
    content = table_workbook(title=title, table=table, period=period, scope=scope)
    record(AuditEvent.Kind.EXPORT, user=request.user, request=request, summary=f"导出统计表：{title}（{period.span}）")
    return attachment(content, f"{title}-{timezone.localdate():%Y%m%d}.xlsx")
