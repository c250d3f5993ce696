"""Round-trip samples of the sub-record registries (mentors, placements, party steps,
promotions, pool entries): records of trainees, and of people who have since moved on
(pooled, appointed, removed from the pool), which must re-import as unchanged."""

from datetime import date, timedelta

from cadre_portal.excel.testing import RoundTrip, roundtrip_sample
from cadre_portal.testing import han_number, make_id_number
from reserves import workflow
from reserves.models import Mentor, Placement, Promotion
from reserves.tests import builders

_n = iter(range(200, 10_000))


def _fields(birth=date(1990, 3, 8)):
    return {"name": f"李{han_number(next(_n))}", "id_number": make_id_number(birth)}


def _trainee_and_moved_on(personas):
    trainee = builders.training(personas, start=date.today() - timedelta(days=200), **_fields())
    pooled = builders.pooled(personas, personas.tree.village_a2, **_fields())
    appointed = builders.appointed(personas, **_fields())
    return trainee, pooled, appointed


def _mentor(candidate, **extra):
    m = Mentor(candidate=candidate, mentor_name="刘建国", mentor_post="村党组织书记", start=date.today() - timedelta(days=150), **extra)
    m.set_activities(["assist", "task"])
    m.save()
    return m


@roundtrip_sample("reserve_mentors")
def mentors(personas):
    trainee, pooled, appointed = _trainee_and_moved_on(personas)
    _mentor(trainee, work_done="协助开展村集体经济项目申报。", evaluation_rating="好", evaluation="=工作主动，进步明显。")
    _mentor(pooled, end=date.today() - timedelta(days=30), work_done="交派矛盾调解任务。")
    return [RoundTrip(user=personas.officer_a), RoundTrip(user=personas.county_staff)]


@roundtrip_sample("reserve_placements")
def placements(personas):
    trainee, pooled, appointed = _trainee_and_moved_on(personas)
    day = date.today() - timedelta(days=120)
    Placement.objects.create(candidate=trainee, kind="shadow", place="天城镇党政办", content="跟班学习文稿起草", start=day)
    Placement.objects.create(candidate=appointed, kind="practice", place="茅井村便民服务中心", content="代办服务",
                             start=day, end=day + timedelta(days=60), outcome="完成良好")
    return [RoundTrip(user=personas.officer_a), RoundTrip(user=personas.county_staff)]


@roundtrip_sample("reserve_party_steps")
def party_steps(personas):
    trainee, pooled, appointed = _trainee_and_moved_on(personas)
    today = date.today()
    workflow.record_party_step(candidate=trainee, by=personas.officer_a, step="applicant", on=today - timedelta(days=90))
    workflow.record_party_step(candidate=appointed, by=personas.county_staff, step="probationary", on=today - timedelta(days=400))
    workflow.record_party_step(candidate=appointed, by=personas.county_staff, step="full", on=today - timedelta(days=30))
    return [RoundTrip(user=personas.officer_a), RoundTrip(user=personas.county_staff)]


@roundtrip_sample("reserve_promotions")
def promotions(personas):
    trainee, pooled, appointed = _trainee_and_moved_on(personas)
    Promotion.objects.create(candidate=appointed, kind="township_leadership", date=date.today() - timedelta(days=10),
                             post="副镇长", unit="天城镇人民政府")
    Promotion.objects.create(candidate=pooled, kind="civil_service_exam", date=date.today() - timedelta(days=40), post="科员")
    return [RoundTrip(user=personas.county_staff)]


@roundtrip_sample("reserve_pool_entries")
def pool_entries(personas):
    trainee, pooled, appointed = _trainee_and_moved_on(personas)
    removed = builders.pooled(personas, **_fields())
    workflow.remove_from_pool(candidate=removed, by=personas.county_staff, reason="外出务工")
    return [RoundTrip(user=personas.county_staff)]


@roundtrip_sample("reserve_appointments")
def appointments(personas):
    trainee, pooled, appointed = _trainee_and_moved_on(personas)
    elected = builders.pooled(personas, **_fields())
    today = date.today()
    workflow.nominate_first_choice(candidate=elected, by=personas.county_staff, post="村（社区）党组织书记", nominated_on=today - timedelta(days=20))
    workflow.record_election_result(candidate=elected, by=personas.county_staff, elected=True, election_date=today - timedelta(days=5))
    return [RoundTrip(user=personas.county_staff)]


@roundtrip_sample("reserve_follow_ups")
def follow_ups(personas):
    trainee, pooled, appointed = _trainee_and_moved_on(personas)
    visited = builders.appointed(personas, on=date.today() - timedelta(days=400), **_fields())
    workflow.record_follow_up(visit=visited.follow_ups.get(), by=personas.county_staff, visited_on=date.today() - timedelta(days=10),
                              result="good", note="=胜任岗位，群众满意。")
    return [RoundTrip(user=personas.officer_a), RoundTrip(user=personas.county_staff)]
