"""Import jobs and exports: the multi-step writes behind the views and tasks.

``start_import`` stores the upload in the job's own folder and pre-checks it
(a refused file is deleted at once); ``run_preview`` parses and validates once
and keeps the validated rows as JSON beside the upload; ``run_commit`` writes
them all or nothing; ``cancel`` and ``cleanup_expired`` delete the files.
Every import and export is written to the audit log.
"""

from __future__ import annotations

import gc
import logging
import shutil
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cadre_portal.audit import record
from cadre_portal.excel import engine
from cadre_portal.excel import resources as registry_table
from cadre_portal.excel.resources import ImportRefused
from cadre_portal.excel.models import ImportJob
from cadre_portal.excel.reading import ExcelRejected, precheck, read_table
from cadre_portal.excel.writing import temporary_file, write_export, write_template

log = logging.getLogger(__name__)

UPLOAD_NAME = "upload"
ROWS_NAME = "rows.pickle"
PREVIEW_ROWS = 200
MAX_ERRORS_KEPT = 1000
ALLOWED_SUFFIXES = (".xlsx", ".xls", ".xlsm")


@contextmanager
def gc_paused():
    """Python's cyclic garbage collector off while a file's rows are read, validated or
    written: tens of thousands of new objects otherwise trigger full collections over the
    whole heap (0.1–0.4 s each, at random points). Reference counting still frees
    everything acyclic; the collector runs as usual afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def storage_root() -> Path:
    root = getattr(settings, "EXCEL_IMPORT_DIR", None) or Path(settings.MEDIA_ROOT) / "excel_imports"
    return Path(root)


def async_threshold() -> int:
    return int(getattr(settings, "EXCEL_ASYNC_ROWS", 2000))


def runs_in_background() -> bool:
    """A broker is configured (settings: eager without REDIS_URL)."""
    from cadre_portal.celery import app

    return not app.conf.task_always_eager


def _job_dir(job: ImportJob) -> Path:
    return Path(job.stored_dir)


def _delete_files(job: ImportJob) -> None:
    if job.stored_dir:
        shutil.rmtree(job.stored_dir, ignore_errors=True)


def _set(job: ImportJob, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=list(fields))


def resource_for(job_or_key, user, options=None):
    key = job_or_key.registry if isinstance(job_or_key, ImportJob) else job_or_key
    cls = registry_table.get(key)
    if cls is None:
        raise ExcelRejected("未知的数据类别。")
    opts = options if options is not None else (job_or_key.options if isinstance(job_or_key, ImportJob) else {})
    return cls(user=user, options=opts)


def _refused(*, user, request, registry_key: str, name: str, exc: ExcelRejected) -> None:
    """Every refused file is audited, whatever refused it (name, size, content)."""
    record("import", user=user, request=request, summary=f"拒绝导入文件 {name}：{exc}"[:255],
           registry=registry_key, file=name, refused=str(exc))


def check_upload(name: str, size: int) -> None:
    """What can be refused from the name and size alone, before anything is stored."""
    from cadre_portal.excel.reading import human_size, max_bytes

    if not name.lower().endswith(ALLOWED_SUFFIXES):
        raise ExcelRejected("只能上传 Excel 文件（.xlsx 或 .xls）。")
    if size > max_bytes():
        raise ExcelRejected(f"文件大小为 {human_size(size)}，超过上限 {human_size(max_bytes())}，请拆分后分批导入。")
    if size == 0:
        raise ExcelRejected("文件是空的，请重新选择。")


def start_import(*, user, registry_key: str, upload, options: dict | None = None, request=None) -> ImportJob:
    """Store an upload for ``user`` and pre-check it. Raises ExcelRejected (nothing kept,
    the refusal audited)."""
    name = Path(upload.name or "").name[:200] or "未命名.xlsx"
    try:
        check_upload(name, upload.size)
    except ExcelRejected as exc:
        _refused(user=user, request=request, registry_key=registry_key, name=name, exc=exc)
        raise
    cleanup_expired()
    job = ImportJob.objects.create(owner=user, registry=registry_key, original_name=name, options=options or {})
    folder = storage_root() / str(job.pk)
    folder.mkdir(parents=True, exist_ok=True)
    job.stored_dir = str(folder)
    job.save(update_fields=["stored_dir"])
    target = folder / (UPLOAD_NAME + Path(name).suffix.lower())
    try:
        with target.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        checked = precheck(target)
    except ExcelRejected as exc:
        _delete_files(job)
        job.delete()
        _refused(user=user, request=request, registry_key=registry_key, name=name, exc=exc)
        raise
    job.preview = {"estimated_rows": checked.rows, "kind": checked.kind}
    job.save(update_fields=["preview"])
    return job


def upload_path(job: ImportJob) -> Path:
    for path in _job_dir(job).glob(UPLOAD_NAME + ".*"):
        return path
    raise ExcelRejected("上传的文件已不存在（可能已过期），请重新上传。")


def run_preview(job_id) -> ImportJob:
    """Parse and validate the upload once; keep the validated rows for confirm."""
    with gc_paused():
        return _run_preview(job_id)


def _run_preview(job_id) -> ImportJob:
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING):
        return job
    _set(job, status=ImportJob.Status.VALIDATING, progress=5)
    resource = resource_for(job, job.owner)

    def progress(pct):
        ImportJob.objects.filter(pk=job.pk).update(progress=pct)

    try:
        table = read_table(upload_path(job), resource.header_aliases(), resource.required_headers())
        progress(20)
        results = engine.validate(resource, table, progress=progress)
    except ExcelRejected as exc:
        _delete_files(job)
        _set(job, status=ImportJob.Status.FAILED, message=str(exc), progress=100, finished_at=timezone.now())
        record("import", user=job.owner, summary=f"拒绝导入文件 {job.original_name}：{exc}"[:255],
               registry=job.registry, file=job.original_name, refused=str(exc))
        return job
    tally = engine.counts(results)
    errors = [
        {"row": row.number, "column": header, "message": message}
        for row in results if row.status == "error" for header, message in row.errors
    ]
    shown = [r for r in results if r.status in ("new", "update")][:PREVIEW_ROWS]
    headers = [c.header for c in resource.import_columns() if c.header in table.headers.values()]
    preview = {
        "headers": headers,
        "rows": [{"row": r.number, "status": r.status, "cells": engine.display(r, headers),
                  "changes": r.changes} for r in shown],
        "ignored_headers": [h for h in table.unknown_headers if h not in resource.known_headers()][:20],
        "sheet": table.sheet,
        "header_row": table.header_row,
    }
    engine.dump_rows(results, _job_dir(job) / ROWS_NAME)
    _set(
        job,
        status=ImportJob.Status.PREVIEWED,
        progress=100,
        total_rows=tally["total"],
        new_rows=tally["new"],
        updated_rows=tally["update"],
        unchanged_rows=tally["unchanged"],
        error_rows=tally["error"],
        errors=errors[:MAX_ERRORS_KEPT],
        preview=preview,
        message="" if tally["total"] else "文件中没有数据行。",
    )
    return job


def run_commit(job_id, *, request=None) -> ImportJob:
    """Write the previewed rows, all or nothing, then delete the files and audit."""
    with gc_paused():
        return _run_commit(job_id, request=request)


class JobAbandoned(Exception):
    """The job was cancelled by its owner, or failed by the sweep, while it was being
    written: the write is rolled back."""


def _run_commit(job_id, *, request=None) -> ImportJob:
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    if job.status != ImportJob.Status.COMMITTING:
        return job
    resource = resource_for(job, job.owner)

    def mark_done(result):
        # In the same transaction as the data: a job is "done" exactly when its rows are written.
        message = f"已导入：新增 {result['created']} 条，更新 {result['updated']} 条，无变化 {result['unchanged']} 条。"
        claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.COMMITTING).update(
            status=ImportJob.Status.DONE, progress=100, finished_at=timezone.now(), new_rows=result["created"],
            updated_rows=result["updated"], unchanged_rows=result["unchanged"], message=message,
        )
        if not claimed:
            raise JobAbandoned
        record(
            "import", user=job.owner, request=request,
            summary=f"导入{resource.title}：{job.original_name}，新增 {result['created']} 条，更新 {result['updated']} 条",
            registry=job.registry, file=job.original_name, created=result["created"], updated=result["updated"],
            unchanged=result["unchanged"], options=job.options,
        )

    try:
        rows = engine.load_rows(_job_dir(job) / ROWS_NAME)
        engine.commit(resource, rows, before_commit=mark_done)
    except JobAbandoned:
        pass
    except (ImportRefused, ExcelRejected, FileNotFoundError) as exc:
        if isinstance(exc, FileNotFoundError):
            message = "预览数据已不存在（可能已过期），请重新上传。"
        else:
            message = str(exc)
        errors = [{"row": row, "column": header, "message": text} for row, header, text in getattr(exc, "errors", [])]
        _fail(job, f"确认导入时发现问题，没有写入任何数据。{message}", errors=errors, request=request,
              audit_summary=f"导入{resource.title}失败：{job.original_name}", error=message)
    except Exception:
        log.exception("Excel import %s failed", job.pk)
        _fail(job, "导入时发生错误，没有写入任何数据。请稍后重试，或联系系统管理员。", request=request,
              audit_summary=f"导入{resource.title}失败：{job.original_name}", error="internal error")
    _delete_files(job)
    job.refresh_from_db()
    return job


def _fail(job: ImportJob, message: str, *, errors=None, request=None, audit_summary: str, **detail) -> bool:
    """Mark an unfinished job failed (not one cancelled or finished meanwhile) and audit it."""
    fields = {"status": ImportJob.Status.FAILED, "message": message, "progress": 100, "finished_at": timezone.now()}
    if errors:
        fields.update(errors=errors[:MAX_ERRORS_KEPT], error_rows=len({e["row"] for e in errors}))
    failed = ImportJob.objects.filter(pk=job.pk).exclude(status__in=ImportJob.FINISHED).update(**fields)
    if failed:
        record("import", user=job.owner, request=request, summary=audit_summary, registry=job.registry,
               file=job.original_name, **detail)
    return bool(failed)


def request_preview(job: ImportJob) -> None:
    """Validate inline for small files; hand large ones to a Celery worker when one is configured."""
    from cadre_portal.excel import tasks

    if runs_in_background() and job.preview.get("estimated_rows", 0) > async_threshold():
        transaction.on_commit(lambda: tasks.preview_import.delay(str(job.pk)))
    else:
        run_preview(job.pk)
        job.refresh_from_db()


def request_commit(job: ImportJob, *, request=None) -> bool:
    """Move a previewed job to committing (once: a conditional update) and run or queue it."""
    from cadre_portal.excel import tasks

    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED, error_rows=0).update(
        status=ImportJob.Status.COMMITTING, progress=10
    )
    if not claimed:
        return False
    if runs_in_background() and job.total_rows > async_threshold():
        transaction.on_commit(lambda: tasks.commit_import.delay(str(job.pk)))
    else:
        run_commit(job.pk, request=request)
    job.refresh_from_db()
    return True


def cancel(job: ImportJob) -> None:
    _delete_files(job)
    _set(job, status=ImportJob.Status.CANCELLED, finished_at=timezone.now())


def cleanup_expired(now=None) -> int:
    """Delete the files of expired jobs (and of finished ones, in case a step was
    interrupted), and drop job rows a day after they expire. Returns folders removed."""
    now = now or timezone.now()
    removed = 0
    stale = ImportJob.objects.filter(expires_at__lt=now).exclude(status=ImportJob.Status.COMMITTING)
    for job in stale.exclude(stored_dir=""):
        _delete_files(job)
        removed += 1
    stale.exclude(status__in=ImportJob.FINISHED).update(status=ImportJob.Status.EXPIRED, stored_dir="")
    stale.update(stored_dir="")
    for job in ImportJob.objects.filter(status__in=ImportJob.FINISHED).exclude(stored_dir=""):
        _delete_files(job)
        removed += 1
    ImportJob.objects.filter(status__in=ImportJob.FINISHED).exclude(stored_dir="").update(stored_dir="")
    from datetime import timedelta

    ImportJob.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    # Folders left behind by a crash, with no job row.
    root = storage_root()
    if root.is_dir():
        live = {str(pk) for pk in ImportJob.objects.exclude(stored_dir="").values_list("pk", flat=True)}
        for folder in root.iterdir():
            if folder.is_dir() and folder.name not in live and folder.stat().st_mtime < now.timestamp() - 3600:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
    return removed


# --- export and templates ----------------------------------------------------------


def export_file(*, user, registry_key: str, params=None, request=None):
    """(open temp file positioned at 0, row count) with the user's filtered, scoped records."""
    resource = resource_for(registry_key, user, {})
    queryset = resource.export_queryset(params)
    fh = temporary_file()
    count = write_export(fh, resource, resource.iter_export_rows(queryset))
    fh.seek(0)
    filters = {k: v for k, v in (params or {}).items() if v and k not in ("page", "csrfmiddlewaretoken")}
    record("export", user=user, request=request, summary=f"导出{resource.title} {count} 条",
           registry=registry_key, rows=count, filters=filters, masked=resource.ctx.mask_id_numbers)
    return fh, count


def template_file(*, user, registry_key: str):
    resource = resource_for(registry_key, user, {})
    fh = temporary_file()
    write_template(fh, resource)
    fh.seek(0)
    return fh
