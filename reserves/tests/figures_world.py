"""Reserve cadres for the figures tests (``cadre_portal/figures/tests``): people in
both townships at most stages, with dated events inside and outside the test
periods, so every reserves figure counts something and the periods differ."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from reserves.models import Appointment, Appraisal, Promotion, Transition
from reserves.tests import builders


def _backdate(candidate, days: int) -> None:
    """Move a person's whole history ``days`` back, as if it had happened then."""
    for row in Transition.objects.filter(candidate=candidate):
        Transition.objects.filter(pk=row.pk).update(at=row.at - timedelta(days=days))


def build(personas) -> None:
    t = personas.tree
    today = date.today()
    last_year = today - relativedelta(years=1, days=10)

    # 天城镇: trainees (one with 150 hours), a submission, a pool member, an appointee promoted this year.
    builders.training(personas, t.village_a1, start=today - timedelta(days=200), name="王一")
    done = builders.training(personas, t.village_a1, start=today - timedelta(days=400), name="王二")
    builders.give_hours(personas, done, 150, day=today - timedelta(days=30))
    builders.submitted(personas, t.village_a2, name="王三")
    recruited = builders.pooled(personas, t.village_a1, name="王四")
    Promotion.objects.create(candidate=recruited, date=today, post="乡镇公务员", unit="崇阳县天城镇人民政府", kind="civil_service_exam")
    promoted = builders.appointed(personas, t.village_a2, name="王五")
    Promotion.objects.create(candidate=promoted, date=today, post="乡镇党委委员", kind="township_leadership")

    # 沙坪镇: a trainee, and an appointee whose whole story lies over a year back.
    builders.training(personas, t.village_b1, start=today - timedelta(days=100), name="李一")
    old = builders.appointed(personas, t.village_b1, name="李二")
    Appointment.objects.filter(candidate=old).update(appointed_on=last_year)
    Appraisal.objects.filter(candidate=old).update(appraised_on=last_year - timedelta(days=60))
    _backdate(old, (today - last_year).days)
    Promotion.objects.create(candidate=old, date=last_year, post="副镇长", kind="township_leadership")
