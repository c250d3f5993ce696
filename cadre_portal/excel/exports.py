"""Large exports in the background (issue 16 item 5).

An export of more rows than ``EXCEL_EXPORT_ASYNC_ROWS`` is not written inside the
request: ``start_export`` checks the filters (the same ``ExportParamsError`` as a direct
export), counts the rows, records an ``ExportJob`` and enqueues ``excel.run_export`` in
the same transaction through the outbox (``cadre_portal.notifications.outbox``): a Celery
worker writes it when a broker is configured, the request's own process after commit
when none is (the embedded default). ``run_export`` writes the file with XlsxWriter in
``constant_memory`` mode (flat memory whatever the row count), reports progress on the
job every 2,000 rows, stores it in the export storage and audits it. The user may leave
the page: the job page polls the job, and the excel index lists the user's recent
exports. The download link works for the job's owner only (another user gets a 404) and
until ``expires_at`` (``EXCEL_EXPORT_TTL_MINUTES`` after the file is ready); expired files
are deleted by the outbox sweep.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, storages
from django.db import transaction
from django.db.models import Q
from django.http import QueryDict
from django.utils import timezone

from cadre_portal.audit import record
from cadre_portal.excel import resources as registry_table
from cadre_portal.excel.models import ExportJob
from cadre_portal.excel.writing import temporary_file, write_export

log = logging.getLogger(__name__)

HANDLER = "excel.run_export"
# How long a worker may hold an export; the outbox delivers it again after that, and a job
# still "running" since before then belongs to a worker that died: it is taken over.
LEASE = timedelta(minutes=15)


def async_threshold() -> int:
    """Exports of more rows than this run in the background."""
    return int(getattr(settings, "EXCEL_EXPORT_ASYNC_ROWS", 5000))


def ttl() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "EXCEL_EXPORT_TTL_MINUTES", 60)))


def storage():
    """Where finished export files wait for their download (never served as media: only
    through the owner-checked download view). The ``excel_exports`` alias of ``STORAGES``
    when one is configured (several machines: a shared store, as for ``excel_imports``),
    else a folder (``EXCEL_EXPORT_DIR``, default ``MEDIA_ROOT/excel_exports``)."""
    if "excel_exports" in getattr(settings, "STORAGES", {}):
        return storages["excel_exports"]
    location = getattr(settings, "EXCEL_EXPORT_DIR", None) or str(settings.MEDIA_ROOT) + "/excel_exports"
    return FileSystemStorage(location=location, base_url=None)


def params_to_json(params) -> dict:
    """A request's filters as JSON (every value of a repeated parameter kept)."""
    if params is None:
        return {}
    if hasattr(params, "lists"):
        return {key: values for key, values in params.lists()}
    return {key: value if isinstance(value, list) else [value] for key, value in params.items()}


def params_from_json(data: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in (data or {}).items():
        query.setlist(key, list(values))
    return query


def _filters(params) -> dict:
    return {k: v for k, v in params.items() if v and k not in ("page", "csrfmiddlewaretoken")}


def download_name(title: str) -> str:
    return f"{title}-{timezone.localtime():%Y%m%d-%H%M}.xlsx"


def export_plan(*, user, registry_key: str, params):
    """(resource, queryset, row count) of an export, filters checked (ExportParamsError)."""
    from cadre_portal.excel.services import resource_for

    resource = resource_for(registry_key, user, {})
    queryset = resource.export_queryset(params)
    return resource, queryset, queryset.count()


def start_export(*, user, registry_key: str, params, request=None) -> ExportJob:
    """Record a background export of the user's filtered, scoped list and enqueue its writing
    (one transaction: the job and its outbox message exist together or not at all)."""
    resource, _queryset, count = export_plan(user=user, registry_key=registry_key, params=params)
    with transaction.atomic():
        job = ExportJob.objects.create(
            owner=user, registry=registry_key, params=params_to_json(params), total_rows=count,
            download_name=download_name(resource.title), expires_at=timezone.now() + ttl() + timedelta(hours=1),
        )
        from cadre_portal.notifications import outbox

        outbox.enqueue(HANDLER, job_id=str(job.pk))
    return job


def run_export(job_id: str) -> ExportJob | None:
    """Write a queued export (the outbox handler; idempotent: a job done, failed or held by a
    live worker is left alone)."""
    now = timezone.now()
    dead = Q(status=ExportJob.Status.RUNNING, started_at__lt=now - LEASE)
    claimed = ExportJob.objects.filter(Q(status=ExportJob.Status.QUEUED) | dead, pk=job_id).update(
        status=ExportJob.Status.RUNNING, progress=1, rows_written=0, started_at=now)
    job = ExportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or not claimed:
        return job
    try:
        resource, queryset, total = export_plan(user=job.owner, registry_key=job.registry,
                                                params=params_from_json(job.params))
        total = max(total, 1)

        def progress(rows):
            ExportJob.objects.filter(pk=job.pk).update(rows_written=rows, progress=min(99, max(1, rows * 100 // total)))

        with temporary_file() as fh:
            count = write_export(fh, resource, resource.iter_export_rows(queryset), progress=progress)
            fh.seek(0)
            name = storage().save(f"{job.pk}.xlsx", File(fh, name=f"{job.pk}.xlsx"))
    except Exception as exc:  # noqa: BLE001 - the user sees a Chinese message; the log has the cause
        log.exception("Excel export %s failed", job.pk)
        message = str(exc) if isinstance(exc, registry_table.ExportParamsError) else "导出时发生错误，请稍后重试，或联系系统管理员。"
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, message=message, progress=100,
                                                   finished_at=timezone.now())
        job.refresh_from_db()
        return job
    now = timezone.now()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, progress=100, rows_written=count, file_name=name, finished_at=now,
        expires_at=now + ttl(), message=f"已导出 {count} 条。",
    )
    record("export", user=job.owner, summary=f"导出{resource.title} {count} 条（后台）", registry=job.registry,
           rows=count, filters=_filters(params_from_json(job.params)), masked=resource.ctx.mask_id_numbers,
           background=True)
    job.refresh_from_db()
    return job


def open_download(job: ExportJob):
    return storage().open(job.file_name, "rb")


_SAFE_NAME = re.compile(r"^[0-9a-f-]+\.xlsx$")


def cleanup_exports(now=None) -> int:
    """Delete the files of expired exports and mark them expired; drop job rows a day after
    they expire, and files no job row names. Returns files deleted."""
    now = now or timezone.now()
    store = storage()
    removed = 0
    for job in ExportJob.objects.filter(expires_at__lt=now).exclude(file_name=""):
        store.delete(job.file_name)
        removed += 1
    ExportJob.objects.filter(expires_at__lt=now).exclude(status=ExportJob.Status.EXPIRED).update(
        status=ExportJob.Status.EXPIRED, file_name="")
    ExportJob.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    try:
        _dirs, files = store.listdir("")
    except FileNotFoundError:
        return removed
    live = set(ExportJob.objects.exclude(file_name="").values_list("file_name", flat=True))
    for name in files:
        if _SAFE_NAME.match(name) and name not in live:
            created = store.get_created_time(name)
            if created < now - timedelta(hours=1):
                store.delete(name)
                removed += 1
    return removed
