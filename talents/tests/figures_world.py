"""Talents for the figures tests (``cadre_portal/figures/tests``): every talents figure
has something to count, in both townships and at county level, with dated events inside
and outside the test periods (this year, the last three years, a range ending 200 days ago)."""

from __future__ import annotations

from datetime import date, timedelta

from cadre_portal.models import Unit
from talents import services, workflow
from talents.models import ArtsOrganization, Support, TalentStatusChange
from talents.tests import builders as b


def _entered(talent, day: date) -> None:
    """The talent entered the registry on ``day`` (its first change row)."""
    TalentStatusChange.objects.filter(talent=talent).update(on=day)


def build(personas) -> None:
    tree = personas.tree
    today = date.today()
    long_ago = today - timedelta(days=2 * 365)
    this_year = min(today, date(today.year, 1, 5))

    # 医疗: recruited this year and two years ago, a management talent, platforms.
    hospital = b.unit("medical", tree.county)
    town_clinic = b.unit("medical", tree.township_a, name="天城镇卫生院")
    line = b.plan(personas, "medical", year=today.year, lines=[(None, "专项招引", 3)]).lines.get()
    b.recruited(personas, "medical", on=this_year, plan_line=line, unit_obj=hospital, name="医一")
    old = b.recruited(personas, "medical", on=long_ago, channel_name="定向招聘", unit_obj=town_clinic, region=tree.township_a,
                      name="医二")
    _entered(old, long_ago)
    manager = b.talent(personas, "medical", unit_obj=town_clinic, region=tree.township_a, name="医三",
                       details={"management_selected_on": (today - timedelta(days=10)).isoformat()})
    _entered(manager, long_ago)
    for kind, level in (("expert_team", ""), ("doctor_studio", "city"), ("tcm_specialty", "province"), ("tcm_specialty", "city")):
        b.platform(personas, "medical", kind, host=hospital, level=level, established_on=long_ago, leader=old)
    closed = b.platform(personas, "medical", "doctor_studio", host=hospital, established_on=long_ago, name="已撤销工作室")
    workflow.change_platform_status(platform_pk=closed.pk, action="dissolve", on=today - timedelta(days=5), reason="撤销",
                                    by=personas.medical_officer)

    # 农业: supported entrepreneurs and co-op leaders, a recruited professional.
    farm_b = b.unit("agriculture", tree.township_b, name="沙坪镇茶叶专业合作社")
    farmer = b.talent(personas, "agriculture", unit_obj=farm_b, region=tree.township_b, category=b.category("agriculture", "家庭农场主"),
                      name="农一", details={"industry": "02"})
    coop = b.talent(personas, "agriculture", unit_obj=farm_b, region=tree.township_b, name="农二",
                    category=b.category("agriculture", "农民合作社带头人"), details={"industry": "03"})
    for who, day in ((farmer, today - timedelta(days=20)), (coop, today - timedelta(days=400)), (farmer, long_ago)):
        services.add_support(talent_pk=who.pk, support=Support(date=day, kind="subsidy", amount=10000), by=personas.agriculture_officer)
    b.recruited(personas, "agriculture", on=today - timedelta(days=300), channel_name="专项招引",
                category=b.category("agriculture", "农业专技人才"), name="农三")

    # 工业: enterprise talents, an adviser, stations serving enterprises.
    plant = b.unit("industry", tree.county, name="县新材料有限公司", kind=Unit.Kind.ENTERPRISE)
    other = b.unit("industry", tree.township_a, name="天城镇竹木制品厂", kind=Unit.Kind.ENTERPRISE)
    b.recruited(personas, "industry", on=this_year, channel_name="校园招聘", unit_obj=plant, name="工一")
    engineer = b.recruited(personas, "industry", on=today - timedelta(days=500), channel_name="柔性引进", unit_obj=plant, name="工二",
                           category=b.category("industry", "工科人才"), details={"engagement": "adviser"})
    for kind, served in (("remote_station", [plant, other]), ("academician_station", [plant])):
        station = b.platform(personas, "industry", kind, host=plant, established_on=long_ago, leader=engineer)
        station.served_units.set(served)

    # 文化: masters, heritage trainees, rural artists, a studio, organizations.
    centre = b.unit("culture", tree.county, name="县提琴戏传承发展中心")
    master = b.talent(personas, "culture", unit_obj=centre, category=b.category("culture", "文化名家"), name="文一")
    _entered(master, long_ago)
    b.talent(personas, "culture", unit_obj=centre, category=b.category("culture", "非遗传承人才"), name="文二",
             details={"heritage_item": "提琴戏", "school_programme": True, "programme_year": today.year})
    artist = b.talent(personas, "culture", unit_obj=None, region=tree.township_b, workplace="沙坪镇民间艺人",
                      category=b.category("culture", "民间艺术家"), name="文三")
    _entered(artist, long_ago)
    lost = b.talent(personas, "culture", unit_obj=centre, category=b.category("culture", "文化名家"), name="文四")
    _entered(lost, long_ago)
    workflow.change_talent_status(talent_pk=lost.pk, action="lose", on=today - timedelta(days=100), reason="赴外地发展",
                                  by=personas.culture_officer)
    b.platform(personas, "culture", "artist_studio", host=centre, established_on=long_ago, leader=master)
    troupe = b.organization(personas, region=tree.township_a, name="天城镇提琴戏剧团", founded_on=date(2010, 1, 1))
    workflow.change_org_state(organization_pk=troupe.pk, action="regulate", on=today, by=personas.culture_officer)
    b.organization(personas, region=tree.township_b, name="沙坪镇广场舞蹈队")
    gone = b.organization(personas, name="已注销协会")
    workflow.change_org_state(organization_pk=gone.pk, action="dissolve", on=today, reason="注销", by=personas.culture_officer)

    # 教育: a teacher recruited this year against the plan.
    eline = b.plan(personas, "education", lines=[("紧缺急需教师", "校园招聘", 4)]).lines.get()
    b.recruited(personas, "education", on=this_year, channel_name="校园招聘", plan_line=eline,
                category=b.category("education", "紧缺急需教师"), name="教一")
    assert ArtsOrganization.objects.count() == 3
