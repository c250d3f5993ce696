"""Five-domain talents (五域人才), seed part 三.

- ``Talent``: one row per person and domain — the shared core (identity, category,
  level, unit, post and 职称, how they came, tags, status) plus ``details``, the
  domain's own fields declared in ``talents.domains`` and validated there. One model
  keeps one list, one scope and one Excel path for all five domains.
- ``Platform`` (名师/名医/名家工作室, 专家团队, 人才工作站, 重点专科 …) with ``Membership``.
- ``RecruitmentPlan`` per domain and year with ``PlanLine``s (category × channel ×
  planned number); recruited talents link to a line, so plan-versus-actual is one
  query (``PlanLineQuerySet.with_actual``).
- ``Support``: dated support given to a talent (奖补, 合作联盟 …) with an amount.
- ``ArtsOrganization`` (文艺组织) with ``OrgActivity``.

Statuses (talent 在岗/调出/退休/流失, platform, organization registration state) are
written only by ``talents.workflow``, each move with a change row.

Scope: every model names its region and domain lookups for
``cadre_portal.scope``. A domain officer sees their domain county-wide; county
staff, leaders and administrators everything; a township officer only talents
working in their township, platforms hosted there and organizations registered
there (read-only; see docs/TALENTS.md).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cadre_portal import bounds, codes
from cadre_portal.models import CodeItem, Domain, Region, Unit
from cadre_portal.people import PersonFields
from cadre_portal.scope import ScopedQuerySet


class Level(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


def tags_text(tags) -> str:
    """Tags are stored ",a,b," so one ``contains`` filter finds a tag on every database."""
    items = []
    for tag in tags or ():
        tag = str(tag).strip()
        if tag and tag not in items:
            items.append(tag)
    return ("," + ",".join(items) + ",") if items else ""


# --- recruitment plans ------------------------------------------------------------------------


class RecruitmentPlan(models.Model):
    """A domain's recruitment plan for one year (年度人才招引计划) in one county."""

    region = models.ForeignKey(Region, verbose_name="所属县（区）", on_delete=models.PROTECT, related_name="talent_plans")
    domain = models.CharField("所属领域", max_length=16, choices=Domain.choices, editable=False, db_index=True)
    year = models.PositiveSmallIntegerField("年度")
    approved_on = models.DateField("印发日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "region"
    scope_domain_field = "domain"

    field_ranges = bounds.Bounds(year=bounds.PLAN_YEAR, approved_on=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "人才招引计划"
        verbose_name_plural = "人才招引计划"
        ordering = ["domain", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region", "domain", "year"], name="talent_plan_once_per_year",
                violation_error_message="该年度的人才招引计划已经建立。"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="talent_plan_year_range",
                violation_error_message="年度应在 2000 至 2100 之间。"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年{self.get_domain_display()}人才招引计划"


class PlanLineQuerySet(ScopedQuerySet):
    def with_actual(self):
        """Annotate ``actual``: the talents recruited against each line (one query, no join fan-out)."""
        recruited = (
            Talent.objects.filter(plan_line=OuterRef("pk")).order_by().values("plan_line").annotate(n=Count("pk")).values("n")
        )
        return self.annotate(actual=Coalesce(Subquery(recruited), Value(0)))


class PlanLine(models.Model):
    """Planned number of one category through one channel in a plan."""

    plan = models.ForeignKey(RecruitmentPlan, verbose_name="招引计划", on_delete=models.CASCADE, related_name="lines")
    category = models.ForeignKey(CodeItem, verbose_name="人才类别", on_delete=models.PROTECT, related_name="+")
    channel = models.ForeignKey(CodeItem, verbose_name="招引渠道", on_delete=models.PROTECT, related_name="+")
    planned = models.PositiveIntegerField("计划人数")
    note = models.CharField("备注", max_length=200, blank=True)

    objects = PlanLineQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "plan__region"
    scope_domain_field = "plan__domain"

    field_ranges = bounds.Bounds(planned=(1, 9999))

    class Meta:
        verbose_name = "招引计划明细"
        verbose_name_plural = "招引计划明细"
        ordering = ["plan", "category__sort_order", "channel__sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "category", "channel"], name="talent_plan_line_unique",
                violation_error_message="同一人才类别和招引渠道只能填写一行。"),
            models.CheckConstraint(condition=Q(planned__gte=1) & Q(planned__lte=9999), name="talent_plan_line_planned_range",
                violation_error_message="计划人数应在 1 至 9999 之间。"),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year}年 {self.category.name}·{self.channel.name}（计划 {self.planned} 人）"

    def get_absolute_url(self) -> str:
        return reverse("talents:plan_line", args=[self.pk])


# --- talents ------------------------------------------------------------------------------------


class TalentQuerySet(ScopedQuerySet):
    def on_post(self):
        return self.filter(status=Talent.Status.ON_POST)

    def recruited_in(self, year: int):
        return self.filter(origin=Talent.Origin.RECRUITED, recruited_on__year=year)

    def with_tag(self, tag: str):
        return self.filter(tags__contains=f",{tag},")


class Talent(PersonFields):
    """A talent of one domain's registry (一人一领域一条记录; the same resident ID may
    appear in two domains, never twice in one)."""

    class Status(models.TextChoices):
        ON_POST = "on_post", "在岗"
        TRANSFERRED = "transferred", "调出"
        RETIRED = "retired", "退休"
        LOST = "lost", "流失"

    class Origin(models.TextChoices):
        RECRUITED = "recruited", "招引"
        LOCAL = "local", "本土培养"

    domain = models.CharField("所属领域", max_length=16, choices=Domain.choices, editable=False, db_index=True)
    category = models.ForeignKey(CodeItem, verbose_name="人才类别", on_delete=models.PROTECT, related_name="+")
    level = models.CharField("层级", max_length=16, choices=Level.choices, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="工作单位", null=True, blank=True, on_delete=models.PROTECT, related_name="talents")
    workplace = models.CharField("单位名称（未列入单位名录时填写）", max_length=128, blank=True)
    region = models.ForeignKey(Region, verbose_name="工作地点", on_delete=models.PROTECT, related_name="talents",
                               help_text="选择了工作单位时为该单位所在区划。")
    post = models.CharField("岗位/职务", max_length=64, blank=True)
    title_name = models.CharField("专业技术职称", max_length=40, blank=True)
    title_level = models.CharField("职称级别", max_length=2, choices=codes.TITLE_LEVEL, blank=True)
    speciality = models.CharField("专业特长", max_length=200, blank=True)
    honours = models.TextField("荣誉称号", blank=True)
    origin = models.CharField("来源", max_length=16, choices=Origin.choices, default=Origin.LOCAL)
    channel = models.ForeignKey(CodeItem, verbose_name="招引渠道", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recruited_on = models.DateField("招引日期", null=True, blank=True)
    plan_line = models.ForeignKey(PlanLine, verbose_name="计入招引计划", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="talents")
    served_unit = models.ForeignKey(Unit, verbose_name="服务单位", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    tags = models.CharField("标签", max_length=200, blank=True, default="")
    details = models.JSONField("领域信息", default=dict, blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ON_POST, editable=False, db_index=True)
    status_date = models.DateField("状态变动日期", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = TalentQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "region"
    scope_domain_field = "domain"

    field_ranges = bounds.Bounds(recruited_on=bounds.HISTORY_DATE, status_date=bounds.HISTORY_DATE)

    class Meta:
        verbose_name = "人才"
        verbose_name_plural = "人才"
        ordering = ["domain", "name", "pk"]
        indexes = [
            models.Index(fields=["domain", "status"], name="talent_domain_status"),
            models.Index(fields=["domain", "category"], name="talent_domain_category"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["domain", "id_number"], name="talent_one_record_per_domain",
                violation_error_message="该身份证号码已在本领域人才库中。"),
            models.CheckConstraint(
                condition=Q(origin="local") | (Q(recruited_on__isnull=False) & Q(channel__isnull=False)),
                name="talent_recruited_has_channel_and_date",
                violation_error_message="招引人才须填写招引渠道和招引日期。",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("talents:detail", args=[self.pk])

    @property
    def tag_list(self) -> list[str]:
        return [t for t in (self.tags or "").split(",") if t]

    @property
    def talent_domain(self):
        from talents import domains

        return domains.get(self.domain)

    def detail_rows(self) -> list[tuple[str, str]]:
        return self.talent_domain.detail_rows(self.details)

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit_id else self.workplace

    @property
    def recruited_year(self) -> int | None:
        return self.recruited_on.year if self.recruited_on else None


class TalentStatusChange(models.Model):
    """One status move of a talent (或导入、登记): before, after, the business date, who and why.
    Written only by ``talents.workflow``."""

    talent = models.ForeignKey(Talent, verbose_name="人才", on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField("原状态", max_length=16, choices=Talent.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=Talent.Status.choices)
    on = models.DateField("变动日期")
    reason = models.TextField("说明", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("操作时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "talent__region"
    scope_domain_field = "talent__domain"

    field_ranges = bounds.Bounds(on=bounds.HISTORY_DATE)

    class Meta:
        verbose_name = "人才状态变动"
        verbose_name_plural = "人才状态变动"
        ordering = ["at", "pk"]


class Support(models.Model):
    """Support given to a talent (奖补、合作联盟 …), dated, with an amount where there is one."""

    class Kind(models.TextChoices):
        SUBSIDY = "subsidy", "奖补资金"
        ALLIANCE = "alliance", "合作联盟"
        LOAN = "loan", "贴息贷款"
        TRAINING = "training", "培训指导"
        OTHER = "other", "其他"

    talent = models.ForeignKey(Talent, verbose_name="人才", on_delete=models.CASCADE, related_name="supports")
    date = models.DateField("日期")
    kind = models.CharField("扶持方式", max_length=16, choices=Kind.choices)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    partner = models.CharField("合作方/政策名称", max_length=100, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "talent__region"
    scope_domain_field = "talent__domain"

    field_ranges = bounds.Bounds(date=bounds.HISTORY_DATE, amount=(Decimal("0"), Decimal("100000000")))

    class Meta:
        verbose_name = "人才扶持"
        verbose_name_plural = "人才扶持"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__isnull=True) | (Q(amount__gte=0) & Q(amount__lte=100000000)),
                                   name="talent_support_amount_range",
                violation_error_message="金额应在 0 至 1 亿元之间。"),
        ]


# --- platforms ------------------------------------------------------------------------------------


class Platform(models.Model):
    """A studio, team, station or centre (平台载体) of one domain, hosted by a unit."""

    class Kind(models.TextChoices):
        TEACHER_STUDIO = "teacher_studio", "名师工作室"
        DOCTOR_STUDIO = "doctor_studio", "名医工作室"
        ARTIST_STUDIO = "artist_studio", "名家工作室"
        EXPERT_TEAM = "expert_team", "专家团队"
        ENTERPRISE_STATION = "enterprise_station", "企业人才工作站"
        REMOTE_STATION = "remote_station", "异地人才工作站"
        ACADEMICIAN_STATION = "academician_station", "院士工作站"
        POSTDOC_STATION = "postdoc_station", "博士后科研工作站"
        ENTERPRISE_SCHOOL_CENTER = "enterprise_school_center", "企校联合创新中心"
        ENGINEERING_CENTER = "engineering_center", "工程技术研究中心"
        CHEST_PAIN_CENTER = "chest_pain_center", "胸痛中心"
        STROKE_CENTER = "stroke_center", "卒中中心"
        MATERNAL_CENTER = "maternal_center", "危重孕产妇救治中心"
        NEONATAL_CENTER = "neonatal_center", "危重新生儿救治中心"
        TCM_SPECIALTY = "tcm_specialty", "中医重点专科"

    class Status(models.TextChoices):
        BUILDING = "building", "建设中"
        ACTIVE = "active", "运行中"
        DISSOLVED = "dissolved", "已撤销"

    name = models.CharField("平台名称", max_length=100)
    kind = models.CharField("平台类型", max_length=32, choices=Kind.choices)
    domain = models.CharField("所属领域", max_length=16, choices=Domain.choices, editable=False, db_index=True)
    host_unit = models.ForeignKey(Unit, verbose_name="依托单位", on_delete=models.PROTECT, related_name="hosted_platforms")
    leader = models.ForeignKey(Talent, verbose_name="领衔人", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="led_platforms")
    level = models.CharField("级别", max_length=16, choices=Level.choices, blank=True)
    established_on = models.DateField("设立日期", null=True, blank=True)
    location = models.CharField("所在地", max_length=100, blank=True, help_text="异地人才工作站等设在县外的平台填写所在城市或园区")
    served_units = models.ManyToManyField(Unit, verbose_name="服务的企业或单位", blank=True, related_name="served_by_platforms")
    served_places = models.CharField("服务地区", max_length=200, blank=True)
    description = models.TextField("简介", blank=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.ACTIVE, editable=False, db_index=True)
    status_date = models.DateField("状态变动日期", null=True, blank=True, editable=False)
    members = models.ManyToManyField(Talent, through="Membership", related_name="platforms", verbose_name="成员")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[served_units])
    scope_region_field = "host_unit__region"
    scope_domain_field = "domain"

    field_ranges = bounds.Bounds(established_on=bounds.HISTORY_DATE, status_date=bounds.HISTORY_DATE)

    class Meta:
        verbose_name = "人才平台"
        verbose_name_plural = "人才平台"
        ordering = ["domain", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["domain", "name"], name="talent_platform_unique_name",
                violation_error_message="本领域已有同名平台。")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("talents:platform_detail", args=[self.pk])


class Membership(models.Model):
    """A talent's membership of a platform."""

    class Role(models.TextChoices):
        LEAD = "lead", "领衔人"
        CORE = "core", "核心成员"
        MEMBER = "member", "成员"

    platform = models.ForeignKey(Platform, verbose_name="平台", on_delete=models.CASCADE, related_name="memberships")
    talent = models.ForeignKey(Talent, verbose_name="人才", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.MEMBER)
    joined_on = models.DateField("加入日期", null=True, blank=True)
    left_on = models.DateField("退出日期", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "platform__host_unit__region"
    scope_domain_field = "platform__domain"

    field_ranges = bounds.Bounds(joined_on=bounds.HISTORY_DATE, left_on=bounds.HISTORY_DATE)

    class Meta:
        verbose_name = "平台成员"
        verbose_name_plural = "平台成员"
        ordering = ["left_on", "role", "joined_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "talent"], name="talent_membership_once",
                violation_error_message="该人才已是该平台成员。"),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gte=models.F("joined_on")),
                                   name="talent_membership_dates_in_order",
                violation_error_message="退出日期不能早于加入日期。"),
        ]

    @property
    def is_current(self) -> bool:
        return self.left_on is None


class PlatformStatusChange(models.Model):
    platform = models.ForeignKey(Platform, verbose_name="平台", on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField("原状态", max_length=16, choices=Platform.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=Platform.Status.choices)
    on = models.DateField("变动日期")
    reason = models.TextField("说明", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("操作时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "platform__host_unit__region"
    scope_domain_field = "platform__domain"

    field_ranges = bounds.Bounds(on=bounds.HISTORY_DATE)

    class Meta:
        verbose_name = "平台状态变动"
        verbose_name_plural = "平台状态变动"
        ordering = ["at", "pk"]


# --- arts organizations ---------------------------------------------------------------------------


class ArtsOrganization(models.Model):
    """A local arts organization (文艺组织), cleared and registered (清理登记) and then
    under regular management (规范管理) by the culture department."""

    class Kind(models.TextChoices):
        ASSOCIATION = "association", "文艺家协会（学会）"
        TROUPE = "troupe", "民间剧团（戏曲班社）"
        MASS_TEAM = "mass_team", "群众文艺团队"
        SOCIAL_ORG = "social_org", "文化类社会组织"
        OTHER = "other", "其他"

    class State(models.TextChoices):
        REGISTERED = "registered", "已清理登记"
        REGULATED = "regulated", "规范管理"
        DISSOLVED = "dissolved", "已注销"

    name = models.CharField("组织名称", max_length=100)
    kind = models.CharField("组织类型", max_length=16, choices=Kind.choices)
    domain = models.CharField("所属领域", max_length=16, choices=Domain.choices, default=Domain.CULTURE, editable=False)
    state = models.CharField("登记状态", max_length=16, choices=State.choices, default=State.REGISTERED, editable=False, db_index=True)
    state_date = models.DateField("状态变动日期", null=True, blank=True, editable=False)
    responsible_unit = models.ForeignKey(Unit, verbose_name="业务主管单位", on_delete=models.PROTECT, related_name="arts_organizations")
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="arts_organizations")
    members_count = models.PositiveIntegerField("成员人数", null=True, blank=True)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    leader_name = models.CharField("负责人", max_length=32, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    note = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "region"
    scope_domain_field = "domain"

    field_ranges = bounds.Bounds(state_date=bounds.HISTORY_DATE, members_count=(0, 100_000), founded_on=bounds.HISTORY_DATE)

    class Meta:
        verbose_name = "文艺组织"
        verbose_name_plural = "文艺组织"
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(fields=["domain", "name"], name="talent_arts_org_unique_name",
                violation_error_message="已有同名文艺组织。"),
            models.CheckConstraint(condition=Q(members_count__isnull=True) | Q(members_count__lte=100000),
                                   name="talent_arts_org_members_range",
                violation_error_message="成员人数不能超过 100000。"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("talents:org_detail", args=[self.pk])


class OrgActivity(models.Model):
    """An activity of an arts organization (演出、创作、培训 …)."""

    organization = models.ForeignKey(ArtsOrganization, verbose_name="文艺组织", on_delete=models.CASCADE, related_name="activities")
    date = models.DateField("日期")
    title = models.CharField("活动名称", max_length=100)
    place = models.CharField("地点", max_length=100, blank=True)
    participants = models.PositiveIntegerField("参与人数", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "organization__region"
    scope_domain_field = "organization__domain"

    field_ranges = bounds.Bounds(date=bounds.HISTORY_DATE, participants=(0, 1_000_000))

    class Meta:
        verbose_name = "文艺组织活动"
        verbose_name_plural = "文艺组织活动"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(participants__isnull=True) | Q(participants__lte=1000000),
                                   name="talent_org_activity_participants_range",
                violation_error_message="参与人数不能超过 1000000。"),
        ]


class OrgStateChange(models.Model):
    organization = models.ForeignKey(ArtsOrganization, verbose_name="文艺组织", on_delete=models.CASCADE, related_name="state_changes")
    from_state = models.CharField("原状态", max_length=16, choices=ArtsOrganization.State.choices, blank=True)
    to_state = models.CharField("新状态", max_length=16, choices=ArtsOrganization.State.choices)
    on = models.DateField("变动日期")
    reason = models.TextField("说明", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("操作时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "organization__region"
    scope_domain_field = "organization__domain"

    field_ranges = bounds.Bounds(on=bounds.HISTORY_DATE)

    class Meta:
        verbose_name = "文艺组织登记状态变动"
        verbose_name_plural = "文艺组织登记状态变动"
        ordering = ["at", "pk"]


def current_year() -> int:
    return date.today().year
