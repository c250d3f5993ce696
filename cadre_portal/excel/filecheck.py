"""What a spreadsheet parser would allocate, found before any parser runs.

No Django here: this module runs inside the reading sandbox (``sandbox.py``, a child
process under a memory cap) as well as in tests. ``check(path, limits)`` looks at the
bytes only and raises ``Refused`` (a Chinese message) for anything that is not a plain
workbook of bounded size, or returns a ``Checked`` with the extent it found.

The rule is the parser's, not the file's word. python-calamine builds, for every sheet
it reads, a grid from the first to the last *cell it meets* (empty cells included here,
to be safe), so the bound on rows × columns is checked on the cells themselves:

* ``.xlsx`` — every part of the zip is scanned, whatever its name or case (calamine finds
  parts case-insensitively and follows relationships anywhere): a DTD anywhere refuses
  the file; a part that holds a ``sheetData`` is read by a real XML parser (expat), which
  follows calamine's rules for positions (a cell's ``r``, else the next column; a row's
  ``r``, else the row after the last ``</row>``), so a cell without ``r``, a prefixed
  element, single-quoted attributes or a lying ``<dimension>`` change nothing. The zip
  itself is bounded before Python's zipfile reads its directory.
* ``.xls`` — the compound file's header, FAT, directory and stream sizes are checked
  against the file size (calamine reserves memory from them), then every sheet's BIFF
  records: DIMENSIONS (calamine reserves rows × columns from it), every cell record,
  the shared-string count, the number of sheets.

The limits come from the caller (settings in the portal, see ``Limits``).
"""

from __future__ import annotations

import re
import struct
import zipfile
from dataclasses import dataclass, field

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CHUNK = 1024 * 1024


class Refused(Exception):
    """The file is refused as a whole; the message is for the user (Chinese)."""


@dataclass
class Limits:
    max_bytes: int = 20 * 1024 * 1024
    max_rows: int = 50_000  # data rows; ``row_slack`` more for titles and notes
    row_slack: int = 100
    max_columns: int = 200
    # Cells of the grids the parser builds, all sheets together (rows × columns each).
    max_cells: int = 3_000_000
    max_zip_entries: int = 2000
    max_central_directory: int = 1024 * 1024
    max_uncompressed: int = 200 * 1024 * 1024
    max_ratio: int = 200
    ratio_check_min_bytes: int = 1024 * 1024
    # No single XML token (a tag, a run of text) may be longer than this.
    max_token: int = 8 * 1024 * 1024
    max_sheets: int = 256

    @property
    def row_limit(self) -> int:
        return self.max_rows + self.row_slack


@dataclass
class Checked:
    kind: str  # "xlsx" or "xls"
    rows: int  # the most rows any sheet reaches (an upper bound of data rows)
    cells: int = 0  # grid cells the parser will build, all sheets
    sheets: list = field(default_factory=list)  # per sheet part: (name, rows, columns)


def human_size(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def column_letters(n: int) -> str:
    letters = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


NOT_EXCEL = "文件不是 Excel 工作簿（.xlsx 或 .xls），请用 Excel 或 WPS 另存为 .xlsx 后再上传。"
DAMAGED = "文件已损坏或内部结构异常，请用 Excel 或 WPS 重新另存为 .xlsx 后上传。"
ENCRYPTED = "文件设置了打开密码（已加密），系统无法读取。请在 Excel/WPS 中取消密码后另存，再上传。"


def check(path, limits: Limits | None = None) -> Checked:
    """Refuse hostile or unreadable files before a parser sees them (bounded memory)."""
    limits = limits or Limits()
    with open(path, "rb") as fh:
        fh.seek(0, 2)
        size = fh.tell()
        fh.seek(0)
        head = fh.read(8)
    if size > limits.max_bytes:
        raise Refused(f"文件大小为 {human_size(size)}，超过上限 {human_size(limits.max_bytes)}，请拆分后分批导入。")
    if size == 0:
        raise Refused("文件是空的，请重新选择。")
    if head.startswith(CFB_MAGIC):
        return _check_xls(path, size, limits)
    if head.startswith(ZIP_MAGIC):
        return _check_xlsx(path, size, limits)
    raise Refused(NOT_EXCEL)


# --- the grid -------------------------------------------------------------------------


@dataclass
class Extent:
    """Cells met in one sheet (0-based), as the parser will place them."""

    name: str
    max_row: int = -1
    max_col: int = -1
    cells: int = 0
    declared_rows: int = 0
    declared_cols: int = 0

    def add(self, row: int, col: int) -> None:
        self.cells += 1
        if row > self.max_row:
            self.max_row = row
        if col > self.max_col:
            self.max_col = col

    @property
    def rows(self) -> int:
        return self.max_row + 1

    @property
    def columns(self) -> int:
        return self.max_col + 1

    @property
    def grid(self) -> int:
        return self.rows * self.columns if self.cells else 0


def _judge(extents: list[Extent], limits: Limits, *, multiplier: dict | None = None) -> int:
    """Refuse when any sheet reaches too far, or all grids together are too big."""
    total = 0
    for extent in extents:
        if extent.declared_rows > limits.row_limit:
            raise Refused(f"工作表声明有 {extent.declared_rows} 行，超过单次导入上限 {limits.max_rows} 行，请拆分后分批导入。")
        if extent.declared_cols > limits.max_columns:
            raise Refused(f"工作表声明有 {extent.declared_cols} 列，超出正常范围（最多 {limits.max_columns} 列），系统拒绝读取。")
        if extent.rows > limits.row_limit:
            raise Refused(
                f"工作表的数据延伸到第 {extent.rows} 行（中间可能有大片空行），超过单次导入上限 {limits.max_rows} 行。"
                "请删除多余的行后再上传。"
            )
        if extent.columns > limits.max_columns:
            raise Refused(
                f"工作表中有数据位于很远的列（{column_letters(extent.columns)} 列），超出正常范围（最多 {limits.max_columns} 列），"
                "请删除多余的单元格后再上传。"
            )
        declared = extent.declared_rows * extent.declared_cols
        total += max(extent.grid, declared) * (multiplier or {}).get(extent.name, 1)
        if total > limits.max_cells:
            raise Refused(
                f"工作表的数据区域过大（约 {total:,} 个单元格，上限 {limits.max_cells:,}），可能有数据位于很远的行或列。"
                "请删除多余的行列后再上传。"
            )
    return total


# --- .xlsx ---------------------------------------------------------------------------------

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_SHEETDATA = b"sheetData"
_WIDE_ENCODINGS = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<", b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00")
_ENCODING_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_REF = re.compile(r"^([A-Za-z]{0,3})([0-9]{1,7})$")


def _zip_directory_bounds(path, size: int, limits: Limits) -> None:
    """Entry count and central-directory size from the end record, before zipfile builds
    one object per directory entry (it reads as many as the directory's bytes hold)."""
    with open(path, "rb") as fh:
        tail_len = min(size, 65_557)
        fh.seek(size - tail_len)
        tail = fh.read(tail_len)
        at = tail.rfind(_EOCD)
        if at < 0 or len(tail) - at < 22:
            raise Refused(DAMAGED)
        _sig, _disk, _cd_disk, _here, entries, cd_size, cd_offset, _comment = struct.unpack("<IHHHHIIH", tail[at:at + 22])
        locator_at = at - 20
        if locator_at >= 0 and tail[locator_at:locator_at + 4] == _EOCD64_LOCATOR:
            (eocd64_offset,) = struct.unpack("<Q", tail[locator_at + 8:locator_at + 16])
            if eocd64_offset >= size:
                raise Refused(DAMAGED)
            fh.seek(eocd64_offset)
            record = fh.read(56)
            if len(record) < 56 or record[:4] != b"PK\x06\x06":
                raise Refused(DAMAGED)
            entries, cd_size, cd_offset = struct.unpack("<QQQ", record[32:56])
    if entries > limits.max_zip_entries:
        raise Refused(f"文件内部包含 {entries} 个部件，超出正常工作簿的范围，系统拒绝读取。")
    if cd_size > limits.max_central_directory or cd_size > size:
        raise Refused("文件内部目录异常庞大，超出正常工作簿的范围，系统拒绝读取。")


def _check_xlsx(path, size: int, limits: Limits) -> Checked:
    _zip_directory_bounds(path, size, limits)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, struct.error):
        raise Refused(DAMAGED) from None
    with zf:
        infos = zf.infolist()
        if len(infos) > limits.max_zip_entries:
            raise Refused(f"文件内部包含 {len(infos)} 个部件，超出正常工作簿的范围，系统拒绝读取。")
        names = {info.filename.lower() for info in infos}
        if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
            raise Refused("文件不是 Excel 工作簿（可能是改了扩展名的 Word 文档或压缩包），请上传 .xlsx 或 .xls 文件。")
        total = sum(info.file_size for info in infos)
        if total > limits.max_uncompressed:
            raise Refused(
                f"文件解压后达 {human_size(total)}，超出上限 {human_size(limits.max_uncompressed)}，疑似压缩炸弹，系统拒绝读取。"
            )
        for info in infos:
            if info.flag_bits & 0x1:
                raise Refused("文件设置了密码，系统无法读取。请取消密码后另存，再上传。")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise Refused("文件使用了不支持的压缩方式，请用 Excel 或 WPS 重新另存为 .xlsx 后上传。")
            if info.file_size > limits.ratio_check_min_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
                raise Refused("文件的压缩比异常（疑似压缩炸弹），系统拒绝读取。")
        extents = []
        read_total = 0
        for info in infos:
            extent, read = _scan_part(zf, info, limits, budget=limits.max_uncompressed - read_total)
            read_total += read
            if extent is not None:
                extents.append(extent)
    cells = _judge(extents, limits)
    rows = max((e.rows for e in extents), default=0)
    return Checked(kind="xlsx", rows=rows, cells=cells, sheets=[(e.name, e.rows, e.columns) for e in extents])


# Every producer we know (Excel, WPS, LibreOffice, openpyxl, XlsxWriter) writes each cell
# as ``<c r="B7" …``: the fast path reads positions with one literal-prefixed pattern. A
# part with any other form of cell tag (no ``r``, ``r`` not first, a prefix, a tab after
# the name) is read again by expat, exactly.
_FAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_OTHER_CELL_FORM = re.compile(rb"<c[>/\t\n\r]")
_PREFIXED_CELL = re.compile(rb"<[A-Za-z_][\w.\-]*:c[\s/>]")
_DIMENSION = re.compile(rb"""<(?:[A-Za-z_][\w.\-]*:)?dimension\s[^>]*?\bref\s*=\s*["']([^"']*)["']""")


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: int):
    """Stream one part: bytes never beyond the declared size, no DTD anywhere, no wide
    encoding, no giant token; when the part holds sheet data, where its cells are.
    Returns (Extent or None, bytes read)."""
    extent = Extent(info.filename)
    letters_seen: dict[bytes, int] = {}
    exact = True
    has_sheet_data = False
    read = 0
    carry = b""
    since_tag = 0
    try:
        with zf.open(info) as part:
            first = True
            while True:
                chunk = part.read(CHUNK)
                if not chunk:
                    break
                read += len(chunk)
                if read > info.file_size or read > budget:
                    raise Refused("文件内部数据与声明的大小不符（疑似压缩炸弹），系统拒绝读取。")
                if first:
                    first = False
                    _check_encoding(chunk)
                window = carry + chunk if carry else chunk
                # Whole tags only: the tail from the last "<" waits for the next chunk.
                cut = window.rfind(b"<")
                if cut < 0:
                    body, carry = window, b""
                    since_tag += len(window)
                elif cut == 0:
                    body, carry = b"", window
                    since_tag = len(window)
                else:
                    body, carry = window[:cut], window[cut:]
                    since_tag = len(carry)
                if since_tag > limits.max_token:
                    raise Refused("文件中含有异常长的内容（单个单元格或标记超过 8 MB），系统拒绝读取。")
                if b"<!" in body and _DTD.search(body):
                    raise Refused("文件中含有 XML 实体声明（DOCTYPE/ENTITY），可能是恶意文件，系统拒绝读取。")
                if not has_sheet_data and _SHEETDATA in body:
                    has_sheet_data = True
                if b"dimension" in body:
                    for ref in _DIMENSION.findall(body):
                        _declare(extent, ref.decode("ascii", "replace"), limits)
                if b"<c" not in body and b":c" not in body:
                    continue
                if exact:
                    if body.count(b"<c ") != body.count(b'<c r="') or _OTHER_CELL_FORM.search(body) \
                            or (b":c" in body and _PREFIXED_CELL.search(body)):
                        exact = False  # read again below, with expat
                    else:
                        _place_fast(extent, _FAST_CELL.findall(body), letters_seen, limits)
            if carry:
                if _DTD.search(carry):
                    raise Refused("文件中含有 XML 实体声明（DOCTYPE/ENTITY），可能是恶意文件，系统拒绝读取。")
                if exact and (carry.startswith(b"<c") and not carry.startswith(b'<c r="') and carry[2:3] not in (b"o", b"e", b"f")):
                    exact = False
                elif exact:
                    _place_fast(extent, _FAST_CELL.findall(carry), letters_seen, limits)
    except zipfile.BadZipFile:
        raise Refused("文件已损坏（内部校验失败），请用 Excel 或 WPS 重新另存为 .xlsx 后上传。") from None
    except (NotImplementedError, RuntimeError, EOFError, OSError, ValueError):
        raise Refused(DAMAGED) from None
    if not has_sheet_data:
        return None, read
    if not exact:
        extent = _scan_part_exactly(zf, info, limits, extent)
    _judge([extent], limits)
    return extent, read


def _place_fast(extent: Extent, refs: list, letters_seen: dict, limits: Limits) -> None:
    if not refs:
        return
    letters, digits = zip(*refs)
    extent.cells += len(refs)
    max_row = max(map(int, digits)) - 1
    if max_row > extent.max_row:
        extent.max_row = max_row
    for text in set(letters):
        col = letters_seen.get(text)
        if col is None:
            col = letters_seen[text] = _letters_value(text.decode("ascii")) - 1
        if col > extent.max_col:
            extent.max_col = col
    if extent.max_row >= limits.row_limit or extent.max_col >= limits.max_columns:
        _judge([extent], limits)


def _declare(extent: Extent, ref: str, limits: Limits) -> None:
    """A ``<dimension ref="A1:Z99">``: refused when it claims too much (calamine reserves
    memory from it); a small claim changes nothing, the cells decide."""
    try:
        corners = [_cell_position(p) for p in ref.split(":")[:2]]
    except Refused:
        return  # calamine refuses such a sheet itself
    extent.declared_rows = max(extent.declared_rows, max(r for r, _c in corners) + 1)
    extent.declared_cols = max(extent.declared_cols, max(c for _r, c in corners) + 1)
    _judge([extent], limits)


def _scan_part_exactly(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, found: Extent) -> Extent:
    """A worksheet whose cells are not all written ``<c r="…"``: placed by a real XML parser
    with calamine's rules — a cell's ``r``, else the column after the previous cell; a row's
    ``r``, else the row after the last ``</row>`` (prefixes ignored, attribute names exact).
    A worksheet expat cannot read is refused: calamine's reader is more lenient and could
    find cells where we counted none."""
    import pyexpat

    extent = Extent(info.filename, declared_rows=found.declared_rows, declared_cols=found.declared_cols)
    state = {"row": 0, "col": 0, "events": 0}
    row_limit, col_limit = limits.row_limit, limits.max_columns

    def start(name, attrs):
        state["events"] += 1
        local = name.rpartition(":")[2]
        if local == "c":
            ref = attrs.get("r")
            if ref is not None:
                row, col = _cell_position(ref)
                state["col"] = col
            else:
                row, col = state["row"], state["col"]
            extent.add(row, col)
            state["col"] += 1
            if row >= row_limit or col >= col_limit:
                _judge([extent], limits)
        elif local == "row":
            ref = attrs.get("r")
            if ref is not None:
                state["row"] = _row_number(ref)

    def end(name):
        state["events"] += 1
        if name.rpartition(":")[2] == "row":
            state["row"] += 1
            state["col"] = 0

    def doctype(*_args):
        raise Refused("文件中含有 XML 实体声明（DOCTYPE/ENTITY），可能是恶意文件，系统拒绝读取。")

    parser = pyexpat.ParserCreate()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    silent = 0
    try:
        with zf.open(info) as part:
            while True:
                chunk = part.read(CHUNK)
                if not chunk:
                    break
                before = state["events"]
                parser.Parse(chunk, False)
                silent = 0 if state["events"] != before else silent + len(chunk)
                if silent > limits.max_token:
                    raise Refused("文件中含有异常长的内容（单个单元格或标记超过 8 MB），系统拒绝读取。")
            parser.Parse(b"", True)
    except pyexpat.ExpatError:
        raise Refused("文件中的工作表数据格式错误（不是规范的 XML），请用 Excel 或 WPS 重新另存为 .xlsx 后上传。") from None
    return extent


def _letters_value(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def _cell_position(ref: str) -> tuple[int, int]:
    """0-based (row, column) of ``A1``-style text, as calamine reads it."""
    match = _REF.match(ref.strip())
    if not match or not match.group(1) or int(match.group(2)) == 0:
        raise Refused(DAMAGED)
    return int(match.group(2)) - 1, _letters_value(match.group(1)) - 1


def _row_number(ref: str) -> int:
    match = _REF.match(ref.strip())
    if not match or int(match.group(2)) == 0:
        raise Refused(DAMAGED)
    return int(match.group(2)) - 1


def _check_encoding(first: bytes) -> None:
    """Workbook parts are UTF-8 (Excel, WPS and LibreOffice never write anything else); a
    part in UTF-16/32 would hide its cells from a byte scan."""
    if first.startswith(_WIDE_ENCODINGS):
        raise Refused("文件内部使用了异常的字符编码，系统拒绝读取。请用 Excel 或 WPS 重新另存为 .xlsx 后上传。")
    declared = _ENCODING_DECL.match(first[:512])
    if declared and declared.group(1).strip().lower().replace(b"_", b"-") not in (b"utf-8", b"utf8"):
        raise Refused("文件内部使用了异常的字符编码，系统拒绝读取。请用 Excel 或 WPS 重新另存为 .xlsx 后上传。")


# --- .xls (compound file + BIFF) ------------------------------------------------------------

_ENDOFCHAIN = 0xFFFFFFFE
_FREESECT = 0xFFFFFFFF
_NO_STREAM = 0xFFFFFFFF
ENCRYPTION_NAMES = ("EncryptedPackage", "EncryptionInfo")

# BIFF record types that place one cell: Number, Label, BoolErr, LabelSst, Rk, Formula,
# RString, Blank (and their BIFF2-4 forms).
_CELL_RECORDS = {0x0203, 0x0204, 0x0205, 0x00FD, 0x027E, 0x0006, 0x00D6, 0x0201,
                 0x0001, 0x0002, 0x0003, 0x0004, 0x0005, 0x0206, 0x0406}
_MULTI_RECORDS = {0x00BD, 0x00BE}  # MulRk, MulBlank: row, first column … last column
_DIMENSIONS = {0x0200, 0x0000}
_BOF = {0x0809, 0x0409, 0x0209, 0x0009}
_EOF, _BOUNDSHEET, _SST, _FILEPASS = 0x000A, 0x0085, 0x00FC, 0x002F


class _Compound:
    """A minimal, bounded reader of a compound file (the container of ``.xls``):
    every count and size is checked against the file before it is used."""

    def __init__(self, data: bytes):
        self.data = data
        if len(data) < 512:
            raise Refused(DAMAGED)
        header = data[:512]
        shift = struct.unpack_from("<H", header, 30)[0]
        if shift not in (9, 12) or struct.unpack_from("<H", header, 32)[0] != 6:
            raise Refused(DAMAGED)
        self.sector = 1 << shift
        self.version = struct.unpack_from("<H", header, 26)[0]
        n_sectors = max((len(data) - self.sector) // self.sector, 0) + 1
        self.n_sectors = n_sectors
        fat_sectors, dir_start = struct.unpack_from("<II", header, 44)
        mini_start, mini_count, difat_start, difat_count = struct.unpack_from("<IIII", header, 60)
        dir_count = struct.unpack_from("<I", header, 40)[0]
        # calamine reserves memory from these counts: each must fit in the file.
        for count in (fat_sectors, mini_count, difat_count, dir_count):
            if count * self.sector > len(data) + self.sector:
                raise Refused(DAMAGED)
        difat = list(struct.unpack_from("<109I", header, 76))
        sector_id, hops = difat_start, 0
        while sector_id not in (_ENDOFCHAIN, _FREESECT):
            hops += 1
            if hops > n_sectors:
                raise Refused(DAMAGED)
            block = self._sector(sector_id)
            values = struct.unpack(f"<{self.sector // 4}I", block)
            difat.extend(values[:-1])
            sector_id = values[-1]
        self.fat: list[int] = []
        for sid in difat:
            if sid in (_FREESECT, _ENDOFCHAIN):
                continue
            self.fat.extend(struct.unpack(f"<{self.sector // 4}I", self._sector(sid)))
        directory = self._chain(dir_start, limit=len(data))
        self.entries = []
        for i in range(0, len(directory) - 127, 128):
            raw = directory[i:i + 128]
            name_len = struct.unpack_from("<H", raw, 64)[0]
            name = raw[:max(0, min(name_len, 64) - 2)].decode("utf-16-le", "ignore")
            kind = raw[66]
            start = struct.unpack_from("<I", raw, 116)[0]
            length = struct.unpack_from("<Q", raw, 120)[0] if self.sector == 4096 else struct.unpack_from("<I", raw, 120)[0]
            if length > len(data):
                raise Refused(DAMAGED)
            self.entries.append((name, kind, start, length))
        if not self.entries:
            raise Refused(DAMAGED)
        root = self.entries[0]
        self.mini_stream = self._chain(root[2], limit=root[3]) if root[3] else b""
        mini_fat = self._chain(mini_start, limit=mini_count * self.sector) if mini_count else b""
        self.mini_fat = list(struct.unpack(f"<{len(mini_fat) // 4}I", mini_fat[:len(mini_fat) // 4 * 4]))

    def _sector(self, sid: int) -> bytes:
        start = (sid + 1) * self.sector
        if sid >= self.n_sectors or start + self.sector > len(self.data) + self.sector:
            raise Refused(DAMAGED)
        return self.data[start:start + self.sector].ljust(self.sector, b"\0")

    def _chain(self, start: int, *, limit: int) -> bytes:
        out, sid, hops = [], start, 0
        while sid not in (_ENDOFCHAIN, _FREESECT):
            hops += 1
            if hops > self.n_sectors or sid >= len(self.fat):
                raise Refused(DAMAGED)
            out.append(self._sector(sid))
            sid = self.fat[sid]
        return b"".join(out)[:limit]

    def stream(self, name: str) -> bytes | None:
        for entry_name, kind, start, length in self.entries:
            if entry_name == name and kind == 2:
                if length < 4096:
                    return self._mini_chain(start, length)
                return self._chain(start, limit=length)
        return None

    def _mini_chain(self, start: int, length: int) -> bytes:
        out, sid, hops = [], start, 0
        limit = len(self.mini_stream) // 64 + 1
        while sid not in (_ENDOFCHAIN, _FREESECT):
            hops += 1
            if hops > limit or sid >= len(self.mini_fat):
                raise Refused(DAMAGED)
            out.append(self.mini_stream[sid * 64:(sid + 1) * 64])
            sid = self.mini_fat[sid]
        return b"".join(out)[:length]


def _records(stream: bytes, start: int):
    pos, end = start, len(stream)
    while pos + 4 <= end:
        kind, length = struct.unpack_from("<HH", stream, pos)
        yield kind, stream[pos + 4:pos + 4 + length]
        pos += 4 + length


def _check_xls(path, size: int, limits: Limits) -> Checked:
    with open(path, "rb") as fh:
        data = fh.read()
    if any(name.encode("utf-16-le") in data for name in ENCRYPTION_NAMES):
        raise Refused(ENCRYPTED)
    try:
        compound = _Compound(data)
        if any(name in ENCRYPTION_NAMES for name, *_rest in compound.entries):
            raise Refused(ENCRYPTED)
        stream = compound.stream("Workbook") or compound.stream("Book")
    except (struct.error, IndexError, ValueError):
        raise Refused(DAMAGED) from None
    if not stream:
        raise Refused(NOT_EXCEL)
    sheets: list[int] = []
    for kind, body in _records(stream, 0):
        if kind == _FILEPASS and len(body) >= 2 and struct.unpack_from("<H", body)[0] != 0:
            raise Refused(ENCRYPTED)
        if kind == _BOUNDSHEET and len(body) >= 4:
            sheets.append(struct.unpack_from("<I", body)[0])
            if len(sheets) > limits.max_sheets:
                raise Refused(f"工作簿中的工作表超过 {limits.max_sheets} 个，超出正常范围，系统拒绝读取。")
        elif kind == _SST and len(body) >= 8:
            unique = struct.unpack_from("<i", body, 4)[0]
            # Each string takes at least three bytes; calamine reserves one slot per declared string.
            if unique < 0 or unique > len(stream) // 3:
                raise Refused(DAMAGED)
        elif kind == _EOF:
            break
    extents: dict[int, Extent] = {}
    for pos in sheets:
        if pos in extents or pos >= len(stream):
            continue
        extents[pos] = _scan_biff_sheet(stream, pos, limits)
    # A sheet listed twice is parsed (and held) twice.
    counts: dict[str, int] = {}
    for pos in sheets:
        if pos in extents:
            counts[extents[pos].name] = counts.get(extents[pos].name, 0) + 1
    cells = _judge(list(extents.values()), limits, multiplier=counts)
    rows = max((e.rows for e in extents.values()), default=0)
    return Checked(kind="xls", rows=rows, cells=cells, sheets=[(e.name, e.rows, e.columns) for e in extents.values()])


def _scan_biff_sheet(stream: bytes, pos: int, limits: Limits) -> Extent:
    extent = Extent(f"sheet@{pos}")
    for kind, body in _records(stream, pos):
        if kind in _CELL_RECORDS and len(body) >= 4:
            row, col = struct.unpack_from("<HH", body)
            extent.add(row, col)
        elif kind in _MULTI_RECORDS and len(body) >= 6:
            row, first = struct.unpack_from("<HH", body)
            last = struct.unpack_from("<H", body, len(body) - 2)[0]
            extent.add(row, max(first, last))
        elif kind in _DIMENSIONS:
            if len(body) == 14:
                first_row, last_row, first_col, last_col = struct.unpack_from("<IIHH", body)
            elif len(body) == 10:
                first_row, last_row, first_col, last_col = struct.unpack_from("<HHHH", body)
            else:
                continue  # calamine refuses the record itself
            # calamine reserves rows × columns from this record, whatever the cells say, in
            # unsigned 32-bit arithmetic: a "last" before the "first" wraps round to billions.
            if last_row >= 1 and last_col >= 1:
                end_row, end_col = last_row - 1, last_col - 1
            else:
                end_row, end_col = first_row, first_col
            rows = (end_row - first_row + 1) & 0xFFFFFFFF
            cols = (end_col - first_col + 1) & 0xFFFFFFFF
            extent.declared_rows = max(extent.declared_rows, rows)
            extent.declared_cols = max(extent.declared_cols, cols)
        elif kind == _EOF:
            break
        if extent.max_row >= limits.row_limit or extent.max_col >= limits.max_columns \
                or extent.declared_rows > limits.row_limit or extent.declared_cols > limits.max_columns:
            _judge([extent], limits)
    return extent
