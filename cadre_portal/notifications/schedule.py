"""Fixed periodic jobs (besides the reminder scans, which get one entry per kind).

An app that needs a job run on a schedule registers it here — in its
``AppConfig.ready()`` — and ``migrate`` creates the django-celery-beat entry
(``sync()``, run after every migrate; an entry an administrator has edited is
left as it is)::

    from cadre_portal.notifications import schedule

    schedule.register("excel.cleanup", "清理过期的导入文件", crontab="15 3 * * *")

``every`` is a number of seconds; ``crontab`` is "minute hour day month weekday"
in Asia/Shanghai. Without a broker, cron runs ``manage.py outbox_sweep`` and
``manage.py housekeeping`` instead (see README).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Entry:
    task: str
    name: str
    every: int | None = None
    crontab: str | None = None
    description: str = ""


_ENTRIES: dict[str, Entry] = {}


def register(task: str, name: str, *, every: int | None = None, crontab: str | None = None, description: str = "") -> None:
    if (every is None) == (crontab is None):
        raise ValueError("Give either every (seconds) or crontab.")
    _ENTRIES[task] = Entry(task, name, every, crontab, description or name)


def entries() -> list[Entry]:
    return list(_ENTRIES.values())


def sync() -> int:
    """Create the beat entries that are missing; returns how many were created."""
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask, PeriodicTasks

    created = 0
    for entry in entries():
        if PeriodicTask.objects.filter(task=entry.task).exists():
            continue
        options = {}
        if entry.every is not None:
            options["interval"], _ = IntervalSchedule.objects.get_or_create(
                every=entry.every, period=IntervalSchedule.SECONDS)
        else:
            minute, hour, day, month, weekday = entry.crontab.split()
            options["crontab"], _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_month=day, month_of_year=month, day_of_week=weekday,
                timezone=settings.TIME_ZONE)
        name = entry.name if not PeriodicTask.objects.filter(name=entry.name).exists() else f"{entry.name}（{entry.task}）"
        PeriodicTask.objects.create(name=name, task=entry.task, description=entry.description, enabled=True, **options)
        created += 1
    if created:
        PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})
    return created
