"""Writes of the talents app other than status moves (those are ``talents.workflow``),
and the business rules both the forms and the Excel imports check.

Each ``*_problems`` function returns ``{field name: Chinese message}`` for a record
about to be written; forms show them on their fields, imports on their columns, and
the write functions refuse with the first one. Every write function: keyword-only
arguments, one transaction, the writer's role and domain checked
(``workflow.check_writer``), simple-history told who made the change, and only
records of the writer's own domain touched.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear

from cadre_portal.models import Domain, Region
from cadre_portal.scope import region_in_scope
from talents import codes, domains
from talents.models import (
    ArtsOrganization,
    Membership,
    OrgActivity,
    PlanLine,
    Platform,
    RecruitmentPlan,
    Support,
    Talent,
    TalentStatusChange,
)
from talents.workflow import WorkflowError, check_writer

DUPLICATE_MESSAGE = "该身份证号码已在本领域人才库中（{name}），不能重复录入；如需修改请打开该人才的页面。"


def _first(problems: dict) -> None:
    if problems:
        raise WorkflowError(next(iter(problems.values())))


def _domain_label(domain: str) -> str:
    return Domain(domain).label


# --- talents ------------------------------------------------------------------------------------


def normalize_talent(talent: Talent) -> None:
    """Derived fields: the workplace region is the unit's; a locally cultivated talent has
    no recruitment channel, date or plan."""
    if talent.unit_id:
        talent.region_id = talent.unit.region_id
        talent.workplace = ""
    if talent.origin != Talent.Origin.RECRUITED:
        talent.channel = None
        talent.recruited_on = None
        talent.plan_line = None


def talent_problems(talent: Talent, *, check_duplicate: bool = True) -> dict[str, str]:
    """What is wrong with a talent about to be saved (empty when nothing is). Imports
    pass ``check_duplicate=False``: they match resident IDs for the whole file at once."""
    domain = domains.get(talent.domain)
    label = domain.label
    problems: dict[str, str] = {}
    if talent.category_id and talent.category.table != domain.category_table:
        problems["category"] = f"该人才类别不属于{label}领域，请从本领域的类别中选择。"
    if talent.unit_id and talent.unit.domain != talent.domain:
        problems["unit"] = f"请选择{label}领域的单位。"
    if not talent.unit_id and not talent.region_id:
        problems["region"] = "请选择工作单位；未列入单位名录的，请填写单位名称并选择工作地点。"
    if talent.served_unit_id:
        if not domain.served_unit_label:
            problems["served_unit"] = f"{label}领域不登记服务单位。"
        elif talent.served_unit.domain != talent.domain:
            problems["served_unit"] = f"请选择{label}领域的单位。"
        elif talent.served_unit_id == talent.unit_id:
            problems["served_unit"] = f"{domain.served_unit_label}不能是本人所在单位。"
    if talent.origin == Talent.Origin.RECRUITED:
        if not talent.channel_id:
            problems["channel"] = "招引人才须填写招引渠道。"
        elif talent.channel.table != codes.CHANNEL_TABLE:
            problems["channel"] = "请从下拉列表中选择招引渠道。"
        if not talent.recruited_on:
            problems["recruited_on"] = "招引人才须填写招引日期。"
        elif talent.recruited_on > date.today():
            problems["recruited_on"] = "招引日期不能晚于今天。"
        elif talent.birth_date and talent.recruited_on < talent.birth_date:
            problems["recruited_on"] = "招引日期不能早于出生日期。"
    if talent.plan_line_id:
        problems.update(plan_line_problems(talent))
    if check_duplicate and talent.id_number:
        clash = Talent.objects.filter(domain=talent.domain, id_number=talent.id_number).exclude(pk=talent.pk).first()
        if clash is not None:
            problems["id_number"] = DUPLICATE_MESSAGE.format(name=clash.name)
    return problems


def plan_line_problems(talent: Talent) -> dict[str, str]:
    line = talent.plan_line
    plan = line.plan
    if talent.origin != Talent.Origin.RECRUITED:
        return {"plan_line": "只有招引的人才计入招引计划。"}
    if plan.domain != talent.domain:
        return {"plan_line": "该招引计划不属于本领域。"}
    problems = {}
    if talent.category_id and line.category_id != talent.category_id:
        problems["plan_line"] = f"所选计划明细的人才类别为“{line.category.name}”，与本人的人才类别“{talent.category.name}”不一致。"
    elif talent.channel_id and line.channel_id != talent.channel_id:
        problems["plan_line"] = f"所选计划明细的招引渠道为“{line.channel.name}”，与本人的招引渠道“{talent.channel.name}”不一致。"
    if talent.recruited_on and talent.recruited_on.year != plan.year:
        problems["recruited_on"] = f"招引日期（{talent.recruited_on:%Y年%m月%d日}）不在招引计划年度（{plan.year}年）内。"
    return problems


def _check_scope(user, talent: Talent) -> None:
    region = talent.unit.region if talent.unit_id else talent.region
    if not region_in_scope(user, region):
        raise WorkflowError("工作地点不在您的管辖范围内。")


def _save_new(obj, message: str) -> None:
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise WorkflowError(message) from None


@transaction.atomic
def create_talent(*, talent: Talent, by) -> Talent:
    """Add a talent to its domain's registry (在岗 from the recruitment date, or today)."""
    check_writer(by, talent.domain)
    talent.fill_derived_fields()
    normalize_talent(talent)
    _check_scope(by, talent)
    _first(talent_problems(talent))
    talent.created_by = by
    talent._history_user = by
    _save_new(talent, DUPLICATE_MESSAGE.format(name=talent.name))
    TalentStatusChange.objects.create(
        talent=talent, from_status="", to_status=talent.status, on=talent.recruited_on or date.today(),
        reason="录入人才库", by=by,
    )
    return talent


# Fields an edit may change: everything but the domain, the status (workflow) and the
# record of who entered it.
EDITABLE_TALENT_FIELDS = tuple(
    f.name for f in Talent._meta.concrete_fields
    if f.name not in ("id", "domain", "status", "status_date", "created_by", "created_at")
)


@transaction.atomic
def update_talent(*, talent: Talent, by) -> Talent:
    """Save an edited talent (status is never edited here: see ``talents.workflow``)."""
    check_writer(by, talent.domain)
    current = Talent.objects.visible_to(by).select_for_update(of=("self",)).filter(pk=talent.pk).first()
    if current is None or current.domain != talent.domain:
        raise WorkflowError("该人才不存在或不在您的管辖范围内。")
    talent.fill_derived_fields()
    normalize_talent(talent)
    _check_scope(by, talent)
    _first(talent_problems(talent))
    talent._history_user = by
    try:
        with transaction.atomic():
            talent.save(update_fields=EDITABLE_TALENT_FIELDS)
    except IntegrityError:
        raise WorkflowError(DUPLICATE_MESSAGE.format(name=talent.name)) from None
    return talent


@transaction.atomic
def add_support(*, talent_pk: int, support: Support, by) -> Support:
    """Record support given to a talent (奖补、合作联盟 …)."""
    talent = Talent.objects.visible_to(by).filter(pk=talent_pk).first()
    if talent is None:
        raise WorkflowError("该人才不存在或不在您的管辖范围内。")
    check_writer(by, talent.domain)
    if not domains.get(talent.domain).has_supports:
        raise WorkflowError(f"{talent.get_domain_display()}领域不登记扶持情况。")
    if support.date > date.today():
        raise WorkflowError("扶持日期不能晚于今天。")
    support.talent = talent
    support.recorded_by = by
    support._history_user = by
    support.save()
    return support


# --- platforms ---------------------------------------------------------------------------------------


def platform_problems(platform: Platform, *, check_duplicate: bool = True) -> dict[str, str]:
    domain = domains.get(platform.domain)
    problems: dict[str, str] = {}
    if platform.kind and platform.kind not in domain.platform_kinds:
        problems["kind"] = f"{domain.label}领域没有“{Platform.Kind(platform.kind).label}”这类平台。"
    if platform.host_unit_id and platform.host_unit.domain != platform.domain:
        problems["host_unit"] = f"请选择{domain.label}领域的单位作为依托单位。"
    if platform.leader_id and platform.leader.domain != platform.domain:
        problems["leader"] = f"领衔人须为{domain.label}领域人才库中的人才。"
    if platform.established_on and platform.established_on > date.today():
        problems["established_on"] = "设立日期不能晚于今天。"
    if check_duplicate and platform.name and Platform.objects.filter(domain=platform.domain, name=platform.name).exclude(pk=platform.pk).exists():
        problems["name"] = "本领域已有同名平台。"
    return problems


@transaction.atomic
def save_platform(*, platform: Platform, served_units=None, changed=None, by) -> Platform:
    """Create or edit a platform; the leader is kept as a current member with role 领衔人."""
    check_writer(by, platform.domain)
    if platform.pk:
        current = Platform.objects.visible_to(by).select_for_update(of=("self",)).filter(pk=platform.pk).first()
        if current is None:
            raise WorkflowError("该平台不存在或不在您的管辖范围内。")
    if not region_in_scope(by, platform.host_unit.region):
        raise WorkflowError("依托单位不在您的管辖范围内。")
    _first(platform_problems(platform))
    new = platform.pk is None
    if new:
        platform.created_by = by
    platform._history_user = by
    try:
        with transaction.atomic():
            platform.save()
    except IntegrityError:
        raise WorkflowError("本领域已有同名平台。") from None
    if new:
        from talents.models import PlatformStatusChange

        PlatformStatusChange.objects.create(platform=platform, from_status="", to_status=platform.status,
                                            on=platform.established_on or date.today(), reason="录入平台", by=by)
    if served_units is not None:
        platform.served_units.set(served_units)
    if platform.leader_id:
        _ensure_lead(platform, platform.leader, by)
    return platform


def _ensure_lead(platform: Platform, talent: Talent, by) -> None:
    """The leader is a current member with role 领衔人; a former lead stays a core member."""
    membership = Membership.objects.filter(platform=platform, talent=talent).first()
    if membership is None:
        membership = Membership(platform=platform, talent=talent, joined_on=platform.established_on)
    if membership.pk is None or membership.role != Membership.Role.LEAD or membership.left_on is not None:
        membership.role, membership.left_on = Membership.Role.LEAD, None
        membership._history_user = by
        membership.save()
    for other in Membership.objects.filter(platform=platform, role=Membership.Role.LEAD, left_on__isnull=True).exclude(pk=membership.pk):
        other.role = Membership.Role.CORE
        other._history_user = by
        other.save(update_fields=["role"])


def member_problems(platform: Platform, talent: Talent | None, joined_on: date | None) -> dict[str, str]:
    label = _domain_label(platform.domain)
    if talent is None or talent.domain != platform.domain:
        return {"talent": f"请选择{label}领域人才库中的人才（平台成员须为本领域人才）。"}
    problems = {}
    if platform.status == Platform.Status.DISSOLVED:
        problems["talent"] = "该平台已撤销，不能再增加成员。"
    elif Membership.objects.filter(platform=platform, talent=talent, left_on__isnull=True).exists():
        problems["talent"] = f"{talent.name}已是该平台成员。"
    if joined_on and joined_on > date.today():
        problems["joined_on"] = "加入日期不能晚于今天。"
    return problems


@transaction.atomic
def add_member(*, platform_pk: int, talent_pk: int | None, role: str, joined_on: date | None, note: str = "", by) -> Membership:
    """Attach a talent of the platform's own domain to the platform (again, if they had left)."""
    platform = Platform.objects.visible_to(by).select_for_update(of=("self",)).filter(pk=platform_pk).first()
    if platform is None:
        raise WorkflowError("该平台不存在或不在您的管辖范围内。")
    check_writer(by, platform.domain)
    # Looked up in the writer's own domain only: another domain's talent reads as not found.
    talent = Talent.objects.visible_to(by).filter(pk=talent_pk, domain=platform.domain).first() if talent_pk else None
    _first(member_problems(platform, talent, joined_on))
    membership = Membership.objects.filter(platform=platform, talent=talent).first() or Membership(platform=platform, talent=talent)
    membership.role, membership.joined_on, membership.left_on, membership.note = role, joined_on, None, note
    membership._history_user = by
    membership.save()
    if role == Membership.Role.LEAD:
        platform.leader = talent
        platform._history_user = by
        platform.save(update_fields=["leader"])
        _ensure_lead(platform, talent, by)
    return membership


@transaction.atomic
def end_membership(*, membership_pk: int, left_on: date, by) -> Membership:
    membership = Membership.objects.visible_to(by).select_for_update(of=("self",)).select_related("platform", "talent").filter(pk=membership_pk).first()
    if membership is None:
        raise WorkflowError("该成员记录不存在或不在您的管辖范围内。")
    platform = membership.platform
    check_writer(by, platform.domain)
    if membership.left_on is not None:
        raise WorkflowError(f"{membership.talent.name}已于{membership.left_on:%Y年%m月%d日}退出该平台。")
    if left_on is None or left_on > date.today():
        raise WorkflowError("退出日期不能为空，也不能晚于今天。")
    if membership.joined_on and left_on < membership.joined_on:
        raise WorkflowError("退出日期不能早于加入日期。")
    membership.left_on = left_on
    membership._history_user = by
    membership.save(update_fields=["left_on"])
    if platform.leader_id == membership.talent_id:
        platform.leader = None
        platform._history_user = by
        platform.save(update_fields=["leader"])
    return membership


# --- recruitment plans ------------------------------------------------------------------------------


def plan_problems(plan: RecruitmentPlan) -> dict[str, str]:
    problems = {}
    if plan.year and not 2000 <= plan.year <= 2100:
        problems["year"] = "年度应在 2000 至 2100 之间。"
    elif plan.year and RecruitmentPlan.objects.filter(region_id=plan.region_id, domain=plan.domain, year=plan.year).exclude(pk=plan.pk).exists():
        problems["year"] = f"{plan.year}年的{_domain_label(plan.domain)}人才招引计划已经建立，请在原计划中修改。"
    return problems


def county_of(user) -> Region | None:
    """The county a domain officer's plans belong to: their scope node's county."""
    region = getattr(user, "region", None)
    while region is not None and region.level > Region.Level.COUNTY:
        region = region.parent
    return region if region is not None and region.level == Region.Level.COUNTY else None


@transaction.atomic
def save_plan(*, plan: RecruitmentPlan, lines: list[dict], by) -> RecruitmentPlan:
    """Create or edit a year's plan with its lines ({category, channel, planned, note}).
    Lines are matched by category and channel; a line with recruited talents cannot go."""
    check_writer(by, plan.domain)
    if plan.pk:
        if not RecruitmentPlan.objects.visible_to(by).select_for_update(of=("self",)).filter(pk=plan.pk).exists():
            raise WorkflowError("该招引计划不存在或不在您的管辖范围内。")
    else:
        plan.region = plan.region if plan.region_id else county_of(by)
        if plan.region is None:
            raise WorkflowError("您的数据范围不是一个县（区），不能建立招引计划。")
        plan.created_by = by
    _first(plan_problems(plan))
    category_table = domains.get(plan.domain).category_table
    seen = set()
    for line in lines:
        if line["category"].table != category_table:
            raise WorkflowError(f"“{line['category'].name}”不是{_domain_label(plan.domain)}领域的人才类别。")
        if line["channel"].table != codes.CHANNEL_TABLE:
            raise WorkflowError(f"“{line['channel'].name}”不是招引渠道。")
        key = (line["category"].pk, line["channel"].pk)
        if key in seen:
            raise WorkflowError(f"“{line['category'].name}·{line['channel'].name}”重复填写。")
        seen.add(key)
        if not 1 <= int(line["planned"]) <= 9999:
            raise WorkflowError("计划人数应在 1 至 9999 之间。")
    plan._history_user = by
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError:
        raise WorkflowError(f"{plan.year}年的{_domain_label(plan.domain)}人才招引计划已经建立，请在原计划中修改。") from None
    existing = {(l.category_id, l.channel_id): l for l in PlanLine.objects.filter(plan=plan).annotate(n=Count("talents"))}
    for key, line in existing.items():
        if key not in seen and line.n:
            raise WorkflowError(f"“{line.category.name}·{line.channel.name}”已有 {line.n} 名招引人才计入，不能删除。")
    for key, line in existing.items():
        if key not in seen:
            line._history_user = by
            line.delete()
    for data in lines:
        key = (data["category"].pk, data["channel"].pk)
        line = existing.get(key) or PlanLine(plan=plan, category=data["category"], channel=data["channel"])
        if line.pk and line.planned == int(data["planned"]) and line.note == (data.get("note") or ""):
            continue
        line.planned, line.note = int(data["planned"]), data.get("note") or ""
        line._history_user = by
        line.save()
    return plan


def plan_lines_for(user, domain: str, year: int):
    """Plan lines of a domain and year in the user's scope, with ``actual`` (one query)."""
    return (
        PlanLine.objects.visible_to(user).filter(plan__domain=domain, plan__year=year)
        .select_related("plan", "category", "channel").with_actual().order_by("category__sort_order", "channel__sort_order", "pk")
    )


# --- arts organizations -------------------------------------------------------------------------------


def organization_problems(org: ArtsOrganization) -> dict[str, str]:
    problems = {}
    if org.responsible_unit_id and org.responsible_unit.domain != Domain.CULTURE:
        problems["responsible_unit"] = "业务主管单位须为文化领域的单位。"
    if org.founded_on and org.founded_on > date.today():
        problems["founded_on"] = "成立日期不能晚于今天。"
    if org.name and ArtsOrganization.objects.filter(domain=org.domain, name=org.name).exclude(pk=org.pk).exists():
        problems["name"] = "已有同名文艺组织。"
    return problems


@transaction.atomic
def save_organization(*, organization: ArtsOrganization, by) -> ArtsOrganization:
    check_writer(by, organization.domain)
    if organization.pk and not ArtsOrganization.objects.visible_to(by).select_for_update(of=("self",)).filter(pk=organization.pk).exists():
        raise WorkflowError("该文艺组织不存在或不在您的管辖范围内。")
    if not region_in_scope(by, organization.region):
        raise WorkflowError("所在区划不在您的管辖范围内。")
    _first(organization_problems(organization))
    new = organization.pk is None
    if new:
        organization.created_by = by
        organization.state_date = organization.state_date or date.today()
    organization._history_user = by
    try:
        with transaction.atomic():
            organization.save()
    except IntegrityError:
        raise WorkflowError("已有同名文艺组织。") from None
    if new:
        from talents.models import OrgStateChange

        OrgStateChange.objects.create(organization=organization, from_state="", to_state=organization.state,
                                      on=organization.state_date, reason="清理登记", by=by)
    return organization


@transaction.atomic
def add_activity(*, organization_pk: int, activity: OrgActivity, by) -> OrgActivity:
    org = ArtsOrganization.objects.visible_to(by).filter(pk=organization_pk).first()
    if org is None:
        raise WorkflowError("该文艺组织不存在或不在您的管辖范围内。")
    check_writer(by, org.domain)
    if org.state == ArtsOrganization.State.DISSOLVED:
        raise WorkflowError("该组织已注销，不能登记新的活动。")
    if activity.date > date.today():
        raise WorkflowError("活动日期不能晚于今天。")
    if org.founded_on and activity.date < org.founded_on:
        raise WorkflowError("活动日期不能早于组织成立日期。")
    activity.organization = org
    activity.recorded_by = by
    activity._history_user = by
    activity.save()
    return activity


def plan_years(user, domain: str) -> list[dict]:
    """Per plan year of a domain (newest first): planned total, recruited against the plan,
    and recruited that year in all. Three aggregate queries whatever the number of years."""
    planned = dict(
        PlanLine.objects.visible_to(user).filter(plan__domain=domain).order_by().values("plan__year")
        .annotate(n=Sum("planned")).values_list("plan__year", "n")
    )
    talents = Talent.objects.visible_to(user).filter(domain=domain, origin=Talent.Origin.RECRUITED, recruited_on__isnull=False)
    in_plan = dict(
        talents.filter(plan_line__isnull=False).order_by().values("plan_line__plan__year").annotate(n=Count("pk"))
        .values_list("plan_line__plan__year", "n")
    )
    recruited = dict(
        talents.annotate(y=ExtractYear("recruited_on")).order_by().values("y").annotate(n=Count("pk")).values_list("y", "n")
    )
    rows = []
    for year in sorted(set(planned) | set(in_plan), reverse=True):
        p, a = planned.get(year, 0) or 0, in_plan.get(year, 0)
        rows.append({"year": year, "planned": p, "actual": a, "recruited": recruited.get(year, 0),
                     "rate": round(a * 100 / p) if p else None})
    return rows


def recruited_outside_plan(user, domain: str, year: int) -> int:
    """Talents of the domain recruited in ``year`` without being counted against a plan line."""
    return (Talent.objects.visible_to(user)
            .filter(domain=domain, origin=Talent.Origin.RECRUITED, recruited_on__year=year, plan_line__isnull=True).count())
