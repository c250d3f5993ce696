"""Every model the apps add keeps field-level history (django-simple-history)."""

from django.apps import apps

from cadre_portal.testing import PASSWORD

OUR_APPS = {"cadre_portal", "reserves", "youth_cadres", "talents", "notifications", "excel", "retention"}

# Records that are themselves logs or transient work items; history of them
# would be a log of a log.
EXEMPT = {
    "cadre_portal.AuditEvent",  # the audit log itself, never edited
    "excel.ImportJob",  # an upload in progress, deleted after confirm/cancel/expiry; audited as an import
    "excel.ExportJob",  # a background export's file, deleted at expiry; audited as an export
    "notifications.OutboxMessage",  # a queued follow-up of an action already recorded (its transition, its audit entry)
    "notifications.Heartbeat",  # a timestamp overwritten every minute
    "notifications.Reminder",  # generated in bulk by the scan, never edited; its notifications keep history
    "notifications.PlannedReminder",  # the scan's forecast, replaced by every scan
    "cadre_portal.LoginThrottle",  # counters rewritten on every failed login; lockouts and unlocks are audited
}


def test_every_model_of_ours_has_field_level_history():
    missing = []
    for model in apps.get_models():
        label = f"{model._meta.app_label}.{model.__name__}"
        if model._meta.app_label not in OUR_APPS or model.__name__.startswith("Historical"):
            continue
        if not model._meta.managed or model._meta.proxy or label in EXEMPT:
            continue
        if not hasattr(model, "history"):
            missing.append(label)
    assert not missing, f"models without HistoricalRecords: {missing}"


def test_history_records_the_acting_user(login, personas):
    from django.urls import reverse

    client = login(personas.officer_a)
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Xin-mima-2026!", "new_password2": "Xin-mima-2026!"},
    )
    # Password is excluded from history, but the save is recorded with who made it.
    latest = personas.officer_a.history.latest()
    assert latest.history_user == personas.officer_a
