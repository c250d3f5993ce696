"""Celery tasks of the reserves app: take primary keys, are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse

from cadre_portal.models import Role, User

# Who hears about a decision: the county for what townships send up, the township for the answers.
_TO_COUNTY = {"submit", "committee"}
_TO_TOWNSHIP = {"file", "return", "reject", "final_file", "final_return", "admit", "appoint"}


@shared_task
def notify_transition(transition_pk: int) -> int:
    """Tell the other side of a decision about it in their notification centre."""
    from cadre_portal.notifications.models import Notification
    from reserves.models import Transition

    row = Transition.objects.select_related("candidate__village__parent").filter(pk=transition_pk).first()
    if row is None:
        return 0
    if row.action in _TO_COUNTY:
        recipients = User.objects.filter(role=Role.COUNTY_STAFF, is_active=True)
    elif row.action in _TO_TOWNSHIP:
        township = row.candidate.village.parent
        recipients = User.objects.filter(role=Role.TOWNSHIP_OFFICER, is_active=True, region=township)
    else:
        return 0
    # The transition id in the anchor makes each decision its own notification.
    link = reverse("reserves:detail", args=[row.candidate_id]) + f"#t{row.pk}"
    title = f"后备干部 {row.candidate.name}（{row.candidate.village.name}）：{row.get_action_display()}"
    # Idempotent: a redelivered task does not notify twice.
    existing = set(Notification.objects.filter(title=title, link=link).values_list("recipient_id", flat=True))
    items = [
        Notification(recipient=u, title=title, body=row.opinion[:500], link=link)
        for u in recipients.exclude(pk__in=existing).exclude(pk=row.by_id)
    ]
    Notification.objects.bulk_create(items)
    return len(items)
