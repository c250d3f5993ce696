"""Writing workbooks with XlsxWriter: streamed exports and import templates.

* ``TextCells`` writes text that Excel/WPS would read as a formula (``=``, ``+``,
  ``-``, ``@``, tab, CR at the start — so ``==1+1``, ``=HYPERLINK(...)`` and a
  phone number ``+86…`` too) as a string cell whose format carries
  ``quote_prefix`` and the text number format ``@``: Excel, WPS and LibreOffice
  show it as typed, with no apostrophe, and keep it text — also when a user
  edits the cell (the cell is text-formatted, and the editor shows the quote).
  The value itself is unchanged, so an import reads back exactly what was
  exported. Numbers and dates stay typed.
* ``write_export`` streams rows in ``constant_memory`` mode into a temporary
  file: memory stays flat however many rows.
* ``write_template`` builds the import template: headers, a 填写说明 sheet,
  dropdowns (long lists on a hidden 代码表 sheet), text-formatted ID/date columns.
"""

from __future__ import annotations

import re
import tempfile
from datetime import date, datetime
from decimal import Decimal

import xlsxwriter
from django.utils import timezone

from cadre_portal.excel.columns import FORMULA_TRIGGERS

# Characters XML 1.0 cannot carry (XlsxWriter would write a broken file).
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
TEMPLATE_ROWS = 2000
INLINE_LIST_LIMIT = 240  # Excel's inline list source is capped at 255 characters


def cell_text(text: str) -> str:
    """``text`` without the control characters XML cannot carry (NUL and the like)."""
    return _XML_ILLEGAL.sub("", text)


def needs_quote(text: str) -> bool:
    """A spreadsheet would read this text as a formula (or a signed number) if typed."""
    return bool(text) and text[0] in FORMULA_TRIGGERS


# The format of a neutralised text cell: shown as typed, kept as text (quote prefix),
# and text-formatted so that re-entering it after an edit stays text too.
QUOTED = {"num_format": "@", "quote_prefix": True}


class TextCells:
    """The text cells of one workbook, written safe.

    Formats for text go through ``add_format`` so that each has a quoted twin (the same
    look plus ``QUOTED``), made once when first needed; ``write`` picks the twin for text
    that ``needs_quote``."""

    def __init__(self, workbook):
        self.workbook = workbook
        self._props: dict[int, dict] = {}
        self._twins: dict[int | None, object] = {}

    def add_format(self, props: dict | None = None):
        fmt = self.workbook.add_format(dict(props or {}))
        self._props[id(fmt)] = dict(props or {})
        return fmt

    def quoted(self, fmt=None):
        key = None if fmt is None else id(fmt)
        twin = self._twins.get(key)
        if twin is None:
            if key is not None and key not in self._props:
                raise ValueError("text formats must be made with TextCells.add_format")
            twin = self.workbook.add_format({**self._props.get(key, {}), **QUOTED})
            self._twins[key] = twin
        return twin

    def write(self, sheet, row, col, text: str, fmt=None) -> None:
        text = cell_text(text)
        if needs_quote(text):
            fmt = self.quoted(fmt)
        sheet.write_string(row, col, text, fmt)


def local_naive(value: datetime) -> datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


class CellWriter:
    """Writes one Python value with the right XlsxWriter method and format."""

    def __init__(self, workbook):
        self.texts = TextCells(workbook)
        self.text = self.texts.add_format({"num_format": "@"})
        self.date = workbook.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})

    def write(self, sheet, row, col, value):
        if type(value) is str:
            # The common case first. The column is already text-formatted (set_column),
            # so a string cell needs no format of its own. ``_write_string`` is
            # ``write_string`` without its A1-notation wrapper (a third of the time per
            # cell on 20,000-row exports); the arguments are always row/column numbers.
            if value:
                if value[0] in FORMULA_TRIGGERS or not value.isprintable():
                    self.texts.write(sheet, row, col, value)
                else:
                    sheet._write_string(row, col, value, None)
            return
        if value is None:
            return
        if isinstance(value, bool):
            sheet.write_string(row, col, "是" if value else "否")
        elif isinstance(value, (int, float, Decimal)):
            sheet.write_number(row, col, float(value))
        elif isinstance(value, datetime):
            sheet.write_datetime(row, col, local_naive(value), self.datetime)
        elif isinstance(value, date):
            sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), self.date)
        else:
            self.texts.write(sheet, row, col, str(value), self.text)


def _header_format(workbook):
    return workbook.add_format(
        {"bold": True, "bg_color": "#DCE6F1", "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
    )


def _set_columns(sheet, columns, text_fmt):
    for col, column in enumerate(columns):
        sheet.set_column(col, col, column.width, text_fmt if column.text_format else None)


PROGRESS_EVERY = 2000  # rows between two ``progress`` calls


def write_export(fileobj, resource, rows, *, sheet_name=None, progress=None) -> int:
    """Stream ``rows`` (lists of cell values) under the registry's headers. Returns the row count.
    ``progress(rows_written)`` is called every ``PROGRESS_EVERY`` rows when given."""
    workbook = xlsxwriter.Workbook(fileobj, {"constant_memory": True, "strings_to_formulas": False,
                                              "strings_to_urls": False, "strings_to_numbers": False})
    columns = resource.export_columns()
    sheet = workbook.add_worksheet(sheet_name or resource.title[:31])
    writer = CellWriter(workbook)
    _set_columns(sheet, columns, writer.text)
    header = _header_format(workbook)
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.header, header)
    sheet.freeze_panes(1, 0)
    n = 0
    write_string = sheet._write_string  # see CellWriter.write
    for n, cells in enumerate(rows, start=1):
        for col, value in enumerate(cells):
            # Plain text inline (most cells); everything else through the typed writer.
            if type(value) is str and value and value[0] not in FORMULA_TRIGGERS and value.isprintable():
                write_string(n, col, value, None)
            elif value is not None:
                writer.write(sheet, n, col, value)
        if progress is not None and not n % PROGRESS_EVERY:
            progress(n)
    workbook.close()
    return n


def write_template(fileobj, resource) -> None:
    """The import template of a registry for the acting user (dropdowns are scoped)."""
    workbook = xlsxwriter.Workbook(fileobj, {"strings_to_formulas": False, "strings_to_urls": False,
                                              "strings_to_numbers": False})
    columns = resource.import_columns()
    ctx = resource.ctx
    sheet = workbook.add_worksheet(resource.title[:31])
    notes = workbook.add_worksheet("填写说明")
    lists = workbook.add_worksheet("代码表")
    writer = CellWriter(workbook)
    header = _header_format(workbook)
    required_header = workbook.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "border": 1, "align": "center", "valign": "vcenter", "font_color": "#C00000"}
    )
    _set_columns(sheet, columns, writer.text)
    sheet.freeze_panes(1, 0)
    list_col = 0
    for col, column in enumerate(columns):
        sheet.write_string(0, col, column.header, required_header if column.required else header)
        options = column.dropdown(ctx)
        if not options:
            continue
        inline = ",".join(options)
        validation = {
            "validate": "list",
            "error_title": "输入值无效",
            "error_message": f"请从下拉列表中选择{column.header}。",
            "error_type": "warning",
        }
        if len(inline) <= INLINE_LIST_LIMIT and "," not in "".join(options):
            validation["source"] = options
        else:
            lists.write_string(0, list_col, column.header)
            for i, option in enumerate(options, start=1):
                writer.texts.write(lists, i, list_col, option)
            letter = xlsxwriter.utility.xl_col_to_name(list_col)
            validation["source"] = f"=代码表!${letter}$2:${letter}${len(options) + 1}"
            list_col += 1
        sheet.data_validation(1, col, TEMPLATE_ROWS, col, validation)
    lists.hide()

    bold = workbook.add_format({"bold": True})
    wrap = writer.texts.add_format({"text_wrap": True, "valign": "top"})
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 2, 90, wrap)
    notes.write_string(0, 0, f"{resource.title}导入模板填写说明", bold)
    lines = [
        "1. 请在第一个工作表中逐行填写，第一行为表头，请勿修改表头文字；标红的列为必填项。",
        "2. 身份证号码、日期列已设为文本格式；如从其他表格粘贴，请“选择性粘贴 → 数值”，不要粘贴为数字。",
        "3. 带下拉箭头的列请从下拉列表选择，也可填写对应的代码。",
        "4. 导入时先预览：有任何一行出错，整个文件都不会写入；请按提示的行号和列修改后重新上传。",
        "5. 不需要填写编号/ID 列，系统不会读取此类列。",
    ]
    if resource.import_note:
        lines.append(f"6. {resource.import_note}")
    for i, line in enumerate(lines, start=1):
        notes.write_string(i, 0, line)
    start = len(lines) + 2
    notes.write_string(start, 0, "列名", header)
    notes.write_string(start, 1, "是否必填", header)
    notes.write_string(start, 2, "填写要求", header)
    for i, column in enumerate(columns, start=start + 1):
        notes.write_string(i, 0, column.header)
        notes.write_string(i, 1, "必填" if column.required else "选填")
        writer.texts.write(notes, i, 2, column.describe(ctx) or "—", wrap)
    workbook.close()


def temporary_file():
    """A spooled temporary file (deleted when closed) to write a workbook into."""
    return tempfile.TemporaryFile(prefix="excel-", suffix=".xlsx")
