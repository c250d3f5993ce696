"""What every app shares: regions, units, users and roles, code tables, audit.

Scoping lives in ``cadre_portal.scope``; people's identity fields in
``cadre_portal.people``.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from simple_history.models import HistoricalRecords

from cadre_portal import bounds
from cadre_portal.scope import ScopedQuerySet


class Region(models.Model):
    """A node of the administrative division tree, keyed by the national statistical code.

    ``path`` is the chain of codes from the root (``421223/421223100/``), so
    "this node and everything under it" is one ``startswith`` filter.
    """

    class Level(models.IntegerChoices):
        PROVINCE = 1, "省级"
        CITY = 2, "地级"
        COUNTY = 3, "县级"
        TOWNSHIP = 4, "乡级"
        VILLAGE = 5, "村级"

    class Kind(models.TextChoices):
        PROVINCE = "province", "省/自治区/直辖市"
        CITY = "city", "市/州"
        COUNTY = "county", "县"
        DISTRICT = "district", "区/县级市"
        STREET = "street", "街道"
        TOWN = "town", "镇"
        TOWNSHIP = "township", "乡"
        COMMUNITY = "community", "社区"
        VILLAGE = "village", "村"
        OTHER = "other", "其他"

    code = models.CharField("区划代码", max_length=12, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.PositiveSmallIntegerField("层级", choices=Level.choices)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.OTHER)
    parent = models.ForeignKey(
        "self", verbose_name="上级区划", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = models.CharField("路径", max_length=255, db_index=True, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)

    field_ranges = bounds.Bounds(level=(1, 5), sort_order=bounds.SORT_ORDER)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = "self"
    scope_reference_data = True

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = "行政区划"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # path is derived data; keeping it consistent is part of storing a node.
        self.path = (self.parent.path if self.parent_id else "") + self.code + "/"
        super().save(*args, **kwargs)

    @property
    def is_village(self) -> bool:
        return self.level == self.Level.VILLAGE

    @property
    def is_township(self) -> bool:
        return self.level == self.Level.TOWNSHIP

    def township(self) -> "Region | None":
        """The township (乡镇/街道) this node is in, or itself."""
        node = self
        while node is not None and node.level > self.Level.TOWNSHIP:
            node = node.parent
        return node if node is not None and node.level == self.Level.TOWNSHIP else None

    def full_name(self) -> str:
        """天城镇茅井村: the township and village part of the name. Stops at the
        township without loading its parent, so ``select_related("village__parent")``
        is enough for lists."""
        names = []
        node = self
        while node is not None and node.level >= self.Level.TOWNSHIP:
            names.append(node.name)
            if node.level == self.Level.TOWNSHIP:
                break
            node = node.parent
        return "".join(reversed(names))

    def descendants(self, include_self: bool = True):
        qs = Region.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)

    def natural_key(self):
        return (self.code,)


class Domain(models.TextChoices):
    """The five talent domains (五域) and their departments."""

    EDUCATION = "education", "教育"
    MEDICAL = "medical", "医疗"
    AGRICULTURE = "agriculture", "农业"
    INDUSTRY = "industry", "工业"
    CULTURE = "culture", "文化"


DOMAIN_DEPARTMENTS = {
    Domain.EDUCATION: "县教育局",
    Domain.MEDICAL: "县卫健局",
    Domain.AGRICULTURE: "县农业农村局",
    Domain.INDUSTRY: "县经信局",
    Domain.CULTURE: "县文旅局",
}


class Unit(models.Model):
    """A work unit (单位): a party or government organ, a public institution, an enterprise."""

    class Kind(models.TextChoices):
        PARTY_GOV = "party_gov", "党政机关"
        INSTITUTION = "institution", "事业单位"
        STATE_ENTERPRISE = "soe", "国有企业"
        ENTERPRISE = "enterprise", "非公企业"
        SOCIAL = "social", "社会组织"
        VILLAGE_ORG = "village_org", "村（社区）组织"
        OTHER = "other", "其他"

    name = models.CharField("单位名称", max_length=128)
    kind = models.CharField("单位性质", max_length=16, choices=Kind.choices)
    region = models.ForeignKey(Region, verbose_name="所在区划", on_delete=models.PROTECT, related_name="units")
    domain = models.CharField("所属领域", max_length=16, choices=Domain.choices, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    field_ranges = bounds.Bounds(sort_order=bounds.SORT_ORDER)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = "region"
    scope_domain_field = "domain"
    scope_unit_field = "self"

    class Team(models.TextChoices):
        """The three teams (三支队伍) across which young cadres are appointed.
        Derived from ``kind`` (never typed): see ``TEAM_KINDS``."""

        ORGAN = "organ", "机关"
        INSTITUTION = "institution", "事业"
        ENTERPRISE = "enterprise", "企业"

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["region__path", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_in_region")]
        permissions = [("import_unit", "可导入单位"), ("export_unit", "可导出单位")]

    def __str__(self) -> str:
        return self.name

    @property
    def team(self) -> str:
        """机关 / 事业 / 企业 code of this unit, or "" for units outside the three teams."""
        return KIND_TEAM.get(self.kind, "")

    @property
    def team_label(self) -> str:
        return Unit.Team(self.team).label if self.team else ""

    @staticmethod
    def team_q(team: str, prefix: str = "") -> models.Q:
        """Filter for units of one team, e.g. ``Cadre.objects.filter(Unit.team_q("organ", "unit__"))``."""
        return models.Q(**{f"{prefix}kind__in": TEAM_KINDS.get(team, ())})

    @staticmethod
    def team_case(prefix: str = "") -> models.Case:
        """The team as an SQL expression, for grouping counts in the database."""
        return models.Case(
            *[models.When(**{f"{prefix}kind__in": kinds}, then=models.Value(team)) for team, kinds in TEAM_KINDS.items()],
            default=models.Value(""),
            output_field=models.CharField(),
        )


# 三支队伍: which unit kinds form each team. Party and government organs (incl. 群团 and
# 参公 bodies) are 机关; public institutions 事业; state and private enterprises 企业.
TEAM_KINDS = {
    Unit.Team.ORGAN: (Unit.Kind.PARTY_GOV,),
    Unit.Team.INSTITUTION: (Unit.Kind.INSTITUTION,),
    Unit.Team.ENTERPRISE: (Unit.Kind.STATE_ENTERPRISE, Unit.Kind.ENTERPRISE),
}
KIND_TEAM = {kind: team for team, kinds in TEAM_KINDS.items() for kind in kinds}


class Role(models.TextChoices):
    TOWNSHIP_OFFICER = "township_officer", "乡镇组织委员"
    COUNTY_STAFF = "county_staff", "县委组织部干部"
    DOMAIN_OFFICER = "domain_officer", "行业主管部门干部"
    LEADER = "leader", "县领导"
    ADMIN = "admin", "系统管理员"
    UNIT_CONTACT = "unit_contact", "单位干部联络员"


class PortalUserManager(UserManager.from_queryset(ScopedQuerySet)):
    pass


class User(AbstractUser):
    """A portal user. Role and scope (a region node, plus a domain for domain officers;
    one unit for a unit contact) decide what they see and may do; see ``cadre_portal.scope``."""

    full_name = models.CharField("姓名", max_length=32, blank=True)
    role = models.CharField("角色", max_length=24, choices=Role.choices, default=Role.TOWNSHIP_OFFICER)
    region = models.ForeignKey(
        Region, verbose_name="数据范围", null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        help_text="用户可见的区划：该节点及其下级全部区划。",
    )
    domain = models.CharField("行业领域", max_length=16, choices=Domain.choices, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name="联络单位", null=True, blank=True, on_delete=models.PROTECT, related_name="contacts",
        help_text="单位干部联络员只能看到并填报本单位干部的信息。",
    )
    phone = models.CharField("手机号码", max_length=20, blank=True)
    title = models.CharField("职务", max_length=64, blank=True)

    objects = PortalUserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    scope_region_field = "region"

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["role", "username"]
        permissions = [("import_user", "可导入用户"), ("export_user", "可导出用户")]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def clean(self):
        """A role needs the scope it works in: an officer a township, a domain officer a domain."""
        super().clean()
        from django.core.exceptions import ValidationError

        errors = {}
        if self.role == Role.UNIT_CONTACT:
            # A unit contact's scope is their unit and nothing else: no region, no domain.
            if self.unit_id is None:
                errors["unit"] = "单位干部联络员须选择所联络的单位。"
            if self.region_id is not None:
                errors["region"] = "单位干部联络员的数据范围为所联络的单位，不需选择区划。"
        elif self.unit_id is not None:
            errors["unit"] = "只有单位干部联络员需要选择联络单位。"
        if self.role not in (Role.ADMIN, Role.UNIT_CONTACT) and not self.is_superuser and self.region_id is None:
            errors["region"] = "请选择该用户的数据范围（区划）。"
        if self.role == Role.TOWNSHIP_OFFICER and self.region_id and self.region.level != Region.Level.TOWNSHIP:
            errors["region"] = "乡镇组织委员的数据范围应为一个乡镇（街道）。"
        if self.role == Role.DOMAIN_OFFICER and not self.domain:
            errors["domain"] = "行业主管部门干部须选择所属行业领域。"
        if self.role != Role.DOMAIN_OFFICER and self.domain:
            errors["domain"] = "只有行业主管部门干部需要填写行业领域。"
        if errors:
            raise ValidationError(errors)

    # Role predicates, used by views, workflows and templates.
    @property
    def is_township_officer(self) -> bool:
        return self.role == Role.TOWNSHIP_OFFICER

    @property
    def is_county_staff(self) -> bool:
        return self.role == Role.COUNTY_STAFF

    @property
    def is_domain_officer(self) -> bool:
        return self.role == Role.DOMAIN_OFFICER

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER

    @property
    def is_portal_admin(self) -> bool:
        return self.role == Role.ADMIN or self.is_superuser

    @property
    def is_unit_contact(self) -> bool:
        return self.role == Role.UNIT_CONTACT

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.LEADER

    @property
    def sees_whole_county(self) -> bool:
        return self.role in (Role.COUNTY_STAFF, Role.LEADER, Role.ADMIN) or self.is_superuser


class CodeItem(models.Model):
    """An entry of a code table an administrator may edit (e.g. the reserves' annual grades).

    Seeded from the national tables; the national standards themselves are
    also available as static choices in ``cadre_portal.codes``.
    """

    table = models.CharField("代码表", max_length=64, db_index=True)
    code = models.CharField("代码", max_length=16)
    name = models.CharField("名称", max_length=128)
    parent_code = models.CharField("上级代码", max_length=16, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    # For graded sets: does this value count as a pass (e.g. 不合格 does not).
    is_passing = models.BooleanField("视为合格", default=True)

    field_ranges = bounds.Bounds(sort_order=bounds.SORT_ORDER)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "代码表条目"
        verbose_name_plural = "代码表"
        ordering = ["table", "sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="codeitem_unique_code")]

    def __str__(self) -> str:
        return f"{self.name}"

    @classmethod
    def choices_for(cls, table: str) -> list[tuple[str, str]]:
        return list(cls.objects.filter(table=table, is_active=True).values_list("code", "name"))


CODE_TABLE_LABELS = {
    "gender_gbt2261_1": "性别（GB/T 2261.1）",
    "ethnic_gb3304": "民族（GB 3304）",
    "political_gbt4762": "政治面貌（GB/T 4762）",
    "education_gbt4658_2006": "学历（GB/T 4658）",
    "education_zb64_rmb_editor": "学历（组织系统）",
    "degree_gbt6864_2003": "学位（GB/T 6864）",
    "marital_gbt2261_2": "婚姻状况",
    "health_gbt2261_3": "健康状况（GB/T 2261.3）",
    "health_rmb_form_usage": "健康状况（任免表用语）",
    "family_relation_gbt4761_2008": "家庭关系（GB/T 4761）",
    "civil_servant_rank_2019": "公务员职级",
    "leader_post_level_zb09": "领导职务层次",
    "title_level": "职称级别",
    "assessment_conclusion_zb18": "年度考核结论",
    "democratic_rating_4": "民主评议等次",
    "reserve_annual_grade_3_default": "后备干部年度综合评价等次",
    "dossier_category_2018": "干部人事档案分类",
    "village_two_committee_posts": "村“两委”职务",
    "nomination_source": "推荐来源",
    "priority_group": "优先选定群体",
    "wulei_renyuan": "五类人员",
    "appraisal_dimensions_seed": "评议维度",
    "selection_criteria_seed": "选拔标准",
}

RESERVE_GRADE_TABLE = "reserve_annual_grade_3_default"


class AuditEvent(models.Model):
    """An explicit audit entry for what field history does not show: logins, imports, exports,
    workflow decisions."""

    class Kind(models.TextChoices):
        LOGIN = "login", "登录"
        LOGIN_FAILED = "login_failed", "登录失败"
        LOGIN_LOCKED = "login_locked", "登录锁定"
        LOGOUT = "logout", "退出"
        SESSION_EXPIRED = "session_expired", "会话超时"
        IMPORT = "import", "导入"
        EXPORT = "export", "导出"
        TRANSITION = "transition", "流程操作"
        PASSWORD_CHANGE = "password_change", "修改密码"
        REMINDER_SCAN = "reminder_scan", "提醒扫描"
        ARCHIVE = "audit_archive", "审计日志归档"
        PURGE = "purge", "彻底删除"
        OTHER = "other", "其他"

    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    kind = models.CharField("类型", max_length=24, choices=Kind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="用户", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    region = models.ForeignKey(Region, verbose_name="区划", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    summary = models.CharField("摘要", max_length=255)
    detail = models.JSONField("详情", default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_region_field = "region"

    class Meta:
        verbose_name = "审计日志"
        verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.summary}"


class LoginThrottle(models.Model):
    """Failed-login counters under one key — a username at an address, a username, or an
    address — and the key's lockout (``cadre_portal.login_throttle``). An administrator
    unlocks a key in the admin (audited)."""

    class Scope(models.TextChoices):
        PAIR = "pair", "用户名+地址"
        USERNAME = "username", "用户名"
        ADDRESS = "ip", "IP 地址"

    scope = models.CharField("限制对象", max_length=8, choices=Scope.choices)
    key = models.CharField("键", max_length=200)
    username = models.CharField("用户名", max_length=150, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    failures = models.PositiveIntegerField("连续失败次数", default=0)
    level = models.PositiveSmallIntegerField("已锁定次数", default=0, help_text="每次锁定的时长是上一次的两倍。")
    last_failure_at = models.DateTimeField("最近一次失败", null=True, blank=True)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    last_success_at = models.DateTimeField("最近一次成功登录", null=True, blank=True)

    field_ranges = bounds.Bounds(failures=(0, 1_000_000), level=(0, 1000))

    class Meta:
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败与锁定"
        ordering = ["-last_failure_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_once_per_key")]

    def __str__(self) -> str:
        return self.describe()

    def describe(self) -> str:
        if self.scope == self.Scope.PAIR:
            return f"用户名 {self.username}（地址 {self.ip_address or '未知'}）"
        if self.scope == self.Scope.USERNAME:
            return f"用户名 {self.username}"
        return f"地址 {self.ip_address or self.key}"

    @property
    def is_locked(self) -> bool:
        from django.utils import timezone

        return self.locked_until is not None and self.locked_until > timezone.now()
