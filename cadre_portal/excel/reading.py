"""Reading office spreadsheets safely.

Every byte of an upload is looked at in a child process under a hard memory cap
(``sandbox``): first the pre-check (``filecheck``: magic number, zip and compound-file
structure, every part of the file for DTDs and for the cells the parser would place —
the bound on rows × columns is enforced on what the parser will allocate, whatever the
file declares), then the parse with python-calamine (fast, reads ``.xls`` too) and the
header row (``sheet.locate``). Anything refused, and anything that makes the child run
out of memory or time, is an ``ExcelRejected`` with a Chinese message; the web server
and the worker are never at risk.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from cadre_portal.excel import filecheck, sandbox
from cadre_portal.excel.sheet import (  # noqa: F401 - re-exported for columns and registries
    HEADER_SCAN_ROWS,
    SKIP_SHEETS,
    TOTAL_MARKERS,
    blank_row,
    clean_text,
    header_key,
    is_blank_text,
    is_total_row,
)

human_size = filecheck.human_size


class ExcelRejected(Exception):
    """The file is refused as a whole; the message is for the user (Chinese).
    ``stats`` carries what the reading child measured (memory, time), when it ran."""

    def __init__(self, message: str, stats: dict | None = None):
        super().__init__(message)
        self.stats = stats or {}


def max_rows() -> int:
    return int(getattr(settings, "EXCEL_MAX_ROWS", 50_000))


def max_bytes() -> int:
    return int(getattr(settings, "EXCEL_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def limits() -> filecheck.Limits:
    """The pre-check's limits from settings (``EXCEL_MAX_ROWS``, ``EXCEL_MAX_UPLOAD_BYTES``,
    ``EXCEL_MAX_COLUMNS``, ``EXCEL_MAX_CELLS``)."""
    return filecheck.Limits(
        max_bytes=max_bytes(),
        max_rows=max_rows(),
        max_columns=int(getattr(settings, "EXCEL_MAX_COLUMNS", 200)),
        max_cells=int(getattr(settings, "EXCEL_MAX_CELLS", 3_000_000)),
    )


def memory_mb() -> int:
    return int(getattr(settings, "EXCEL_READ_MEMORY_MB", 1024))


def timeout_s() -> float:
    return float(getattr(settings, "EXCEL_READ_TIMEOUT_S", 120))


@dataclass
class PrecheckResult:
    kind: str  # "xlsx" or "xls"
    rows: int  # the largest row count any sheet reaches (an upper bound of data rows)
    stats: dict = field(default_factory=dict)


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
    stats: dict = field(default_factory=dict)


def _run(request: sandbox.Request):
    try:
        return sandbox.run(request, memory_mb=memory_mb(), timeout=timeout_s())
    except sandbox.SandboxRefused as exc:
        raise ExcelRejected(str(exc), exc.stats) from None


def precheck(path) -> PrecheckResult:
    """Refuse hostile or unreadable files before a parser sees them (in the sandbox)."""
    result, stats = _run(sandbox.Request(mode="check", path=str(Path(path).resolve()), limits=_limits_dict()))
    return PrecheckResult(kind=result["kind"], rows=result["rows"], stats=stats)


def read_table(path, header_aliases: dict[str, str], required: set[str]) -> Table:
    """Pre-check, parse and find the header row, in the sandbox; the data rows keyed by
    canonical header.

    ``header_aliases`` maps every accepted header spelling (already passed through
    ``header_key``) to its canonical header. The header row is the first row among the
    first 20 that carries all ``required`` headers (title rows and merged title cells
    above it are skipped). Blank rows and a trailing 合计 row are dropped."""
    request = sandbox.Request(mode="read", path=str(Path(path).resolve()), limits=_limits_dict(),
                              aliases=dict(header_aliases), required=sorted(required))
    found, stats = _run(request)
    headers = found["headers"]
    names = list(headers.values())
    rows = [SheetRow(number=number, cells=dict(zip(names, values))) for number, values in found["rows"]]
    return Table(sheet=found["sheet"], header_row=found["header_row"], headers=headers,
                 unknown_headers=found["unknown"], rows=rows, stats=stats)


def _limits_dict() -> dict:
    from dataclasses import asdict

    return asdict(limits())
