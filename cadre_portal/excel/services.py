"""Import jobs and exports: the multi-step writes behind the views and tasks.

``start_import`` pre-checks an upload and keeps it in the job's own folder of
the import storage (``cadre_portal.excel.storage``: a Django storage, never a
local path, so web and workers may be different machines; a refused file is
never stored); ``run_preview`` parses and validates once and keeps the
validated rows beside the upload; ``run_commit`` writes them all or nothing;
``cancel`` and ``cleanup_expired`` delete the files. A process working on a job
claims it and keeps its heartbeat fresh (``cadre_portal.excel.heartbeat``);
``fail_abandoned`` (run by beat's sweep) fails a job whose worker is gone.
Every import and export is written to the audit log.
"""

from __future__ import annotations

import gc
import logging
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from cadre_portal.audit import record
from cadre_portal.notifications import outbox
from cadre_portal.excel import engine, heartbeat
from cadre_portal.excel import storage as import_files
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
    """The local folder of the filesystem import storage (.lrmx uploads keep theirs here)."""
    return import_files.default_location()


def async_threshold() -> int:
    return int(getattr(settings, "EXCEL_ASYNC_ROWS", 2000))


def runs_in_background() -> bool:
    """A broker is configured (settings: eager without REDIS_URL)."""
    from cadre_portal.celery import app

    return not app.conf.task_always_eager


def _upload_name(job: ImportJob) -> str:
    return f"{job.stored_dir}/{UPLOAD_NAME}{Path(job.original_name).suffix.lower()}"


def _rows_name(job: ImportJob) -> str:
    return f"{job.stored_dir}/{ROWS_NAME}"


def _delete_files(job: ImportJob) -> None:
    import_files.delete_folder(job.stored_dir)


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
    suffix = Path(name).suffix.lower()
    # Pre-checked in a private local copy; only a file that passes is stored.
    with tempfile.TemporaryDirectory(prefix="excel-upload-") as scratch:
        target = Path(scratch) / (UPLOAD_NAME + suffix)
        with target.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        try:
            checked = precheck(target)
        except ExcelRejected as exc:
            _refused(user=user, request=request, registry_key=registry_key, name=name, exc=exc)
            raise
        job = ImportJob.objects.create(owner=user, registry=registry_key, original_name=name, options=options or {},
                                       preview={"estimated_rows": checked.rows, "kind": checked.kind})
        job.stored_dir = str(job.pk)
        try:
            with target.open("rb") as fh:
                import_files.put(_upload_name(job), fh)
        except Exception:
            job.delete()
            _delete_files(job)
            raise
    job.save(update_fields=["stored_dir"])
    return job


@contextmanager
def upload_copy(job: ImportJob):
    """A private local copy of the job's upload (a path) for the parser."""
    try:
        with import_files.local_copy(_upload_name(job), Path(job.original_name).suffix.lower()) as path:
            yield path
    except FileNotFoundError:
        raise ExcelRejected("上传的文件已不存在（可能已过期或已取消），请重新上传。") from None


class JobAbandoned(Exception):
    """The job was cancelled by its owner, or failed by the sweep, while it was being
    worked on: the work stops and anything being written is rolled back."""


ABANDONED_MESSAGE = "处理本次导入的后台进程已中断（超过 {minutes} 分钟没有响应），没有写入任何数据。请重新上传文件再试。"


def run_preview(job_id) -> ImportJob:
    """Parse and validate the upload once; keep the validated rows for confirm."""
    with gc_paused():
        return _run_preview(job_id)


def _run_preview(job_id) -> ImportJob:
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    token = heartbeat.new_token()
    # Claimed once (a conditional update): a second delivery of the same task, or a
    # job cancelled while it waited, is left alone.
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.VALIDATING, progress=5, worker=token, heartbeat_at=timezone.now())
    if not claimed:
        job.refresh_from_db()
        return job
    job.refresh_from_db()
    try:
        with heartbeat.beating(job.pk, token):
            return _validate(job)
    except JobAbandoned:
        _delete_files(job)
    except Exception:
        log.exception("Excel import %s: validation failed", job.pk)
        if _fail(job, "检查文件时发生错误，没有写入任何数据。请稍后重试，或联系系统管理员。",
                 audit_summary=f"导入检查失败：{job.original_name}", error="internal error"):
            _delete_files(job)
    job.refresh_from_db()
    return job


def _validate(job: ImportJob) -> ImportJob:
    resource = resource_for(job, job.owner)

    def progress(pct):
        # Also how a cancellation (or the sweep) reaches a running validation.
        if not ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATING).update(progress=pct):
            raise JobAbandoned

    try:
        with upload_copy(job) as path:
            table = read_table(path, resource.header_aliases(), resource.required_headers())
        progress(20)
        results = engine.validate(resource, table, progress=progress)
    except ExcelRejected as exc:
        _delete_files(job)
        _fail(job, str(exc), audit_summary=f"拒绝导入文件 {job.original_name}：{exc}"[:255], refused=str(exc))
        job.refresh_from_db()
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
        "warnings": [
            {"row": r.number, "column": header, "message": message}
            for r in results if r.status in ("new", "update") for header, message in r.warnings
        ][:MAX_ERRORS_KEPT],
        "ignored_headers": [h for h in table.unknown_headers if h not in resource.known_headers()][:20],
        "sheet": table.sheet,
        "header_row": table.header_row,
    }
    import_files.save_bytes(_rows_name(job), engine.dumps_rows(results))
    previewed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.VALIDATING).update(
        status=ImportJob.Status.PREVIEWED,
        progress=100,
        worker="",
        total_rows=tally["total"],
        new_rows=tally["new"],
        updated_rows=tally["update"],
        unchanged_rows=tally["unchanged"],
        error_rows=tally["error"],
        errors=errors[:MAX_ERRORS_KEPT],
        preview=preview,
        message="" if tally["total"] else "文件中没有数据行。",
    )
    if not previewed:
        raise JobAbandoned
    job.refresh_from_db()
    return job


def run_commit(job_id, *, request=None) -> ImportJob:
    """Write the previewed rows, all or nothing, then delete the files and audit."""
    with gc_paused():
        return _run_commit(job_id, request=request)


def _run_commit(job_id, *, request=None) -> ImportJob:
    job = ImportJob.objects.select_related("owner").get(pk=job_id)
    token = heartbeat.new_token()
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.COMMITTING, worker="").update(
        worker=token, heartbeat_at=timezone.now())
    if not claimed:
        job.refresh_from_db()
        return job
    with heartbeat.beating(job.pk, token):
        _write(job, request=request)
    _delete_files(job)
    job.refresh_from_db()
    return job


def _write(job: ImportJob, *, request=None) -> None:
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
        rows = engine.loads_rows(import_files.read_bytes(_rows_name(job)))
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
        # Through the outbox: with the broker down the job waits (cancellable) and the
        # sweep hands it to a worker once the broker is back.
        outbox.enqueue(tasks.PREVIEW_HANDLER, job_id=str(job.pk))
    else:
        run_preview(job.pk)
        job.refresh_from_db()


def request_commit(job: ImportJob, *, request=None) -> bool:
    """Move a previewed job to committing (once: a conditional update) and run or queue it."""
    from cadre_portal.excel import tasks

    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.PREVIEWED, error_rows=0).update(
        status=ImportJob.Status.COMMITTING, progress=10, worker="", heartbeat_at=None
    )
    if not claimed:
        return False
    if runs_in_background() and job.total_rows > async_threshold():
        outbox.enqueue(tasks.COMMIT_HANDLER, job_id=str(job.pk))
    else:
        run_commit(job.pk, request=request)
    job.refresh_from_db()
    return True


def cancel(job: ImportJob, *, user=None, request=None) -> bool:
    """Cancel a job in any unfinished state (or clear away a failed one) and delete its
    files. A worker still validating it stops at its next progress step; one writing it
    rolls back (``mark_done`` finds it no longer committing). False when the job had
    already finished (imported, cancelled, expired)."""
    cancelled = ImportJob.objects.filter(pk=job.pk, status__in=ImportJob.CANCELLABLE).update(
        status=ImportJob.Status.CANCELLED, finished_at=timezone.now())
    if cancelled:
        _delete_files(job)
        record("import", user=user or job.owner, request=request, summary=f"取消导入：{job.original_name}"[:255],
               registry=job.registry, file=job.original_name, job_status=job.get_status_display())
    job.refresh_from_db()
    return bool(cancelled)


def fail_abandoned(now=None) -> int:
    """Fail every job whose worker stopped beating (killed, host lost) and delete its
    files: nothing was written (a killed commit's transaction died with it). Beat's
    sweep runs this every minute. Returns how many jobs were failed."""
    now = now or timezone.now()
    limit = heartbeat.stale_after()
    minutes = max(1, round(limit.total_seconds() / 60))
    stale = ImportJob.objects.filter(
        status__in=(ImportJob.Status.VALIDATING, ImportJob.Status.COMMITTING), heartbeat_at__lt=now - limit,
    ).exclude(worker="").select_related("owner")
    failed = 0
    for job in stale:
        if _fail(job, ABANDONED_MESSAGE.format(minutes=minutes), audit_summary=f"导入中断：{job.original_name}",
                 error="worker lost", worker=job.worker, last_heartbeat=job.heartbeat_at.isoformat()):
            _delete_files(job)
            failed += 1
            log.warning("Import job %s failed: its worker %s stopped beating at %s", job.pk, job.worker,
                        job.heartbeat_at)
    return failed


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
    live = {str(pk) for pk in ImportJob.objects.exclude(stored_dir="").values_list("pk", flat=True)}
    for folder in import_files.folders():
        if folder in live:
            continue
        stamp = import_files.modified_timestamp(folder)
        if stamp is None or stamp < now.timestamp() - 3600:
            import_files.delete_folder(folder)
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
