"""Create one django-celery-beat PeriodicTask per registered reminder kind
(daily scan; editable in the admin), and each kind's ReminderSetting row.

Kinds registered later get theirs from the post_migrate hook in apps.py,
which runs the same function.
"""

from django.db import migrations


def create_periodic_tasks(apps, schema_editor):
    from cadre_portal.notifications import registry
    from cadre_portal.notifications.services import sync_periodic_tasks

    sync_periodic_tasks(
        PeriodicTask=apps.get_model("django_celery_beat", "PeriodicTask"),
        CrontabSchedule=apps.get_model("django_celery_beat", "CrontabSchedule"),
        PeriodicTasks=apps.get_model("django_celery_beat", "PeriodicTasks"),
    )
    ReminderSetting = apps.get_model("notifications", "ReminderSetting")
    for kind in registry.all_kinds():
        ReminderSetting.objects.get_or_create(
            kind=kind.key,
            defaults={
                "lead_days": kind.default_lead_days,
                "notify_township_officers": kind.default_notify_township_officers,
                "notify_county_staff": kind.default_notify_county_staff,
                "send_email": kind.default_send_email,
                "window_start": kind.default_window_start,
                "window_end": kind.default_window_end,
            },
        )


def remove_periodic_tasks(apps, schema_editor):
    from cadre_portal.notifications.services import SCAN_TASK

    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task=SCAN_TASK).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_periodic_tasks, remove_periodic_tasks)]
