"""The young-cadre bank's part of the figures tests' world: bank members entered over
three years, some appointed (one across the three teams), one transferred out,
posts with and without two candidates."""

from datetime import date, timedelta

from cadre_portal.models import Unit
from cadre_portal.testing import make_unit, make_unit_contacts
from youth_cadres import workflow
from youth_cadres.tests.builders import bank_member, make_cadre, make_post


def build(personas):
    staff = personas.county_staff
    contacts = make_unit_contacts(personas.tree)
    company = make_unit("崇阳县城市建设投资有限公司", personas.tree.county, kind=Unit.Kind.STATE_ENTERPRISE)
    today = date.today()
    head = make_post(contacts.unit_b, "镇长", level="141", headcount=1)
    deputy = make_post(contacts.unit_a, "副局长", headcount=3)
    manager = make_post(company, "副总经理", headcount=1)
    make_post(company, "总经理", level="141", headcount=1)
    entries = []
    for i, (birth, level, since, tags, unit) in enumerate([
        (date(1984, 3, 1), "141", date(2018, 1, 1), [], contacts.unit_a),
        (date(1987, 6, 1), "141", today - timedelta(days=400), [], contacts.unit_b),
        (date(1992, 2, 1), "142", date(2021, 1, 1), [], contacts.unit_b),
        (date(1995, 9, 1), "150", date(2022, 1, 1), ["selected"], contacts.unit_a),
        (date(1986, 1, 1), "142", date(2020, 1, 1), ["professional"], company),
        (date(1993, 5, 1), "142", date(2022, 6, 1), [], contacts.unit_a),
    ]):
        cadre = make_cadre(unit, birth=birth, post_level=level, level_since=since, tags=tags, female=i % 2 == 1,
                           work_start=date(2012, 7, 1), education="21" if i % 3 else "11")
        day = today - timedelta(days=900 - i * 120)
        entries.append(bank_member(cadre, staff, posts=[deputy, head] if i < 3 else [manager], day=day, key_training=i == 0))
    workflow.appoint(entry=entries[2], by=staff, post=deputy, appointed_on=today - timedelta(days=30))
    workflow.appoint(entry=entries[4], by=staff, post=head, appointed_on=today - timedelta(days=420))  # 企业 → 机关
    workflow.transfer_out(entry=entries[5], by=staff, reason="调任市直单位", on=today - timedelta(days=10))
    bank_member(make_cadre(contacts.unit_a, birth=date(1994, 1, 1)), staff, status="recommended", day=today - timedelta(days=5))
