"""The demo registries: several hundred talents in all five domains, a few dozen platforms,
plans for three years, the arts organizations, and one login per domain. (One test over one
load: loading the demo takes ~15 s.)"""

import random
from datetime import date

import pytest

from cadre_portal import demo
from cadre_portal.models import Domain, Region, Role, User
from talents import demo as talents_demo
from talents.models import ArtsOrganization, Platform, RecruitmentPlan, Talent


def test_one_domain_officer_login_per_domain():
    officers = [row for row in demo.DEMO_USERS if row[1] == Role.DOMAIN_OFFICER]
    assert sorted(row[5] for row in officers) == sorted(Domain.values)


@pytest.mark.django_db
def test_the_demo_fills_the_five_registries_once():
    demo.load_regions()
    demo.load_users_and_units()
    county = Region.objects.get(code=demo.DEMO_COUNTY)
    talents_demo.load(county=county, rng=random.Random(7))

    per_domain = {d: Talent.objects.filter(domain=d).count() for d in Domain.values}
    assert sum(per_domain.values()) >= 300 and min(per_domain.values()) >= 40, per_domain
    assert Platform.objects.count() >= 24
    assert ArtsOrganization.objects.count() >= 20
    this = date.today().year
    assert set(RecruitmentPlan.objects.values_list("year", flat=True)) == {this - 2, this - 1, this}
    assert RecruitmentPlan.objects.count() == 15
    assert Talent.objects.filter(plan_line__isnull=False).count() >= 50
    # Entered by each domain's own officer, so the history names them.
    for officer in User.objects.filter(role=Role.DOMAIN_OFFICER):
        assert not Talent.objects.filter(domain=officer.domain).exclude(created_by=officer).exists(), officer.domain

    before = Talent.objects.count()
    talents_demo.load(county=county, rng=random.Random(7))
    assert Talent.objects.count() == before
