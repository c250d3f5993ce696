"""Celery tasks of the reserves app: take primary keys, are safe to run twice."""

from __future__ import annotations

from celery import shared_task
from django.urls import reverse

from cadre_portal.models import Role
from cadre_portal.notifications import outbox

# Who hears about a decision: the county for what townships send up, the township for the answers.
_TO_COUNTY = {"submit", "committee", "committee_return"}
_TO_TOWNSHIP = {"file", "return", "reject", "final_file", "final_return", "admit", "appoint", "continue", "end"}


@outbox.handler("reserves.notify_transition", label="后备干部流程通知")
@shared_task
def notify_transition(transition_pk: int) -> int:
    """Tell the other side of a decision about it in their notification centre
    (only people whose scope covers the person's village)."""
    from cadre_portal.notifications import services
    from reserves.models import Transition

    row = Transition.objects.select_related("candidate__village__parent").filter(pk=transition_pk).first()
    if row is None:
        return 0
    if row.action in _TO_COUNTY:
        roles = [Role.COUNTY_STAFF]
    elif row.action in _TO_TOWNSHIP:
        roles = [Role.TOWNSHIP_OFFICER]
    else:
        return 0
    village = row.candidate.village
    # The transition id in the anchor makes each decision its own notification.
    return services.notify(
        recipients=services.users_responsible_for(village, roles),
        region=village,
        title=f"后备干部 {row.candidate.name}（{village.name}）：{row.get_action_display()}",
        body=row.opinion[:500],
        link=reverse("reserves:detail", args=[row.candidate_id]) + f"#t{row.pk}",
        exclude=row.by_id,
    )
