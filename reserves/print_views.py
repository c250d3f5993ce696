"""Print views (A4): a reserve cadre's record and a village's nomination list.

Each page stands alone — a title, the record, no navigation, no action panel — with a
print button (``static/js/reserves.js``; the CSP forbids inline scripts). Both go through
the user's scope like the screens they print: another township's person or village is a
404. Leaders may print (they are read-only, printing writes nothing); ID numbers are
masked for them as on their screens.
"""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from cadre_portal.models import Region
from reserves.models import Candidate
from reserves.views import _appointments, _appraisals, _attendances, _candidates, _has, candidate_transitions

# The people a village's nomination list holds: every open record (drafts and returned
# ones still being prepared by the township, and those already submitted or further on).
LISTED_STAGES = Candidate.OPEN_STAGES


@require_GET
def candidate_print(request, pk):
    user = request.user
    candidate = get_object_or_404(
        _candidates(user).prefetch_related(
            Prefetch("transitions", queryset=candidate_transitions()),
            Prefetch("attendances", queryset=_attendances()),
            "mentors", "placements", "party_steps", "promotions",
            Prefetch("appraisals", queryset=_appraisals()),
            Prefetch("appointments", queryset=_appointments()),
        ).select_related("nominated_by"),
        pk=pk,
    )
    return render(request, "reserves/candidate_print.html", {
        "c": candidate,
        "masked": user.is_leader,
        "final": candidate.final_inspection if _has(candidate, "final_inspection") else None,
        "pool": candidate.pool_entry if _has(candidate, "pool_entry") else None,
        "today": date.today(),
    })


@require_GET
def village_print(request, village_pk):
    user = request.user
    village = get_object_or_404(
        Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE).select_related("parent"), pk=village_pk
    )
    people = list(
        Candidate.objects.visible_to(user).filter(village=village, stage__in=LISTED_STAGES).order_by("name", "pk")
    )
    return render(request, "reserves/village_print.html", {
        "village": village,
        "people": people,
        "active": sum(1 for c in people if c.stage in Candidate.ACTIVE_STAGES),
        "masked": user.is_leader,
        "today": date.today(),
    })
