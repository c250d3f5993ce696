"""Celery tasks for large imports. They take the job's primary key and are
idempotent: a job already past the step is left alone."""

from celery import shared_task

from cadre_portal.excel import services


@shared_task(name="excel.preview_import")
def preview_import(job_id: str) -> None:
    services.run_preview(job_id)


@shared_task(name="excel.commit_import")
def commit_import(job_id: str) -> None:
    services.run_commit(job_id)


@shared_task(name="excel.cleanup")
def cleanup() -> int:
    return services.cleanup_expired()
