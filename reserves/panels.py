"""Home-page panels of the reserves app (registered in ReservesConfig.ready)."""

from __future__ import annotations

from django.db.models import Count, Q

from cadre_portal.models import Region
from reserves import duties
from reserves.models import VILLAGE_MAX, VILLAGE_MIN, Candidate, FollowUpVisit

S = Candidate.Stage


def _villages_outside(user):
    """The user's villages outside 3–7, each counted over the user's own (scoped)
    candidates — never a count over related rows that bypasses ``visible_to``."""
    active = dict(
        Candidate.objects.visible_to(user).active().order_by().values("village_id")
        .annotate(n=Count("pk")).values_list("village_id", "n")
    )
    villages = Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE).order_by("path").values("pk", "name")
    result = []
    for v in villages:
        n = active.get(v["pk"], 0)
        if n < VILLAGE_MIN or n > VILLAGE_MAX:
            result.append({**v, "active": n})
    return result


def township_todo(user):
    """The township officer's to-do list."""
    qs = Candidate.objects.visible_to(user)
    counts = qs.aggregate(
        drafts=Count("pk", filter=Q(stage=S.DRAFT)),
        returned=Count("pk", filter=Q(stage=S.RETURNED)),
        committee=Count("pk", filter=Q(stage=S.FINAL_INSPECTED)),
        training=Count("pk", filter=Q(stage=S.TRAINING)),
    )
    return {
        **counts,
        "returned_people": list(qs.filter(stage=S.RETURNED).select_related("village")[:5]),
        "outside": _villages_outside(user),
        "duties": duty_counts(user, ("appraisal", "cycle_ended", "behind", "training_gap", "follow_up")),
        "vmin": VILLAGE_MIN,
        "vmax": VILLAGE_MAX,
    }


def duty_counts(user, keys) -> list[dict]:
    """Per duty: its label, how many of the user's people it names and the roster link —
    the count is the roster's own queryset (``reserves.duties``)."""
    return [
        {"key": key, "label": duties.DUTIES[key].label, "count": duties.people(key, user).count(), "url": duties.roster_url(key)}
        for key in keys
    ]


def county_queue(user):
    """County staff: what townships sent up and what waits for a county decision."""
    qs = Candidate.objects.visible_to(user)
    # Only the rows of the four stages counted (an index on stage), not the whole scope.
    counted = qs.filter(stage__in=[S.SUBMITTED, S.COMMITTEE_APPROVED, S.FINAL_FILED, S.POOL])
    counts = counted.aggregate(
        submitted=Count("pk", filter=Q(stage=S.SUBMITTED)),
        committee_approved=Count("pk", filter=Q(stage=S.COMMITTEE_APPROVED)),
        final_filed=Count("pk", filter=Q(stage=S.FINAL_FILED)),
        pool=Count("pk", filter=Q(stage=S.POOL)),
    )
    return {
        **counts,
        "submitted_people": list(qs.filter(stage=S.SUBMITTED).select_related("village__parent").order_by("village__path")[:8]),
        "duties": duty_counts(user, ("training_gap", "follow_up")),
        "follow_ups_overdue": FollowUpVisit.objects.visible_to(user).overdue().values("candidate_id").distinct().count(),
    }


def leader_summary(user):
    qs = Candidate.objects.visible_to(user)
    counts = qs.aggregate(
        training=Count("pk", filter=Q(stage=S.TRAINING)),
        pool=Count("pk", filter=Q(stage=S.POOL)),
        appointed=Count("pk", filter=Q(stage=S.APPOINTED)),
        active=Count("pk", filter=Q(stage__in=Candidate.ACTIVE_STAGES)),
    )
    return {**counts, "outside": len(_villages_outside(user)), "vmin": VILLAGE_MIN, "vmax": VILLAGE_MAX}
