"""Reading office spreadsheets safely: a pre-check before any parser runs, then calamine.

``precheck(path)`` looks at the bytes only (magic number, zip directory,
the first bytes of each XML part, the row numbers of each worksheet) and
raises ``ExcelRejected`` with a Chinese message for anything that is not a
plain workbook of bounded size: an oversized upload, a renamed non-Excel
file, a password-protected (CFB-encrypted) file, a zip bomb, a DTD/entity
declaration (billion laughs, external entities), a sheet that claims or
reaches too many rows or columns. Only then ``read_table`` hands the file to
python-calamine (fast, reads ``.xls`` too) and finds the header row.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from django.conf import settings

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Stream names of an Office-encrypted package, as UTF-16LE in the CFB directory.
ENCRYPTION_MARKERS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))

MAX_ZIP_ENTRIES = 2000
# Uncompressed bytes of all parts together; a 50,000-row sheet is ~30-60 MB of XML.
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
# Spreadsheet XML compresses 10-30x; only a bomb reaches this.
MAX_COMPRESSION_RATIO = 200
RATIO_CHECK_MIN_BYTES = 1024 * 1024
MAX_COLUMNS = 200
# Title rows, notes and blank lines on top of the data rows.
ROW_SLACK = 100
HEADER_SCAN_ROWS = 20
CHUNK = 1024 * 1024

_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?\"")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"(\d+)\"")
# Any cell reference in a column of three or more letters (column AAA = 703 onwards).
_WIDE_CELL = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]{3,})\d+\"")
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)


class ExcelRejected(Exception):
    """The file is refused as a whole; the message is for the user (Chinese)."""


def max_rows() -> int:
    return int(getattr(settings, "EXCEL_MAX_ROWS", 50_000))


def max_bytes() -> int:
    return int(getattr(settings, "EXCEL_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def human_size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


@dataclass
class PrecheckResult:
    kind: str  # "xlsx" or "xls"
    rows: int  # the largest row count any sheet reaches (an upper bound of data rows)


def precheck(path) -> PrecheckResult:
    """Refuse hostile or unreadable files before a parser sees them. Bounded memory:
    parts are streamed in 1 MB chunks and never held whole."""
    path = Path(path)
    size = path.stat().st_size
    if size > max_bytes():
        raise ExcelRejected(f"文件大小为 {human_size(size)}，超过上限 {human_size(max_bytes())}，请拆分后分批导入。")
    if size == 0:
        raise ExcelRejected("文件是空的，请重新选择。")
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(CFB_MAGIC):
        return _precheck_cfb(path)
    if head.startswith(ZIP_MAGIC):
        return _precheck_xlsx(path, size)
    raise ExcelRejected("文件不是 Excel 工作簿（.xlsx 或 .xls），请用 Excel 或 WPS 另存为 .xlsx 后再上传。")


def _precheck_cfb(path: Path) -> PrecheckResult:
    """An old .xls, or an encrypted .xlsx (which is a CFB container)."""
    with path.open("rb") as fh:
        tail = b""
        while True:
            chunk = fh.read(CHUNK)
            if not chunk:
                break
            window = tail + chunk
            if any(marker in window for marker in ENCRYPTION_MARKERS):
                raise ExcelRejected("文件设置了打开密码（已加密），系统无法读取。请在 Excel/WPS 中取消密码后另存，再上传。")
            tail = chunk[-64:]
    # BIFF rows are bounded by the format (65,536 x 256); calamine reports a
    # FILEPASS (password-protected .xls) as an error that read_table turns into a message.
    # The row estimate (for choosing a background run) is ~100 bytes per row.
    return PrecheckResult(kind="xls", rows=min(65536, path.stat().st_size // 100))


def _precheck_xlsx(path: Path, size: int) -> PrecheckResult:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise ExcelRejected("文件已损坏或不是 Excel 工作簿，请用 Excel 或 WPS 重新另存为 .xlsx 后上传。") from None
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise ExcelRejected(f"文件内部包含 {len(infos)} 个部件，超出正常工作簿的范围，系统拒绝读取。")
        names = {info.filename for info in infos}
        if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
            raise ExcelRejected("文件不是 Excel 工作簿（可能是改了扩展名的 Word 文档或压缩包），请上传 .xlsx 或 .xls 文件。")
        total = sum(info.file_size for info in infos)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise ExcelRejected(
                f"文件解压后达 {human_size(total)}，超出上限 {human_size(MAX_UNCOMPRESSED_BYTES)}，疑似压缩炸弹，系统拒绝读取。"
            )
        for info in infos:
            if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
                raise ExcelRejected("文件的压缩比异常（疑似压缩炸弹），系统拒绝读取。")
        if any(info.flag_bits & 0x1 for info in infos):
            raise ExcelRejected("文件设置了密码，系统无法读取。请取消密码后另存，再上传。")
        most_rows = 0
        for info in infos:
            if not info.filename.endswith((".xml", ".rels", ".vml")):
                continue
            is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            most_rows = max(most_rows, _scan_part(zf, info, is_sheet))
    return PrecheckResult(kind="xlsx", rows=most_rows)


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, is_sheet: bool) -> int:
    """Stream one XML part: refuse DTDs anywhere in its prologue, and for a worksheet
    check the declared dimension, the highest row number and the widest column."""
    limit_rows = max_rows() + ROW_SLACK
    last_row = 0
    read = 0
    tail = b""
    try:
        with zf.open(info) as part:
            first = True
            while True:
                chunk = part.read(CHUNK)
                if not chunk:
                    break
                read += len(chunk)
                if read > info.file_size or read > MAX_UNCOMPRESSED_BYTES:
                    raise ExcelRejected("文件内部数据与声明的大小不符（疑似压缩炸弹），系统拒绝读取。")
                if first:
                    first = False
                    if _DTD.search(chunk[:8192]):
                        raise ExcelRejected("文件中含有 XML 实体声明（DOCTYPE/ENTITY），可能是恶意文件，系统拒绝读取。")
                    if is_sheet:
                        dim = _DIMENSION.search(chunk[:8192])
                        if dim and dim.group(4):
                            declared_rows = int(dim.group(4))
                            declared_cols = column_number(dim.group(3).decode())
                            if declared_rows > limit_rows:
                                raise ExcelRejected(
                                    f"工作表声明有 {declared_rows} 行，超过单次导入上限 {max_rows()} 行，请拆分后分批导入。"
                                )
                            if declared_cols > MAX_COLUMNS:
                                raise ExcelRejected(f"工作表声明有 {declared_cols} 列，超出正常范围（最多 {MAX_COLUMNS} 列），系统拒绝读取。")
                if not is_sheet:
                    continue
                window = tail + chunk
                rows = _ROW_NUMBER.findall(window)
                if rows:
                    last_row = max(last_row, int(rows[-1]))
                    if last_row > limit_rows:
                        raise ExcelRejected(
                            f"工作表的数据延伸到第 {last_row} 行（中间可能有大片空行），超过单次导入上限 {max_rows()} 行。"
                            "请删除多余的行后再上传。"
                        )
                wide = _WIDE_CELL.search(window)
                if wide and column_number(wide.group(1).decode()) > MAX_COLUMNS:
                    raise ExcelRejected(f"工作表中有数据位于很远的列（{wide.group(1).decode()} 列），超出正常范围，请删除多余的单元格后再上传。")
                tail = chunk[-256:]
    except zipfile.BadZipFile:
        raise ExcelRejected("文件已损坏（内部校验失败），请用 Excel 或 WPS 重新另存为 .xlsx 后上传。") from None
    except (NotImplementedError, RuntimeError):
        # An unsupported compression method or an encrypted zip entry.
        raise ExcelRejected("文件使用了不支持的压缩或加密方式，请用 Excel 或 WPS 重新另存为 .xlsx 后上传。") from None
    return last_row


# --- cell values ----------------------------------------------------------------

_SPACES = re.compile(r"[\s\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff]+")


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


TOTAL_MARKERS = ("合计", "总计", "小计", "共计")


def is_total_row(cells: list) -> bool:
    """A trailing 合计 row: its first non-empty cell starts with 合计/总计."""
    for cell in cells:
        text = header_key(cell)
        if text:
            return text.startswith(TOTAL_MARKERS)
    return False


# --- the table --------------------------------------------------------------------


@dataclass
class SheetRow:
    number: int  # 1-based row number as Excel shows it
    cells: dict[str, object]  # column header -> raw value


@dataclass
class Table:
    sheet: str
    header_row: int
    headers: dict[int, str]  # column index -> canonical header
    unknown_headers: list[str] = field(default_factory=list)
    rows: list[SheetRow] = field(default_factory=list)


SKIP_SHEETS = ("填写说明", "代码表", "说明", "下拉选项")


def read_table(path, header_aliases: dict[str, str], required: set[str]) -> Table:
    """Parse with calamine and return the data rows keyed by canonical header.

    ``header_aliases`` maps every accepted header spelling (already passed
    through ``header_key``) to its canonical header. The header row is the
    first row among the first 20 that carries all ``required`` headers (title
    rows and merged title cells above it are skipped). Blank rows and a
    trailing 合计 row are dropped.
    """
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types, one per format problem
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise ExcelRejected("文件设置了密码，系统无法读取。请取消密码后另存，再上传。") from None
        raise ExcelRejected("文件无法按 Excel 工作簿读取（可能已损坏或格式不对），请用 Excel 或 WPS 另存为 .xlsx 后上传。") from None
    try:
        candidates = []
        for meta in workbook.sheets_metadata:
            visible = str(getattr(meta, "visible", "visible")).lower()
            if "hidden" in visible or meta.name.strip() in SKIP_SHEETS:
                continue
            candidates.append(meta.name)
        if not candidates:
            raise ExcelRejected("工作簿中没有可导入的工作表。")
        best = None
        for name in candidates[:5]:
            try:
                sheet = workbook.get_sheet_by_name(name)
                data = sheet.to_python(skip_empty_area=False, nrows=max_rows() + ROW_SLACK + 1)
            except Exception:
                raise ExcelRejected("文件无法按 Excel 工作簿读取（可能已损坏或设置了密码），请用 Excel 或 WPS 另存为 .xlsx 后上传。") from None
            table = _locate(name, data, header_aliases, required)
            if table is not None:
                best = table
                break
        if best is None:
            need = "、".join(sorted(required))
            raise ExcelRejected(f"在工作表前 {HEADER_SCAN_ROWS} 行中找不到表头（应包含：{need}），请使用下载的模板填写。")
        if len(best.rows) > max_rows():
            raise ExcelRejected(f"文件有 {len(best.rows)} 行数据，超过单次导入上限 {max_rows()} 行，请拆分后分批导入。")
        return best
    finally:
        workbook.close()


def _locate(sheet: str, data: list, aliases: dict[str, str], required: set[str]) -> Table | None:
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
        if required <= set(headers.values()):
            table = Table(sheet=sheet, header_row=index + 1, headers=headers, unknown_headers=unknown)
            body = data[index + 1 :]
            # Drop trailing blank rows first so a 合计 row is recognised as the last one.
            end = len(body)
            while end and _blank_row(body[end - 1]):
                end -= 1
            if end and is_total_row(body[end - 1]):
                end -= 1
            for offset, cells in enumerate(body[:end]):
                if _blank_row(cells):
                    continue
                values = {header: (cells[col] if col < len(cells) else None) for col, header in headers.items()}
                table.rows.append(SheetRow(number=index + offset + 2, cells=values))
            return table
    return None


def is_blank_text(text: str) -> bool:
    """``not clean_text(text)`` for a string, without the regex when the first character
    is no space (``_SPACES`` also matches the zero-width space and BOM)."""
    return not text or ((text[0].isspace() or text[0] in "\u200b\ufeff") and not _SPACES.sub("", text))


def _blank_row(cells) -> bool:
    for cell in cells:
        if cell is None or cell == "":
            continue
        if type(cell) is str and is_blank_text(cell):
            continue
        return False
    return True
