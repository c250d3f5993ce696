"""Reading uploads in a child process with a hard memory cap.

Whatever the pre-check misses — an unforeseen class of hostile file, a parser bug —
must fail one import with a clear message, never take the web server or the worker
down. So the pre-check (``filecheck``) and the parse (python-calamine) run in a child
process started for the purpose, under ``resource.setrlimit``: address space
(``EXCEL_READ_MEMORY_MB``), CPU seconds (``EXCEL_READ_TIMEOUT_S``), no core file, no file
writes; its environment carries no secrets. The parent waits at most the timeout and
kills the child after it. The child answers on its stdout with a pickle of plain values
only (read back with an unpickler that accepts nothing else) and reports its own
resident memory before and at the peak of the work, which the tests use to show that
hostile files are refused within a bound.

This file is also the child's program (``python -I sandbox.py``): it then imports its
two Django-free siblings ``filecheck`` and ``sheet`` directly.
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass

if __package__:
    from cadre_portal.excel import filecheck, sheet
else:  # running as the child program
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import filecheck  # noqa: E402
    import sheet  # noqa: E402

CHILD = os.path.abspath(__file__)
log = logging.getLogger(__name__)
MEMORY_MESSAGE = ("读取该文件所需的内存超过上限，系统已停止读取（文件可能含有异常的数据区域）。"
                  "请用 Excel 或 WPS 删除多余的行列后另存为 .xlsx，再上传。")
TIMEOUT_MESSAGE = "读取该文件超时，系统已停止读取（文件可能含有异常的数据区域）。请删除多余的行列后另存为 .xlsx，再上传。"
FAILED_MESSAGE = "文件无法按 Excel 工作簿读取（可能已损坏或格式不对），请用 Excel 或 WPS 另存为 .xlsx 后上传。"


class SandboxRefused(Exception):
    """The child refused or could not read the file; ``str()`` is for the user."""

    def __init__(self, message: str, stats: dict | None = None):
        super().__init__(message)
        self.stats = stats or {}


@dataclass
class Request:
    mode: str  # "check" (pre-check only) or "read" (pre-check, then parse and locate the header)
    path: str
    limits: dict
    aliases: dict | None = None
    required: list | None = None
    check: bool = True  # tests may skip the pre-check to show the memory cap alone


# --- the parent side ------------------------------------------------------------------


def run(request: Request, *, memory_mb: int, timeout: float):
    """Run ``request`` in a child; return (result, stats) or raise SandboxRefused."""
    payload = pickle.dumps(asdict(request), protocol=pickle.HIGHEST_PROTOCOL)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8",
           "EXCEL_SANDBOX_MEMORY_MB": str(memory_mb), "EXCEL_SANDBOX_TIMEOUT_S": str(int(timeout) + 1)}
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-I", CHILD],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, close_fds=True,
    )
    try:
        out, err = proc.communicate(payload, timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise SandboxRefused(TIMEOUT_MESSAGE, {"elapsed": time.monotonic() - started, "killed": "timeout"}) from None
    stats = {"elapsed": time.monotonic() - started, "returncode": proc.returncode}
    if proc.returncode != 0 or not out:
        code = -proc.returncode if proc.returncode < 0 else 0
        if code == signal.SIGXCPU:
            raise SandboxRefused(TIMEOUT_MESSAGE, stats)
        if code in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV, signal.SIGBUS) or b"memory allocation" in err \
                or b"MemoryError" in err:
            raise SandboxRefused(MEMORY_MESSAGE, stats)
        stderr = err[-4000:].decode("utf-8", "replace")
        log.warning("Excel reading child failed (exit %s): %s", proc.returncode, stderr)
        raise SandboxRefused(FAILED_MESSAGE, {**stats, "stderr": stderr})
    status, result, child_stats = _loads(out)
    stats.update(child_stats)
    if status == "refused":
        raise SandboxRefused(result, stats)
    if status == "memory":
        raise SandboxRefused(MEMORY_MESSAGE, stats)
    return result, stats


class _PlainUnpickler(pickle.Unpickler):
    """Only builtins and the datetime types a spreadsheet cell can hold."""

    ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta"),
               ("builtins", "set"), ("builtins", "frozenset")}

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed")


def _loads(data: bytes):
    return _PlainUnpickler(io.BytesIO(data)).load()


# --- the child side ---------------------------------------------------------------------


def _limit_resources() -> None:
    import resource

    memory = int(os.environ.get("EXCEL_SANDBOX_MEMORY_MB", "1024")) * 1024 * 1024
    cpu = int(os.environ.get("EXCEL_SANDBOX_TIMEOUT_S", "120"))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))


def _status_kb(field: str) -> int:
    """A memory figure of this process from /proc (kB). ``VmHWM`` is the peak resident set
    of this program's own address space: ``ru_maxrss`` would also count the parent's
    resident set at the fork."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _read(request: dict) -> dict:
    """Parse with calamine and locate the header row (first of up to five visible sheets)."""
    from python_calamine import CalamineWorkbook

    limits = filecheck.Limits(**request["limits"])
    aliases, required = request["aliases"], set(request["required"])
    try:
        workbook = CalamineWorkbook.from_path(request["path"])
    except MemoryError:
        raise
    except Exception as exc:  # calamine raises one error type per format problem
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise filecheck.Refused("文件设置了密码，系统无法读取。请取消密码后另存，再上传。") from None
        raise filecheck.Refused(FAILED_MESSAGE) from None
    try:
        candidates = []
        for meta in workbook.sheets_metadata:
            visible = str(getattr(meta, "visible", "visible")).lower()
            if "hidden" in visible or meta.name.strip() in sheet.SKIP_SHEETS:
                continue
            candidates.append(meta.name)
        if not candidates:
            raise filecheck.Refused("工作簿中没有可导入的工作表。")
        for name in candidates[:5]:
            try:
                data = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=limits.row_limit + 1)
            except MemoryError:
                raise
            except Exception:
                raise filecheck.Refused("文件无法按 Excel 工作簿读取（可能已损坏或设置了密码），请用 Excel 或 WPS 另存为 .xlsx 后上传。") from None
            found = sheet.locate(data, aliases, required)
            del data
            if found is not None:
                found["sheet"] = name
                if len(found["rows"]) > limits.max_rows:
                    raise filecheck.Refused(
                        f"文件有 {len(found['rows'])} 行数据，超过单次导入上限 {limits.max_rows} 行，请拆分后分批导入。")
                return found
        need = "、".join(sorted(required))
        raise filecheck.Refused(f"在工作表前 {sheet.HEADER_SCAN_ROWS} 行中找不到表头（应包含：{need}），请使用下载的模板填写。")
    finally:
        workbook.close()


def main() -> None:
    request = pickle.load(sys.stdin.buffer)  # from our own parent
    _limit_resources()
    base = _status_kb("VmRSS")
    try:
        limits = filecheck.Limits(**request["limits"])
        checked = filecheck.check(request["path"], limits) if request["check"] else None
        if request["mode"] == "check":
            result = {"kind": checked.kind, "rows": checked.rows, "cells": checked.cells} if checked else None
        else:
            result = _read(request)
            if checked is not None:
                result["kind"] = checked.kind
        status = "ok"
    except filecheck.Refused as exc:
        status, result = "refused", str(exc)
    except MemoryError:
        status, result = "memory", ""
    stats = {"base_kb": base, "peak_kb": _status_kb("VmHWM")}
    sys.stdout.buffer.write(pickle.dumps((status, result, stats), protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
