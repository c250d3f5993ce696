"""Cells and header rows of a parsed sheet (no Django: also used inside the reading sandbox).

``locate`` finds the header row among the first rows of a sheet and returns the data
rows keyed by column, dropping blank rows and a trailing 合计 row.
"""

from __future__ import annotations

import re
from datetime import date, datetime

_SPACES = re.compile(r"[\s\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff]+")
HEADER_SCAN_ROWS = 20
TOTAL_MARKERS = ("合计", "总计", "小计", "共计")
SKIP_SHEETS = ("填写说明", "代码表", "说明", "下拉选项")


def clean_text(value) -> str:
    """A cell as trimmed text: full-width and non-breaking spaces count as spaces,
    runs of inner spaces collapse to one, integral floats lose their ``.0``."""
    if type(value) is str:  # the common case first
        return _SPACES.sub(" ", value).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return _SPACES.sub(" ", str(value)).strip()


def header_key(value) -> str:
    """A header cell reduced for matching: no spaces at all, no required-marks."""
    text = _SPACES.sub("", clean_text(value))
    for mark in ("（必填）", "(必填)", "*", "＊"):
        text = text.replace(mark, "")
    return text


def is_total_row(cells: list) -> bool:
    """A trailing 合计 row: its first non-empty cell starts with 合计/总计."""
    for cell in cells:
        text = header_key(cell)
        if text:
            return text.startswith(TOTAL_MARKERS)
    return False


def is_blank_text(text: str) -> bool:
    """``not clean_text(text)`` for a string, without the regex when the first character
    is no space (``_SPACES`` also matches the zero-width space and BOM)."""
    return not text or ((text[0].isspace() or text[0] in "\u200b\ufeff") and not _SPACES.sub("", text))


def blank_row(cells) -> bool:
    for cell in cells:
        if cell is None or cell == "":
            continue
        if type(cell) is str and is_blank_text(cell):
            continue
        return False
    return True


def locate(data: list, aliases: dict, required: set):
    """The header row of ``data`` (the first of the first 20 rows carrying every
    ``required`` header) and the data rows below it, or None.

    Returns a plain dict (it crosses the sandbox's pipe): ``header_row`` (1-based),
    ``headers`` {column index: canonical header}, ``unknown`` (headers not in
    ``aliases``), ``rows`` [(row number, [cells in the order of ``headers``])]."""
    for index, row in enumerate(data[:HEADER_SCAN_ROWS]):
        headers: dict[int, str] = {}
        unknown: list[str] = []
        for col, cell in enumerate(row):
            key = header_key(cell)
            if not key:
                continue
            canonical = aliases.get(key)
            if canonical and canonical not in headers.values():
                headers[col] = canonical
            else:
                unknown.append(key)
        if not required <= set(headers.values()):
            continue
        body = data[index + 1:]
        # Drop trailing blank rows first so a 合计 row is recognised as the last one.
        end = len(body)
        while end and blank_row(body[end - 1]):
            end -= 1
        if end and is_total_row(body[end - 1]):
            end -= 1
        columns = list(headers)
        rows = []
        for offset, cells in enumerate(body[:end]):
            if blank_row(cells):
                continue
            width = len(cells)
            rows.append((index + offset + 2, [cells[col] if col < width else None for col in columns]))
        return {"header_row": index + 1, "headers": headers, "unknown": unknown, "rows": rows}
    return None
