"""Round-trip samples of the young-cadre registries: records in the states that matter
(in the bank, recommended, appointed; department and unit lines), exported and
re-imported unchanged by county staff and by a unit contact."""

from datetime import date

from cadre_portal.excel.testing import RoundTrip, roundtrip_sample
from cadre_portal.testing import make_unit_contacts
from youth_cadres import workflow
from youth_cadres.models import SupervisionOpinion, TrainingRecord, WorkLogEntry
from youth_cadres.tests.builders import bank_member, make_cadre, make_post


def _world(personas):
    contacts = make_unit_contacts(personas.tree)
    staff = personas.county_staff
    unit = contacts.unit_b
    a = make_cadre(unit, birth=date(1991, 3, 1), tags=["selected"], native_place="湖北崇阳", specialty="=基层治理",
                   fulltime_education="21", fulltime_degree="403", fulltime_school="武汉大学法学专业")
    b = make_cadre(contacts.unit_a, birth=date(1985, 6, 1), post_level="141", level_since=date(2019, 1, 1), tags=["professional"])
    post = make_post(unit, "镇长", level="141", headcount=1)
    other = make_post(contacts.unit_a, "副局长", headcount=3)
    bank_member(a, staff, posts=[post, other], key_training=True)
    bank_member(b, staff, posts=[other], status="recommended")
    holder = make_cadre(unit, birth=date(1970, 1, 1))
    workflow.add_holder(post=other, cadre=holder, by=staff, start=date(2018, 3, 1))
    return contacts, staff, a, b


@roundtrip_sample("youth_cadres")
def cadres(personas):
    _contacts, staff, *_ = _world(personas)
    return [RoundTrip(user=staff)]


@roundtrip_sample("youth_posts")
def posts(personas):
    _contacts, staff, *_ = _world(personas)
    return [RoundTrip(user=staff)]


@roundtrip_sample("youth_bank_entries")
def bank_entries(personas):
    _contacts, staff, *_ = _world(personas)
    return [RoundTrip(user=staff), RoundTrip(user=staff, params={"status": "open"})]


@roundtrip_sample("youth_training_records")
def training_records(personas):
    contacts, staff, a, b = _world(personas)
    TrainingRecord.objects.create(cadre=a, dimension="political", line="department", start=date(2025, 3, 1), title="中青班", recorded_by=staff)
    TrainingRecord.objects.create(cadre=a, dimension="key_task", line="unit", start=date(2025, 5, 1), end=date(2025, 8, 1),
                                  title="防汛攻坚", content="驻点值守", result="表现突出", recorded_by=contacts.contact_b)
    return [RoundTrip(user=staff), RoundTrip(user=contacts.contact_b)]


@roundtrip_sample("youth_work_log")
def work_log(personas):
    contacts, staff, a, b = _world(personas)
    WorkLogEntry.objects.create(cadre=a, date=date(2025, 9, 1), content="起草乡村振兴实施方案", result="经党委会通过", written_by=contacts.contact_b)
    WorkLogEntry.objects.create(cadre=b, date=date(2025, 9, 2), content="+赴企业调研", written_by=staff)
    return [RoundTrip(user=staff), RoundTrip(user=contacts.contact_b)]


@roundtrip_sample("youth_supervision")
def supervision(personas):
    _contacts, staff, a, b = _world(personas)
    SupervisionOpinion.objects.create(cadre=a, source="discipline", date=date(2025, 6, 1), given_by="县纪委监委", content="未发现问题")
    SupervisionOpinion.objects.create(cadre=b, source="public", date=date(2025, 6, 2), content="群众评价好")
    return [RoundTrip(user=staff)]
