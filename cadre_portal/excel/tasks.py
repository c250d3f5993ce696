"""Celery tasks and outbox handlers of imports (and the handler of large exports:
``cadre_portal.excel.exports``). They take the job's primary key and
are idempotent: a job already past the step (or claimed by another worker) is left
alone.

Large imports are handed to a worker through the outbox (``PREVIEW_HANDLER``,
``COMMIT_HANDLER``), so a broker outage delays them and never loses them; beat's
sweep also fails jobs whose worker stopped beating (``fail_abandoned_imports``).
"""

from datetime import timedelta

from celery import shared_task

from cadre_portal.excel import exports, services
from cadre_portal.notifications import outbox

PREVIEW_HANDLER = "excel.preview_import"
COMMIT_HANDLER = "excel.commit_import"
# Longer than any import takes: a message is handed over again only when its worker
# died, and by then the sweep has failed the job (its heartbeat stopped), so the
# second delivery finds nothing to do.
IMPORT_LEASE = timedelta(minutes=30)


@outbox.handler(PREVIEW_HANDLER, atomic=False, lease=IMPORT_LEASE, max_attempts=3, label="导入文件检查")
def preview_job(*, job_id: str) -> None:
    services.run_preview(job_id)


@outbox.handler(COMMIT_HANDLER, atomic=False, lease=IMPORT_LEASE, max_attempts=3, label="导入写入")
def commit_job(*, job_id: str) -> None:
    services.run_commit(job_id)


@outbox.on_sweep
def fail_abandoned_imports() -> int:
    """Imports whose worker died: failed within minutes, the owner told why."""
    return services.fail_abandoned()


# Tasks sent before imports went through the outbox (a worker may still receive them).
@shared_task(name="excel.preview_import")
def preview_import(job_id: str) -> None:
    services.run_preview(job_id)


@shared_task(name="excel.commit_import")
def commit_import(job_id: str) -> None:
    services.run_commit(job_id)


@shared_task(name="excel.cleanup")
def cleanup() -> int:
    return services.cleanup_expired()


# --- background exports (through the outbox: see cadre_portal.excel.exports) ---------------


@outbox.handler(exports.HANDLER, atomic=False, lease=exports.LEASE, max_attempts=3, label="后台导出Excel")
def run_export(job_id: str) -> None:
    exports.run_export(job_id)


@outbox.on_sweep
def cleanup_exports() -> int:
    return exports.cleanup_exports()
