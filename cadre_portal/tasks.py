"""Celery tasks of the shared package (autodiscovered by the Celery app)."""

from __future__ import annotations

from celery import shared_task

HOUSEKEEPING_TASK = "cadre_portal.tasks.housekeeping"


@shared_task(name=HOUSEKEEPING_TASK, ignore_result=True)
def housekeeping() -> dict:
    """Nightly: expired sessions, done outbox messages, audit events past retention
    (archived to a file with an audit entry, see ``cadre_portal.housekeeping``)."""
    from cadre_portal import housekeeping as jobs

    return jobs.run()
