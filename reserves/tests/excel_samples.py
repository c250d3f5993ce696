"""Round-trip samples of the reserves registries: people in every kind of stage,
closed ones (已任用, 审查未通过, 已退出) and trainees who have since moved on, so that an
exported file is shown to re-import as unchanged whatever happened to the people in it."""

from datetime import date, timedelta

from cadre_portal.excel.testing import RoundTrip, roundtrip_sample
from cadre_portal.testing import han_number, make_id_number
from reserves import workflow
from reserves.models import Appraisal
from reserves.tests import builders


def _people_in_every_stage(personas):
    n = iter(range(1, 100))

    def fields(birth=date(1990, 3, 8)):
        return {"name": f"王{han_number(next(n))}", "id_number": make_id_number(birth)}

    builders.draft(personas, inspected=False, **fields(date(1987, 11, 5)))
    returned = builders.submitted(personas, **fields())
    workflow.return_nomination(candidate=returned, by=personas.county_staff, reason="材料不全")
    builders.submitted(personas, **fields())
    rejected = builders.submitted(personas, **fields())
    workflow.reject_nomination(candidate=rejected, by=personas.county_staff, reason="不符合条件")
    trainee = builders.training(personas, start=date.today() - timedelta(days=200), **fields())
    removed = builders.training(personas, **fields())
    workflow.withdraw(candidate=removed, by=personas.county_staff, reason="外出务工")
    pooled = builders.pooled(personas, personas.tree.village_a2, **fields())
    appointed = builders.appointed(personas, **fields())
    return trainee, pooled, appointed


@roundtrip_sample("reserve_nominations")
def nominations(personas):
    _people_in_every_stage(personas)
    builders.draft(personas, personas.tree.village_b1, name="沙坪人", id_number=make_id_number(date(1991, 1, 1)))
    return [
        RoundTrip(user=personas.officer_a),
        RoundTrip(user=personas.county_staff, options={"stage": "training", "note": "核对名册"}),
    ]


@roundtrip_sample("reserve_attendance")
def attendance(personas):
    trainee, pooled, appointed = _people_in_every_stage(personas)
    # The pooled and appointed people attended while they were trainees (builders.complete_cycle).
    session = builders.TrainingSession.objects.create(date=date.today() - timedelta(days=30), topic="乡村振兴政策解读",
                                                      hours=8)
    workflow.record_attendance(session=session, candidates=[trainee], by=personas.officer_a)
    return [RoundTrip(user=personas.officer_a), RoundTrip(user=personas.county_staff)]


@roundtrip_sample("reserve_appraisals")
def appraisals(personas):
    trainee, pooled, appointed = _people_in_every_stage(personas)
    Appraisal.objects.create(candidate=trainee, year=1, appraised_on=date.today(), grade=builders.grade("优秀"),
                             opinion="=表现突出，群众认可。", raters=15,
                             tallies={d: {"好": 12, "较好": 3} for d in ["政治表现", "学习表现", "工作表现", "能力表现", "作风表现"]})
    return [RoundTrip(user=personas.officer_a), RoundTrip(user=personas.county_staff)]


# The sub-record registries' samples live in their own module; importing it registers them.
from reserves.tests import excel_samples_records  # noqa: E402,F401
