"""Builders of office and hostile spreadsheet files for the tests (and the bench)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import Workbook

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
SHEET_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def write_xlsx(path, rows, *, title=None, merge_title=True, text_columns=()) -> Path:
    """An office-style workbook: optional title row (merged across the columns) above the header."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    width = max((len(r) for r in rows), default=1)
    if title:
        ws.append([title])
        if merge_title and width > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for row in rows:
        ws.append(list(row))
    for col in text_columns:
        for cell in ws.iter_cols(min_col=col, max_col=col):
            for c in cell:
                c.number_format = "@"
    wb.save(path)
    return Path(path)


def write_xls(path, rows) -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                ws.write(r, c, value)
    wb.save(str(path))
    return Path(path)


def _raw_xlsx(path, sheet_xml: str, *, extra: dict | None = None, compress=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compress) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return Path(path)


def _cell(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def forged_dimension(path) -> Path:
    """1.6 KB that claims a million rows in <dimension>."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {SHEET_NS}><dimension ref="A1:XFD1048576"/>'
        f'<sheetData><row r="1">{_cell("A1", "单位名称")}</row></sheetData></worksheet>'
    )
    return _raw_xlsx(path, sheet)


def far_away_cell(path) -> Path:
    """A normal header, then one cell a million rows down (a huge gap)."""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {SHEET_NS}><sheetData>'
        f'<row r="1">{_cell("A1", "单位名称")}</row>'
        f'<row r="1048576">{_cell("XFD1048576", "x")}</row></sheetData></worksheet>'
    )
    return _raw_xlsx(path, sheet)


def far_away_column(path) -> Path:
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {SHEET_NS}><sheetData>'
        f'<row r="1">{_cell("A1", "单位名称")}{_cell("XFD1", "x")}</row></sheetData></worksheet>'
    )
    return _raw_xlsx(path, sheet)


def billion_laughs(path) -> Path:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    sheet = (
        f'<?xml version="1.0"?><!DOCTYPE worksheet [{entities}]><worksheet {SHEET_NS}><sheetData>'
        f'<row r="1">{_cell("A1", "&lol9;")}</row></sheetData></worksheet>'
    )
    return _raw_xlsx(path, sheet)


def external_entity(path) -> Path:
    shared = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
        "<si><t>&xxe;</t></si></sst>"
    )
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet {SHEET_NS}><sheetData>'
        f'<row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
    )
    return _raw_xlsx(path, sheet, extra={"xl/sharedStrings.xml": shared})


def zip_bomb(path, megabytes=1024) -> Path:
    """~1 MB on disk that declares ``megabytes`` of sheet XML (written in streamed chunks)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        chunk = b" " * (1024 * 1024)
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0"?><worksheet {SHEET_NS}><sheetData>'.encode())
            for _ in range(megabytes):
                fh.write(chunk)
            fh.write(b"</sheetData></worksheet>")
    return Path(path)


def encrypted_xlsx(path) -> Path:
    """What Excel writes for a password-protected .xlsx: a CFB container with
    EncryptionInfo and EncryptedPackage streams (header and directory names only)."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + b"\x00" * 480
    directory = b""
    for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage"):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        directory += encoded.ljust(64, b"\x00") + len(encoded).to_bytes(2, "little") + b"\x02" + b"\x00" * 61
    Path(path).write_bytes(header + directory.ljust(512 * 2, b"\x00") + b"\x00" * 4096)
    return Path(path)


def renamed_pdf(path) -> Path:
    Path(path).write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return Path(path)


def renamed_docx(path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("word/document.xml", "<document/>")
    return Path(path)
