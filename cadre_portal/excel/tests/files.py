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


# --- hostile classes of the second pass (issue 14): each would make the parser build a
# grid of tens of millions of cells (or hide one) if the pre-check trusted the file ---------


def _raw_named(path, parts: dict, *, sheet_path="xl/worksheets/sheet1.xml", workbook_path="xl/workbook.xml",
               content_types_path="[Content_Types].xml") -> Path:
    """A workbook whose part names the caller chooses (case, folders)."""
    rels = WORKBOOK_RELS.replace('Target="worksheets/sheet1.xml"', f'Target="/{sheet_path}"')
    root_rels = ROOT_RELS.replace('Target="xl/workbook.xml"', f'Target="{workbook_path}"')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(content_types_path, CONTENT_TYPES)
        zf.writestr("_rels/.rels", root_rels)
        zf.writestr(workbook_path, WORKBOOK)
        zf.writestr(workbook_path.rsplit("/", 1)[0] + "/_rels/workbook.xml.rels", rels)
        for name, data in parts.items():
            zf.writestr(name if name != "SHEET" else sheet_path, data)
    return Path(path)


def _sheet(body: str, *, dimension: str | None = None, ns=SHEET_NS, prefix="") -> str:
    dim = f'<{prefix}dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><{prefix}worksheet {ns}>{dim}'
            f"<{prefix}sheetData>{body}</{prefix}sheetData></{prefix}worksheet>")


# A header cell in A1, then one cell in column ZZ (702) and one 50,000 rows down: within
# the row limit and the column limit one by one, but a 35-million-cell grid together.
FAR_BODY = (f'<row r="1">{_cell("A1", "单位名称")}{_cell("FZ1", "x")}</row>'
            f'<row r="50000">{_cell("A50000", "y")}</row>')


def case_named_parts(path) -> Path:
    """The worksheet part named in upper case (calamine finds parts case-insensitively)."""
    return _raw_named(path, {"SHEET": _sheet(FAR_BODY)}, sheet_path="XL/WORKSHEETS/SHEET1.XML")


def case_named_workbook(path) -> Path:
    """Every part name in another case, the content types and workbook included."""
    return _raw_named(path, {"SHEET": _sheet(FAR_BODY)}, sheet_path="XL/WORKSHEETS/SHEET1.XML",
                      workbook_path="XL/WORKBOOK.XML", content_types_path="[CONTENT_TYPES].XML")


def sheet_in_another_folder(path) -> Path:
    """The worksheet is wherever the relationship points, named like an image."""
    return _raw_named(path, {"SHEET": _sheet(FAR_BODY)}, sheet_path="xl/media/image1.png")


def no_dimension(path) -> Path:
    return _raw_xlsx(path, _sheet(FAR_BODY))


def lying_dimension(path) -> Path:
    return _raw_xlsx(path, _sheet(FAR_BODY, dimension="A1:B2"))


def two_letter_column_and_far_row(path) -> Path:
    """Column FZ (182) and row 50,000, each within its limit, with a dimension that says so."""
    return _raw_xlsx(path, _sheet(FAR_BODY, dimension="A1:FZ50000"))


def implicit_columns(path) -> Path:
    """Cells without ``r`` go to the next column: 300 of them reach column KN."""
    cells = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(300))
    return _raw_xlsx(path, _sheet(f'<row r="1">{_cell("A1", "单位名称")}</row><row>{cells}</row>'))


def implicit_rows(path) -> Path:
    """Rows without ``r`` follow each other: 40,000 of them (within the row limit), then a
    cell 150 columns across — 6 million cells."""
    rows = "<row><c><v>1</v></c></row>" * 40_000
    return _raw_xlsx(path, _sheet(f'<row r="1">{_cell("A1", "单位名称")}</row>{rows}<row>{_cell("ET40002", "x")}</row>'))


def prefixed_elements(path) -> Path:
    ns = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    body = (f'<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>单位名称</x:t></x:is></x:c>'
            f'<x:c r="FZ1"><x:v>1</x:v></x:c></x:row><x:row r="50000"><x:c r="A50000"><x:v>1</x:v></x:c></x:row>')
    return _raw_xlsx(path, _sheet(body, ns=ns, prefix="x:"))


def single_quoted_references(path) -> Path:
    return _raw_xlsx(path, _sheet(FAR_BODY.replace('"', "'")).replace("version='1.0'", 'version="1.0"'))


def doctype_after_large_comment(path) -> Path:
    comment = "<!-- " + "注释" * 50_000 + " -->"
    sheet = _sheet(f'<row r="1">{_cell("A1", "单位名称")}</row>').replace(
        "?>", f'?>{comment}<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>', 1)
    return _raw_xlsx(path, sheet)


def doctype_in_another_part(path) -> Path:
    comment = "<!-- " + "x" * 200_000 + " -->"
    custom = f'<?xml version="1.0"?>{comment}<!DOCTYPE p [<!ENTITY e SYSTEM "file:///etc/passwd">]><p>&e;</p>'
    return _raw_xlsx(path, _sheet(f'<row r="1">{_cell("A1", "单位名称")}</row>'), extra={"docProps/custom.xml": custom})


def utf16_sheet(path) -> Path:
    return _raw_xlsx(path, _sheet(FAR_BODY).replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16"))


def giant_token(path) -> Path:
    """One inline string of 10 MB (Excel's own limit is 32,767 characters), of random hex so
    that it does not trip the compression-ratio check first."""
    import os

    return _raw_xlsx(path, _sheet(f'<row r="1">{_cell("A1", "单位名称")}{_cell("B1", os.urandom(5_000_000).hex())}</row>'))


def _xls_bytes(rows: dict) -> bytes:
    import io

    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Sheet1")
    for (r, c), value in rows.items():
        ws.write(r, c, value)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def xls_far_cell(path) -> Path:
    """An .xls with a header and one cell in the last row and column: a 16.7-million-cell grid."""
    Path(path).write_bytes(_xls_bytes({(0, 0): "单位名称", (65535, 255): "x"}))
    return Path(path)


def xls_far_cell_no_dimensions(path) -> Path:
    """The same far cell with the DIMENSIONS record claiming one cell: the cells decide."""
    import struct

    def patch(body):
        struct.pack_into("<IIHH", body, 0, 0, 1, 0, 1)

    Path(path).write_bytes(_patch_record(_xls_bytes({(0, 0): "单位名称", (40000, 120): "x"}), 0x0200, 14, patch))
    return Path(path)


def _patch_record(data: bytes, kind: int, length: int, patch) -> bytes:
    import struct

    marker = struct.pack("<HH", kind, length)
    at = data.find(marker)
    assert at >= 0, f"record {kind:#06x} not found"
    body = bytearray(data[at + 4:at + 4 + length])
    patch(body)
    return data[:at + 4] + bytes(body) + data[at + 4 + length:]


def xls_wrapped_dimensions(path) -> Path:
    """DIMENSIONS whose last row comes before its first: calamine's unsigned arithmetic
    wraps round and reserves billions of cells."""
    import struct

    def patch(body):
        struct.pack_into("<II", body, 0, 10, 1)

    Path(path).write_bytes(_patch_record(_xls_bytes({(0, 0): "单位名称", (1, 0): "x"}), 0x0200, 14, patch))
    return Path(path)


def xls_huge_string_count(path) -> Path:
    """A shared-string table that declares two billion strings."""
    import struct

    def patch(body):
        struct.pack_into("<i", body, 4, 0x7FFFFFF0)

    data = _xls_bytes({(0, 0): "单位名称", (1, 0): "县教育局"})
    import re as _re

    match = _re.search(rb"\xfc\x00(..)", data, _re.S)
    length = struct.unpack("<H", match.group(1))[0]
    Path(path).write_bytes(_patch_record(data, 0x00FC, length, patch))
    return Path(path)


def xls_lying_fat_count(path) -> Path:
    """A compound-file header that declares sixteen million FAT sectors."""
    import struct

    data = bytearray(_xls_bytes({(0, 0): "单位名称"}))
    struct.pack_into("<I", data, 44, 0x00FFFFFF)
    Path(path).write_bytes(bytes(data))
    return Path(path)
