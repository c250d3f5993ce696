"""The talents' figures (seed part 三 and the five-domain dashboard), on the figures
registry (``cadre_portal/figures``; keys and definitions in docs/FIGURES.md).

Every figure starts from ``visible_to(user)``, so a domain officer counts only their
domain and a township officer only what lies in their township. Flow figures count on
the event's own date: the recruitment date, the support's date, the date a doctor was
selected as a management talent, the year a heritage talent entered the school
programme. Stock figures read the state *as of* the period's end from the change rows
(``TalentStatusChange``, ``PlatformStatusChange``, ``OrgStateChange``: the ``to_*`` of
the last change dated on or before that day), which for today is the stored state.

Categories and channels are named by their codes in ``talents.codes`` (an
administrator may rename them; the codes stay).
"""

from __future__ import annotations

from django.db.models import CharField, Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, ExtractYear
from django.urls import reverse

from cadre_portal.figures.registry import (
    FLOW,
    STOCK,
    Chart,
    Column,
    Dimension,
    Figure,
    choices_dimension,
    register,
    register_chart,
    register_section,
)
from cadre_portal.models import CodeItem, Domain, Unit
from talents import codes, domains
from talents.models import (
    ArtsOrganization,
    Level,
    OrgStateChange,
    PlanLine,
    Platform,
    PlatformStatusChange,
    Support,
    Talent,
    TalentStatusChange,
)

SECTION = "talents"
register_section(SECTION, "五域人才", roles=("county_staff", "leader", "admin", "domain_officer", "township_officer"), order=40)

TS, PS, OS = Talent.Status, Platform.Status, ArtsOrganization.State
RECRUIT_CHANNELS_MEDICAL = ("01", "02", "03", "04")  # 专项招引、定向招聘、定向培养、联体共享


# --- rows ------------------------------------------------------------------------------------


def _talent_url(talent, period=None) -> str:
    return reverse("talents:detail", args=[talent.pk])


TALENT = dict(
    columns=(
        Column("姓名", "name", link=True),
        Column("领域", "get_domain_display"),
        Column("人才类别", "category.name"),
        Column("工作单位", "unit_name"),
        Column("招引日期", lambda t: f"{t.recruited_on:%Y.%m.%d}" if t.recruited_on else "—"),
        Column("状态", "get_status_display"),
    ),
    related=("category", "unit"), row_url=_talent_url, row_noun="人",
)
PLATFORM = dict(
    columns=(
        Column("平台名称", "name", link=True),
        Column("类型", "get_kind_display"),
        Column("级别", lambda p: p.get_level_display() or "—"),
        Column("依托单位", "host_unit.name"),
        Column("设立日期", lambda p: f"{p.established_on:%Y.%m}" if p.established_on else "—"),
    ),
    related=("host_unit",), row_url=lambda p, period=None: reverse("talents:platform_detail", args=[p.pk]), row_noun="个",
)


def talents(user):
    return Talent.objects.visible_to(user)


def status_then(period):
    """A talent's status as of the period's end (None: not yet in the registry then)."""
    last = TalentStatusChange.objects.filter(talent=OuterRef("pk"), on__lte=period.as_of).order_by("-on", "-at", "-pk")
    return Subquery(last.values("to_status")[:1], output_field=CharField())


def in_post(user, period):
    return talents(user).annotate(status_then=status_then(period)).filter(status_then=TS.ON_POST)


def recruited(user, period):
    return talents(user).filter(origin=Talent.Origin.RECRUITED, recruited_on__range=period.dates)


def _codes(domain: str, *codes_: str) -> Q:
    return Q(category__table=codes.category_table(domain), category__code__in=codes_)


def supported_in(period) -> Exists:
    return Exists(Support.objects.filter(talent=OuterRef("pk"), date__range=period.dates))


def platform_status_then(period):
    last = PlatformStatusChange.objects.filter(platform=OuterRef("pk"), on__lte=period.as_of).order_by("-on", "-at", "-pk")
    return Subquery(last.values("to_status")[:1], output_field=CharField())


def platforms_active(user, period):
    return Platform.objects.visible_to(user).annotate(status_then=platform_status_then(period)).filter(status_then=PS.ACTIVE)


def org_state_then(period):
    last = OrgStateChange.objects.filter(organization=OuterRef("pk"), on__lte=period.as_of).order_by("-on", "-at", "-pk")
    return Subquery(last.values("to_state")[:1], output_field=CharField())


def units_served_by(user, period, kinds):
    """Distinct units served by the user's platforms of ``kinds`` active on the period's end."""
    serving = platforms_active(user, period).filter(kind__in=kinds, served_units=OuterRef("pk"))
    return Unit.objects.visible_to(user).filter(Exists(serving))


# --- dimensions ---------------------------------------------------------------------------------

DOMAIN = choices_dimension("domain", "领域", "domain", Domain.choices)
PLATFORM_KIND = choices_dimension("kind", "平台类型", "kind", Platform.Kind.choices)


def _category_buckets(user, period):
    tables = [codes.category_table(key) for key, _label in domains.choices_for(user)]
    order = {t: i for i, t in enumerate(tables)}
    rows = CodeItem.objects.filter(table__in=tables).values_list("pk", "name", "table", "sort_order")
    labels = {codes.category_table(d.key): d.label for d in domains.all_domains()}
    return [(pk, f"{labels[table]}·{name}") for pk, name, table, _o in sorted(rows, key=lambda r: (order[r[2]], r[3], r[0]))]


CATEGORY = Dimension("category", "人才类别", lambda user, period: F("category_id"), _category_buckets)
LEVEL = Dimension("level", "级别", lambda user, period: F("level"), lambda user, period: [*Level.choices, ("", "未定级")])


def _channel_buckets(user, period):
    return list(CodeItem.objects.filter(table=codes.CHANNEL_TABLE).order_by("sort_order").values_list("pk", "name"))


CHANNEL = Dimension("channel", "招引渠道", lambda user, period: F("channel_id"), _channel_buckets)
RECRUIT_YEAR = Dimension("year", "年度", lambda user, period: ExtractYear("recruited_on"),
                         lambda user, period: [(y, f"{y}年") for y in period.years()])
PLAN_YEAR = Dimension("year", "年度", lambda user, period: F("plan__year"),
                      lambda user, period: [(y, f"{y}年") for y in period.years()])
STATUS = choices_dimension("status", "状态", "status_then", Talent.Status.choices)


def in_registry(user, period):
    """Talents entered in the registry by the period's end, annotated ``status_then``."""
    return talents(user).annotate(status_then=status_then(period)).filter(status_then__isnull=False)


# --- the seed's figures ---------------------------------------------------------------------------

register(Figure(
    key="talents.medical_recruited", label="引进医疗卫生人才", unit="名", kind=FLOW, section=SECTION, order=10,
    description="医疗领域经专项招引、定向招聘、定向培养、联体共享引进的人才（“双一流”毕业生、高层次人才、编外医护、大学生村医、院外专家等），以招引日期计。",
    rows=lambda user, period: recruited(user, period).filter(
        domain=Domain.MEDICAL, channel__table=codes.CHANNEL_TABLE, channel__code__in=RECRUIT_CHANNELS_MEDICAL),
    dimensions=(CATEGORY, CHANNEL), **TALENT,
))


def _medical_managers(user, period):
    start, end = (d.isoformat() for d in period.dates)
    return (talents(user).filter(domain=Domain.MEDICAL, details__has_key="management_selected_on")
            .annotate(selected_on=Cast(KT("details__management_selected_on"), CharField()))
            .filter(selected_on__gte=start, selected_on__lte=end))


register(Figure(
    key="talents.medical_managers", label="选拔培育县乡两级医疗卫生管理人才", unit="名", kind=FLOW, section=SECTION, order=20,
    description="医疗领域人才中入选县乡两级医疗卫生管理人才的，以入选日期计。",
    rows=_medical_managers, **TALENT,
))

for order, (key, label, kind, level, unit_word) in enumerate([
    ("expert_teams", "专家团队", Platform.Kind.EXPERT_TEAM, None, "个"),
    ("famous_doctor_studios", "名医工作室", Platform.Kind.DOCTOR_STUDIO, None, "个"),
    ("tcm_specialties_provincial", "省级中医重点专科", Platform.Kind.TCM_SPECIALTY, Level.PROVINCE, "个"),
    ("tcm_specialties_municipal", "市级中医重点专科", Platform.Kind.TCM_SPECIALTY, Level.CITY, "个"),
    ("master_studios", "名家工作室", Platform.Kind.ARTIST_STUDIO, None, "个"),
]):
    register(Figure(
        key=f"talents.{key}", label=label, unit=unit_word, kind=STOCK, section=SECTION, order=30 + order,
        description=f"期末处于运行中的{label}。",
        rows=(lambda kind, level: lambda user, period: platforms_active(user, period).filter(
            kind=kind, **({"level": level} if level else {})))(kind, level),
        **PLATFORM,
    ))

register(Figure(
    key="talents.agri_entrepreneurs_supported", label="扶持乡村创业带头人、家庭农场主、农业企业家", unit="名", kind=FLOW,
    section=SECTION, order=40,
    description="农业领域乡村创业带头人、家庭农场主、农业企业家中，期间内获得奖补、合作联盟等扶持的人数。",
    rows=lambda user, period: talents(user).filter(_codes(Domain.AGRICULTURE, "A01", "A02", "A03")).filter(supported_in(period)),
    dimensions=(CATEGORY,), **TALENT,
))
register(Figure(
    key="talents.agri_professionals_recruited", label="招引农业科研、专技、管理服务人才", unit="人", kind=FLOW, section=SECTION,
    order=41, description="农业领域农业科研人才、农业专技人才、农业管理服务人才中，期间内招引的人数。",
    rows=lambda user, period: recruited(user, period).filter(_codes(Domain.AGRICULTURE, "A06", "A07", "A08")),
    dimensions=(CATEGORY,), **TALENT,
))
register(Figure(
    key="talents.agri_coop_ecommerce", label="扶持培育农民合作社带头人和电商销售人才", unit="名", kind=FLOW, section=SECTION,
    order=42, description="农业领域农民合作社带头人、电商销售人才中，期间内获得扶持的人数。",
    rows=lambda user, period: talents(user).filter(_codes(Domain.AGRICULTURE, "A04", "A05")).filter(supported_in(period)),
    dimensions=(CATEGORY,), **TALENT,
))
register(Figure(
    key="talents.industry_recruited", label="招引企业人才", unit="名", kind=FLOW, section=SECTION, order=50,
    description="工业领域企业经营管理、专业技术、技能人才中，期间内经校园招聘、专项招聘等招引的人数。",
    rows=lambda user, period: recruited(user, period).filter(_codes(Domain.INDUSTRY, "I01", "I02", "I03")),
    dimensions=(CATEGORY, CHANNEL), **TALENT,
))
register(Figure(
    key="talents.industry_engineers_introduced", label="以兼职顾问、技术入股等形式引进工科和科研人才", unit="名", kind=FLOW,
    section=SECTION, order=51,
    description="工业领域工科人才、科研人才中，以兼职顾问或技术入股形式引进、引进日期在期间内的人数。",
    rows=lambda user, period: recruited(user, period).filter(_codes(Domain.INDUSTRY, "I04", "I05"))
    .filter(details__engagement__in=["adviser", "equity"]),
    **TALENT,
))

UNIT_ROWS = dict(columns=(Column("单位", "name"), Column("所在区划", "region.name")), related=("region",), row_noun="家")
register(Figure(
    key="talents.remote_station_enterprises", label="异地人才工作站服务企业", unit="家", kind=STOCK, section=SECTION, order=52,
    description="期末运行中的异地人才工作站所服务的县内企业（去重）。",
    rows=lambda user, period: units_served_by(user, period, [Platform.Kind.REMOTE_STATION]), **UNIT_ROWS,
))
register(Figure(
    key="talents.expert_served_enterprises", label="院士专家、科技人才服务重点企业", unit="家", kind=STOCK, section=SECTION,
    order=53, description="期末运行中的院士工作站、博士后科研工作站、企校联合创新中心、工程技术研究中心所服务的企业（去重）。",
    rows=lambda user, period: units_served_by(user, period, [
        Platform.Kind.ACADEMICIAN_STATION, Platform.Kind.POSTDOC_STATION, Platform.Kind.ENTERPRISE_SCHOOL_CENTER,
        Platform.Kind.ENGINEERING_CENTER]),
    **UNIT_ROWS,
))
register(Figure(
    key="talents.culture_masters", label="文化名家", unit="名", kind=STOCK, section=SECTION, order=60,
    description="期末在岗的文化名家。",
    rows=lambda user, period: in_post(user, period).filter(_codes(Domain.CULTURE, "C01")), **TALENT,
))


def _heritage_trained(user, period):
    first, last = period.years()[0], period.years()[-1]
    return talents(user).filter(_codes(Domain.CULTURE, "C02"), details__school_programme=True,
                                details__programme_year__gte=first, details__programme_year__lte=last)


register(Figure(
    key="talents.heritage_trained", label="定向培养非遗文化传承人才", unit="名", kind=FLOW, section=SECTION, order=61,
    description="文化领域非遗传承人才中经“政府买单、院校培养”定向培养的，以入学年份计（期间所跨年度）。",
    rows=_heritage_trained, **TALENT,
))
register(Figure(
    key="talents.rural_artists", label="乡土文艺人才（乡村规划师、建筑师、民间艺术家）", unit="名", kind=STOCK, section=SECTION,
    order=62, description="期末在岗的乡村规划师、乡村建筑师、民间艺术家。",
    rows=lambda user, period: in_post(user, period).filter(_codes(Domain.CULTURE, "C03", "C04", "C05")),
    dimensions=(CATEGORY,), **TALENT,
))
register(Figure(
    key="talents.arts_organizations", label="清理登记和规范管理的文艺组织", unit="个", kind=STOCK, section=SECTION, order=63,
    description="期末处于已清理登记或规范管理状态的文艺组织。",
    rows=lambda user, period: ArtsOrganization.objects.visible_to(user).annotate(state_then=org_state_then(period))
    .filter(state_then__in=[OS.REGISTERED, OS.REGULATED]),
    dimensions=(choices_dimension("state", "登记状态", "state_then", ArtsOrganization.State.choices[:2]),),
    columns=(Column("组织名称", "name", link=True), Column("类型", "get_kind_display"), Column("所在区划", "region.name"),
             Column("成员人数", "members_count")),
    related=("region",), row_url=lambda o, period=None: reverse("talents:org_detail", args=[o.pk]), row_noun="个",
))

# --- the dashboard's breakdowns ---------------------------------------------------------------------

register(Figure(
    key="talents.in_post", label="在岗人才", unit="人", kind=STOCK, section=SECTION, order=1,
    description="期末在岗的五域人才（人才库中一人一领域一条记录）。",
    rows=in_post, dimensions=(DOMAIN,), **TALENT,
))
register(Figure(
    key="talents.by_status", label="人才库人员状态", unit="人", kind=STOCK, section=SECTION, order=3,
    description="期末已在人才库中的人员按领域和状态（在岗、调出、退休、流失）。",
    rows=in_registry, dimensions=(DOMAIN, STATUS), **TALENT,
))
register(Figure(
    key="talents.by_domain_category", label="各领域各类别在岗人才", unit="人", kind=STOCK, section=SECTION, order=2,
    description="期末在岗人才按领域和人才类别。",
    rows=in_post, dimensions=(CATEGORY,), **TALENT,
))
register(Figure(
    key="talents.recruited", label="招引人才", unit="人", kind=FLOW, section=SECTION, order=3,
    description="期间内招引的人才（以招引日期计），按年度和领域。",
    rows=recruited, dimensions=(RECRUIT_YEAR, DOMAIN), **TALENT,
))
register(Figure(
    key="talents.recruited_vs_plan", label="计入招引计划的招引人才", unit="人", kind=FLOW, section=SECTION, order=4,
    description="期间内招引并计入当年招引计划的人才，按年度和领域；与“招引计划人数”对照即为计划完成情况。",
    rows=lambda user, period: recruited(user, period).filter(plan_line__isnull=False),
    dimensions=(RECRUIT_YEAR, DOMAIN), **TALENT,
))
register(Figure(
    key="talents.planned", label="招引计划人数", unit="人", kind=FLOW, section=SECTION, order=5,
    description="期间所跨年度的人才招引计划人数，按年度和领域。",
    rows=lambda user, period: PlanLine.objects.visible_to(user).filter(plan__year__in=period.years()),
    aggregate=Sum("planned"),
    dimensions=(PLAN_YEAR, choices_dimension("domain", "领域", "plan__domain", Domain.choices)),
    columns=(Column("年度", "plan.year"), Column("领域", "plan.get_domain_display"), Column("人才类别", "category.name", link=True),
             Column("招引渠道", "channel.name"), Column("计划人数", "planned")),
    related=("plan", "category", "channel"), row_url=lambda l, period=None: reverse("talents:plan_line", args=[l.pk]),
    row_noun="项",
))
register(Figure(
    key="talents.platforms", label="人才平台", unit="个", kind=STOCK, section=SECTION, order=6,
    description="期末运行中的人才平台，按类型和级别。",
    rows=platforms_active, dimensions=(PLATFORM_KIND, LEVEL), **PLATFORM,
))

register_chart(Chart("talents_by_domain", "各领域在岗人才", "talents.in_post", type="bar", section=SECTION, order=10, width=4))
register_chart(Chart("talents_recruited", "招引人才（按年度、领域）", "talents.recruited", type="stacked", section=SECTION, order=20, width=8))
register_chart(Chart("talents_platforms", "人才平台（按类型、级别）", "talents.platforms", type="stacked", section=SECTION, order=30, width=12))
