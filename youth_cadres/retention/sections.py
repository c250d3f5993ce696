"""A person's retention history on the young-cadre page (``youth_cadres.sections``)
and the context the reserves person page reads (``for_candidate``)."""

from __future__ import annotations

from youth_cadres.retention.models import CareRecord


def _history(care, user) -> dict:
    from youth_cadres.retention.views import care_history

    return care_history(care, user)


def for_cadre(cadre, user):
    """The retention section of a young cadre's page: the history, or (for county staff)
    the button that puts them under care; fixed number of queries."""
    from youth_cadres.retention import workflow

    care = CareRecord.objects.visible_to(user).with_person().filter(cadre=cadre).first()
    if care is None:
        if not workflow.can_write(user) or not cadre.bank_entries.filter(status="in_bank").exists():
            return None
        return {"care": None, "registry": "youth", "person": cadre}
    return _history(care, user)


def for_candidate(candidate, user):
    from youth_cadres.retention import workflow

    care = CareRecord.objects.visible_to(user).with_person().filter(candidate=candidate).first()
    if care is None:
        if not workflow.can_write(user) or candidate.stage not in workflow.ELIGIBLE_CANDIDATE_STAGES:
            return None
        return {"care": None, "registry": "reserves", "person": candidate}
    return _history(care, user)


def connect() -> None:
    from youth_cadres.sections import register_section

    register_section("retention", "留才：定期访谈与个人诉求", "youth_cadres/retention/_section.html",
                     context=for_cadre, roles=("county_staff", "leader", "admin"), order=50)
