"""The young-cadre bank (优秀年轻干部库), seed part 二 (the 五求).

- ``Cadre``: the cadre file (干部信息), one record per resident ID number, with the
  per-person records the growth dossier and the 干部任免审批表 read: ``ResumeEntry``
  (简历), ``FamilyMember`` (家庭主要成员及重要社会关系), ``RewardPunishment`` (奖惩),
  ``AnnualAssessment`` (年度考核).
- ``Post`` and ``PostHolding``: every unit's leadership posts (岗位供求) with their
  approved headcount (职数) and current holders.
- ``BankEntry``: membership of the bank, moved only by ``youth_cadres.workflow``
  (推荐 → 考察 → 入库 → 任用 / 调出), each move a ``BankTransition`` row; its target
  posts are ``BankTarget`` rows. The cohort (培养类别) is derived (``cohorts``).
- ``Appointment`` and ``AppointmentRound``: appointment from the bank (任免), the
  source of the 干部任免审批表.
- Training (事业需求): ``TrainingPlan`` per cohort with ``TrainingPlanItem``s on the six
  dimensions, ``TrainingRecord``s per person from both lines (双线责任).
- 四抓四管 (组织要求): ``StudyRecord``, ``ConductNote``, ``WorkLogEntry``,
  ``PerformanceCheck``, ``SupervisionOpinion``, ``IntegrityCheck``.
- The growth dossier's attachments (``DossierAttachment``) and the career plan
  (``CareerPlan``, ``CareerMilestone``, ``CareerReview``).

Scope: the bank is the county department's. Every model here is for county-wide
roles only (``scope_county_roles_only``): township and domain officers see none
of it. A unit contact sees the rows of their unit's cadres (``scope_unit_field``);
the integrity records (supervision opinions, integrity checks, attachments) name
no unit field, so unit contacts never see them.

Counts that lists filter on (a post's holders and bank candidates) are stored on
the ``Post`` by the code that changes them, in the same transaction, and checked by
``manage.py recount_posts``.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cadre_portal import bounds, codes, idcard
from cadre_portal.models import Unit
from cadre_portal.people import PersonFields, validate_id_number
from cadre_portal.scope import ScopedQuerySet
from youth_cadres import cohorts

RANKS = codes.table("civil_servant_rank_2019")
POST_LEVELS = codes.LEADER_POST_LEVEL
HEALTH = codes.HEALTH
RATINGS = codes.DEMOCRATIC_RATING  # 好/较好/一般/差


def month_text(day: date | None) -> str:
    """``1990.05``: how dates are written on cadre forms."""
    return f"{day.year}.{day.month:02d}" if day else ""


def _photo_path(instance, filename) -> str:
    return f"youth/photos/{uuid.uuid4().hex}.jpg"


def _attachment_path(instance, filename) -> str:
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"youth/attachments/{date.today():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class CadreScoped:
    """Scope of a record that belongs to one cadre (see the module docstring)."""

    scope_region_field = "cadre__unit__region"
    scope_unit_field = "cadre__unit"
    scope_county_roles_only = True


class CountyOnly:
    """Scope of a sensitive per-cadre record: county-wide roles only, never unit contacts."""

    scope_region_field = "cadre__unit__region"
    scope_county_roles_only = True


# --- the cadre file ----------------------------------------------------------------------


class CadreQuerySet(ScopedQuerySet):
    def with_cohort(self, as_of: date | None = None):
        """Annotate ``cohort_key`` (the derived 培养类别 key; "" for none)."""
        return self.annotate(cohort_key=cohorts.cohort_expression(as_of))

    def in_cohort(self, key: str, as_of: date | None = None):
        return self.filter(cohorts.cohort_filter(key, as_of))

    def in_team(self, team: str):
        return self.filter(Unit.team_q(team, "unit__"))


class Cadre(PersonFields):
    """A cadre's file (干部信息): identity, unit and post, education, tags, photo.

    One record per resident ID number among cadres. ``current_post`` is the post as
    written on forms (“中共XX镇委员会副书记”); the leadership posts of the survey are
    ``PostHolding`` rows."""

    id_number = models.CharField("身份证号码", max_length=18, unique=True, validators=[validate_id_number])
    unit = models.ForeignKey(Unit, verbose_name="工作单位", on_delete=models.PROTECT, related_name="cadres")
    current_post = models.CharField("现任职务", max_length=200, blank=True)
    post_level = models.CharField("职务层次", max_length=3, choices=POST_LEVELS, blank=True)
    rank = models.CharField("职级", max_length=2, choices=RANKS, blank=True)
    level_since = models.DateField("任现职级时间", null=True, blank=True)
    work_start = models.DateField("参加工作时间", null=True, blank=True)
    party_join = models.DateField("入党时间", null=True, blank=True)
    fulltime_education = models.CharField("全日制教育学历", max_length=4, choices=codes.EDUCATION, blank=True)
    fulltime_degree = models.CharField("全日制教育学位", max_length=4, choices=codes.DEGREE, blank=True)
    fulltime_school = models.CharField("全日制教育毕业院校系及专业", max_length=200, blank=True)
    # The 任免审批表 names the school of the degree too, when it differs (学位授予院校).
    fulltime_degree_school = models.CharField("全日制教育学位授予院校系及专业", max_length=200, blank=True)
    inservice_education = models.CharField("在职教育学历", max_length=4, choices=codes.EDUCATION, blank=True)
    inservice_degree = models.CharField("在职教育学位", max_length=4, choices=codes.DEGREE, blank=True)
    inservice_school = models.CharField("在职教育毕业院校系及专业", max_length=200, blank=True)
    inservice_degree_school = models.CharField("在职教育学位授予院校系及专业", max_length=200, blank=True)
    specialty = models.CharField("熟悉专业有何专长", max_length=200, blank=True)
    professional_title = models.CharField("专业技术职务", max_length=64, blank=True)
    birth_place = models.CharField("出生地", max_length=64, blank=True)
    health = models.CharField("健康状况", max_length=8, choices=HEALTH, default="健康")
    # Codes of cohorts.TAGS stored ",selected,elite," so one ``contains`` filter finds a tag
    # on every database; use set_tags()/tag_codes.
    tags = models.CharField("标签", max_length=64, blank=True, default="")
    photo = models.ImageField("照片", upload_to=_photo_path, blank=True)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = CadreQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = "unit__region"
    scope_unit_field = "unit"
    scope_county_roles_only = True

    field_ranges = bounds.Bounds(level_since=bounds.HISTORY_DATE, work_start=bounds.HISTORY_DATE, party_join=bounds.HISTORY_DATE)

    class Meta:
        verbose_name = "干部"
        verbose_name_plural = "干部"
        ordering = ["unit__sort_order", "unit__name", "name", "pk"]
        permissions = [("import_cadre", "可导入干部"), ("export_cadre", "可导出干部")]

    def __str__(self) -> str:
        return self.name

    # Small pure helpers ------------------------------------------------------------
    @property
    def tag_codes(self) -> list[str]:
        return [t for t in (self.tags or "").split(",") if t]

    def set_tags(self, tag_codes) -> None:
        wanted = [code for code, _ in cohorts.TAGS if code in set(tag_codes or ())]
        self.tags = ("," + ",".join(wanted) + ",") if wanted else ""

    @property
    def tag_labels(self) -> list[str]:
        names = dict(cohorts.TAGS)
        return [names.get(t, t) for t in self.tag_codes]

    @property
    def cohort(self) -> str:
        """The derived cohort key today (the ``with_cohort`` annotation when present)."""
        annotated = self.__dict__.get("cohort_key")
        return annotated if annotated is not None else cohorts.cohort_of(self)

    @property
    def cohort_label(self) -> str:
        return cohorts.label(self.cohort)

    @property
    def cohort_focus(self) -> str:
        return cohorts.focus(self.cohort)

    @property
    def level_label(self) -> str:
        """职务层次, or the 职级 when no leadership level is recorded."""
        return self.get_post_level_display() or self.get_rank_display()

    @property
    def birth_month(self) -> str:
        return month_text(self.birth_date)

    def age_on(self, day: date) -> int | None:
        from cadre_portal.people import age_on

        return age_on(self.birth_date, day)

    @property
    def fulltime_education_text(self) -> str:
        return "".join(filter(None, [self.get_fulltime_education_display(), self.get_fulltime_degree_display()]))

    @property
    def inservice_education_text(self) -> str:
        return "".join(filter(None, [self.get_inservice_education_display(), self.get_inservice_degree_display()]))

    @property
    def masked_id_number(self) -> str:
        return idcard.mask(self.id_number)


class ResumeEntry(CadreScoped, models.Model):
    """A line of the 简历: ``2008.09--2012.07  XX大学XX专业学习``; no end date means 至今."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="resume")
    start = models.DateField("起始年月")
    end = models.DateField("终止年月", null=True, blank=True, help_text="不填表示至今。")
    text = models.CharField("学习或工作单位及职务", max_length=200)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(start=bounds.HISTORY_DATE, end=bounds.HISTORY_DATE)

    class Meta:
        verbose_name = "简历"
        verbose_name_plural = "简历"
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="resume_end_after_start")
        ]

    def __str__(self) -> str:
        return self.line

    @property
    def period(self) -> str:
        """``2008.09--2012.07``; an entry to the present keeps the width blank (``2020.07--       ``),
        as the 任免审批表 writes it."""
        return f"{month_text(self.start)}--{month_text(self.end) if self.end else ' ' * 7}"

    @property
    def line(self) -> str:
        return f"{self.period}  {self.text}"


class FamilyMember(CadreScoped, models.Model):
    """家庭主要成员及重要社会关系 (the 任免审批表 holds up to ~10 rows)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="family")
    relation = models.CharField("称谓", max_length=16)
    name = models.CharField("姓名", max_length=32)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    political_status = models.CharField("政治面貌", max_length=2, choices=codes.POLITICAL_STATUS, blank=True)
    work_unit_post = models.CharField("工作单位及职务", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(birth_date=bounds.BIRTH_DATE, sort_order=bounds.SORT_ORDER)

    class Meta:
        verbose_name = "家庭成员"
        verbose_name_plural = "家庭主要成员及重要社会关系"
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.relation} {self.name}"

    def age_on(self, day: date | None = None) -> int | None:
        from cadre_portal.people import age_on

        return age_on(self.birth_date, day)


class RewardPunishment(CadreScoped, models.Model):
    """奖惩情况: a reward or a punishment, as the dossier and the 任免审批表 list them."""

    class Kind(models.TextChoices):
        REWARD = "reward", "奖励"
        PUNISHMENT = "punishment", "惩处"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="rewards")
    date = models.DateField("时间")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    text = models.CharField("奖惩内容", max_length=300)
    issued_by = models.CharField("批准机关", max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(date=bounds.HISTORY_DATE)

    class Meta:
        verbose_name = "奖惩情况"
        verbose_name_plural = "奖惩情况"
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y.%m} {self.text}"


class AnnualAssessment(CadreScoped, models.Model):
    """年度考核结果 (conclusions of the ZB18 table: 优秀/称职/基本称职/不称职 …)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="assessments")
    year = models.PositiveSmallIntegerField("年度")
    result = models.CharField("考核结果", max_length=2, choices=codes.ASSESSMENT_CONCLUSION)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(year=(1950, 2100))

    class Meta:
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["cadre", "year"], name="assessment_once_per_year"),
            models.CheckConstraint(condition=Q(year__gte=1950) & Q(year__lte=2100), name="assessment_year_plausible"),
        ]

    def __str__(self) -> str:
        return f"{self.year}年度 {self.get_result_display()}"


# --- posts (岗位供求) ------------------------------------------------------------------------


class PostQuerySet(ScopedQuerySet):
    def short_of_candidates(self, minimum: int | None = None):
        """Posts with fewer bank candidates than the standard (一个岗位2名以上培养对象)."""
        return self.filter(candidate_count__lt=MIN_CANDIDATES if minimum is None else minimum)

    def with_vacancies(self):
        return self.filter(holder_count__lt=models.F("headcount"))


MIN_CANDIDATES = 2  # 按照一个岗位2名以上培养对象的标准


class Post(models.Model):
    """A leadership post of a unit (岗位): title, level and approved headcount (职数).

    ``holder_count`` (open ``PostHolding`` rows) and ``candidate_count`` (bank members
    in the bank targeted at the post) are kept by the workflow in the same transaction
    as the change; the database refuses more holders than the headcount."""

    unit = models.ForeignKey(Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="posts")
    title = models.CharField("岗位名称", max_length=64)
    level = models.CharField("职务层次", max_length=3, choices=POST_LEVELS)
    headcount = models.PositiveSmallIntegerField("核定职数", default=1)
    holder_count = models.PositiveSmallIntegerField("现任人数", default=0, editable=False)
    candidate_count = models.PositiveSmallIntegerField("在库培养对象人数", default=0, editable=False)
    sort_order = models.PositiveIntegerField("排序", default=0)
    note = models.CharField("备注", max_length=200, blank=True)

    objects = PostQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = "unit__region"
    scope_unit_field = "unit"
    scope_county_roles_only = True

    field_ranges = bounds.Bounds(headcount=(1, 100), holder_count=(0, 100), candidate_count=(0, 1000), sort_order=bounds.SORT_ORDER)

    class Meta:
        verbose_name = "领导岗位"
        verbose_name_plural = "领导岗位"
        ordering = ["unit__sort_order", "unit__name", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "title"], name="post_unique_title_in_unit"),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="post_headcount_positive"),
            models.CheckConstraint(condition=Q(holder_count__lte=models.F("headcount")), name="post_holders_within_headcount"),
        ]
        permissions = [("import_post", "可导入领导岗位"), ("export_post", "可导出领导岗位")]

    def __str__(self) -> str:
        return f"{self.unit.name}{self.title}"

    @property
    def full_title(self) -> str:
        return f"{self.unit.name}{self.title}"

    @property
    def vacancies(self) -> int:
        return max(0, self.headcount - self.holder_count)

    @property
    def is_short_of_candidates(self) -> bool:
        return self.candidate_count < MIN_CANDIDATES


class PostHoldingQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(end__isnull=True)


class PostHolding(models.Model):
    """A cadre holding a post from ``start`` until ``end`` (open: holds it now)."""

    post = models.ForeignKey(Post, verbose_name="岗位", on_delete=models.PROTECT, related_name="holdings")
    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="holdings")
    start = models.DateField("任职时间")
    end = models.DateField("离任时间", null=True, blank=True)
    end_reason = models.CharField("离任原因", max_length=200, blank=True)
    appointment = models.ForeignKey(
        "Appointment", verbose_name="任职依据", null=True, blank=True, on_delete=models.SET_NULL, related_name="holdings"
    )

    objects = PostHoldingQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = "post__unit__region"
    scope_unit_field = "post__unit"
    scope_county_roles_only = True

    field_ranges = bounds.Bounds(start=bounds.HISTORY_DATE, end=bounds.HISTORY_DATE)

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任职"
        ordering = ["start", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["post", "cadre"], condition=Q(end__isnull=True), name="holding_once_per_post"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} {self.post}"


# --- the bank ------------------------------------------------------------------------------------


class BankEntryQuerySet(ScopedQuerySet):
    def open(self):
        return self.filter(status__in=BankEntry.OPEN_STATUSES)

    def in_bank(self):
        return self.filter(status=BankEntry.Status.IN_BANK)

    def with_cohort(self, as_of: date | None = None):
        """Annotate ``cohort_key`` (the cadre's derived cohort)."""
        return self.annotate(cohort_key=cohorts.cohort_expression(as_of, prefix="cadre__"))

    def in_cohort(self, key: str, as_of: date | None = None):
        return self.filter(cohorts.cohort_filter(key, as_of, prefix="cadre__"))


class BankEntry(models.Model):
    """A cadre's membership of the 80、90优秀年轻干部库, from recommendation to use.

    ``status`` is written only by ``youth_cadres.workflow``. The cohort is derived
    from the cadre (``cohorts``), never stored or typed."""

    class Status(models.TextChoices):
        RECOMMENDED = "recommended", "推荐"
        INSPECTING = "inspecting", "考察"
        IN_BANK = "in_bank", "入库"
        APPOINTED = "appointed", "任用"
        TRANSFERRED = "transferred", "调出"

    OPEN_STATUSES = (Status.RECOMMENDED, Status.INSPECTING, Status.IN_BANK)
    # Where a cadre stands, as a predicate after "该干部" (the labels are list headings:
    # "该干部当前为“入库”" does not read).
    STATUS_PHRASES = {
        Status.RECOMMENDED: "已被推荐、待考察",
        Status.INSPECTING: "正在考察",
        Status.IN_BANK: "已在优秀年轻干部库中",
        Status.APPOINTED: "已从优秀年轻干部库中任用",
        Status.TRANSFERRED: "已调出优秀年轻干部库",
    }

    class Source(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", "党委（党组）推荐"
        DEPARTMENT = "department", "组织部推荐"
        UNIT = "unit", "单位推荐"
        DEMOCRATIC = "democratic", "民主推荐"
        SELF = "self", "个人自荐"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="bank_entries")
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.RECOMMENDED, editable=False, db_index=True)
    source = models.CharField("推荐来源", max_length=20, choices=Source.choices)
    recommended_on = models.DateField("推荐日期")
    recommendation = models.TextField("推荐理由", blank=True)
    inspection_start = models.DateField("考察开始日期", null=True, blank=True)
    inspection_opinion = models.TextField("考察意见", blank=True)
    entry_date = models.DateField("入库日期", null=True, blank=True)
    key_training = models.BooleanField("重点培养对象", default=False)
    key_training_since = models.DateField("列为重点培养对象日期", null=True, blank=True)
    exit_date = models.DateField("出库日期", null=True, blank=True)
    exit_reason = models.TextField("调出理由", blank=True)
    target_posts = models.ManyToManyField(Post, through="BankTarget", verbose_name="培养目标岗位", related_name="bank_entries", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = BankEntryQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = "cadre__unit__region"
    scope_unit_field = "cadre__unit"
    scope_county_roles_only = True

    field_ranges = bounds.Bounds(
        recommended_on=bounds.EVENT_DATE, inspection_start=bounds.EVENT_DATE, entry_date=bounds.EVENT_DATE,
        key_training_since=bounds.EVENT_DATE, exit_date=bounds.EVENT_DATE,
    )

    class Meta:
        verbose_name = "优秀年轻干部库"
        verbose_name_plural = "优秀年轻干部库"
        ordering = ["-recommended_on", "pk"]
        constraints = [
            # The database's own guarantee behind the workflow's check: one open entry per cadre.
            models.UniqueConstraint(
                fields=["cadre"], condition=Q(status__in=["recommended", "inspecting", "in_bank"]),
                name="bank_one_open_entry_per_cadre",
            )
        ]
        permissions = [("import_bankentry", "可导入优秀年轻干部库"), ("export_bankentry", "可导出优秀年轻干部库")]

    def __str__(self) -> str:
        return f"{self.cadre}（{self.get_status_display()}）"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class BankTarget(models.Model):
    """A post a bank member is being trained for (培养目标岗位)."""

    entry = models.ForeignKey(BankEntry, verbose_name="入库人员", on_delete=models.CASCADE, related_name="targets")
    post = models.ForeignKey(Post, verbose_name="岗位", on_delete=models.CASCADE, related_name="targets")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = "entry__cadre__unit__region"
    scope_unit_field = "entry__cadre__unit"
    scope_county_roles_only = True

    class Meta:
        verbose_name = "培养目标岗位"
        verbose_name_plural = "培养目标岗位"
        constraints = [models.UniqueConstraint(fields=["entry", "post"], name="bank_target_once")]


class BankTransition(models.Model):
    """One decision on a bank entry: status before and after, who, when, the opinion.
    Written only by ``youth_cadres.workflow``; ``from_status == to_status`` for a
    decision that does not move the status (a key-training mark, new target posts)."""

    class Action(models.TextChoices):
        RECOMMEND = "recommend", "推荐"
        IMPORT = "import", "导入"
        INSPECT = "inspect", "启动考察"
        ADMIT = "admit", "考察合格，入库"
        APPOINT = "appoint", "任用"
        TRANSFER = "transfer", "调出"
        MARK = "mark", "调整重点培养对象"
        TARGETS = "targets", "调整培养目标岗位"

    entry = models.ForeignKey(BankEntry, verbose_name="入库人员", on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("原状态", max_length=16, choices=BankEntry.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=16, choices=BankEntry.Status.choices)
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("操作时间", auto_now_add=True, db_index=True)
    opinion = models.TextField("意见", blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = "entry__cadre__unit__region"
    scope_unit_field = "entry__cadre__unit"
    scope_county_roles_only = True

    class Meta:
        verbose_name = "库管理记录"
        verbose_name_plural = "库管理记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.entry.cadre} {self.get_action_display()}"


# --- appointment (任免) ----------------------------------------------------------------------------


class AppointmentRound(models.Model):
    """任免批次: appointments submitted together (one 呈报 with its 任免审批表s)."""

    title = models.CharField("批次名称", max_length=100)
    date = models.DateField("日期")
    reporting_unit = models.CharField("呈报单位", max_length=100, default="中共崇阳县委组织部")
    filled_by = models.CharField("填表人", max_length=32, blank=True)
    filled_on = models.DateField("填表时间", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = None
    scope_county_roles_only = True

    field_ranges = bounds.Bounds(date=bounds.EVENT_DATE, filled_on=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "任免批次"
        verbose_name_plural = "任免批次"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return self.title


class AppointmentQuerySet(ScopedQuerySet):
    def from_bank(self):
        return self.filter(bank_entry__isnull=False)

    def between(self, start: date | None, end: date | None):
        qs = self
        if start:
            qs = qs.filter(appointed_on__gte=start)
        if end:
            qs = qs.filter(appointed_on__lte=end)
        return qs


class Appointment(models.Model):
    """An appointment (任职) to a post, normally of a bank member (``bank_entry``).

    ``previous_post``/``previous_unit`` keep what the cadre held before (the 任免审批表's
    现任职务 at the time); ``removed_post`` is the 拟免职务 as written; ``cross_team``
    records an appointment across 机关/事业/企业. Written only by the workflow."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.PROTECT, related_name="appointments")
    post = models.ForeignKey(Post, verbose_name="拟任岗位", on_delete=models.PROTECT, related_name="appointments")
    bank_entry = models.ForeignKey(
        BankEntry, verbose_name="入库记录", null=True, blank=True, on_delete=models.PROTECT, related_name="appointments"
    )
    round = models.ForeignKey(
        AppointmentRound, verbose_name="任免批次", null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    appointed_on = models.DateField("任职时间")
    removed_post = models.CharField("拟免职务", max_length=200, blank=True)
    reason = models.TextField("任免理由", blank=True)
    previous_post = models.CharField("原任职务", max_length=200, blank=True, editable=False)
    previous_unit = models.ForeignKey(Unit, verbose_name="原单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False)
    cross_team = models.BooleanField("跨“三支队伍”交流", default=False, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    objects = AppointmentQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = "cadre__unit__region"
    scope_unit_field = "cadre__unit"
    scope_county_roles_only = True

    field_ranges = bounds.Bounds(appointed_on=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "任职"
        verbose_name_plural = "任免记录"
        ordering = ["-appointed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["bank_entry"], condition=Q(bank_entry__isnull=False), name="appointment_once_per_bank_entry"),
        ]

    def __str__(self) -> str:
        return f"{self.cadre} 任 {self.post}"

    @property
    def post_title(self) -> str:
        """拟任职务 as written on the form: unit and title."""
        return self.post.full_title


# --- differentiated training (事业需求) ---------------------------------------------------------------

DIMENSIONS = [
    ("political", "政治素养提升"),
    ("leadership", "领导能力加强"),
    ("professional", "专业能力培优"),
    ("grassroots", "基层一线实践"),
    ("key_post", "重要岗位历练"),
    ("key_task", "重点任务攻坚"),
]


class Line(models.TextChoices):
    """双线责任: who is responsible for a piece of training."""

    DEPARTMENT = "department", "组织部门"
    UNIT = "unit", "用人单位"


class TrainingPlan(models.Model):
    """The training plan of one cohort for one year (针对性育)."""

    cohort = models.CharField("培养类别", max_length=16, choices=cohorts.CHOICES)
    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("计划名称", max_length=100)
    goal = models.TextField("培养目标", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制定人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("制定时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = None
    scope_county_roles_only = True

    field_ranges = bounds.Bounds(year=bounds.PLAN_YEAR)

    class Meta:
        verbose_name = "培养计划"
        verbose_name_plural = "培养计划"
        ordering = ["-year", "cohort"]
        constraints = [models.UniqueConstraint(fields=["cohort", "year"], name="training_plan_once_per_cohort_year")]

    def __str__(self) -> str:
        return self.title

    @property
    def focus(self) -> str:
        return cohorts.focus(self.cohort)


class TrainingPlanItem(models.Model):
    """One measure of a plan on one of the six dimensions, with the line responsible."""

    plan = models.ForeignKey(TrainingPlan, verbose_name="培养计划", on_delete=models.CASCADE, related_name="items")
    dimension = models.CharField("培养维度", max_length=16, choices=DIMENSIONS)
    content = models.TextField("培养措施")
    line = models.CharField("责任方", max_length=12, choices=Line.choices)
    schedule = models.CharField("时间安排", max_length=64, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = None
    scope_county_roles_only = True

    field_ranges = bounds.Bounds(sort_order=bounds.SORT_ORDER)

    class Meta:
        verbose_name = "培养措施"
        verbose_name_plural = "培养措施"
        ordering = ["sort_order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_dimension_display()}：{self.content[:30]}"


class TrainingRecord(CadreScoped, models.Model):
    """What a cadre did under the training, recorded by the department or the unit (双线)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="training_records")
    plan_item = models.ForeignKey(
        TrainingPlanItem, verbose_name="对应培养措施", null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    dimension = models.CharField("培养维度", max_length=16, choices=DIMENSIONS)
    line = models.CharField("责任方", max_length=12, choices=Line.choices, editable=False)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    title = models.CharField("培养事项", max_length=200)
    content = models.TextField("具体内容", blank=True)
    result = models.TextField("成效", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(start=bounds.HISTORY_DATE, end=bounds.HISTORY_DATE)

    class Meta:
        verbose_name = "培养记录"
        verbose_name_plural = "培养记录"
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")), name="training_record_end_after_start")
        ]
        permissions = [("import_trainingrecord", "可导入培养记录"), ("export_trainingrecord", "可导出培养记录")]

    def __str__(self) -> str:
        return self.title


# --- 四抓四管 (组织要求) ---------------------------------------------------------------------------------


class StudyRecord(CadreScoped, models.Model):
    """抓学习、管思想: a study record."""

    class Form(models.TextChoices):
        CENTRAL = "central", "集中学习"
        LECTURE = "lecture", "专题辅导"
        ONLINE = "online", "网络学院"
        SELF = "self", "个人自学"
        OTHER = "other", "其他"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="study_records")
    date = models.DateField("日期")
    form = models.CharField("学习形式", max_length=12, choices=Form.choices)
    topic = models.CharField("学习内容", max_length=200)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.TextField("心得或说明", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(date=bounds.EVENT_DATE, hours=(Decimal("0.5"), Decimal("500")))

    class Meta:
        verbose_name = "学习记录"
        verbose_name_plural = "学习记录"
        ordering = ["-date", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(hours__isnull=True) | Q(hours__gt=0), name="study_hours_positive")]


class ConductNote(CadreScoped, models.Model):
    """抓作风、管纪律 (and political performance): a note on conduct or discipline."""

    class Aspect(models.TextChoices):
        POLITICAL = "political", "政治表现"
        CONDUCT = "conduct", "作风表现"
        DISCIPLINE = "discipline", "纪律情况"

    class Nature(models.TextChoices):
        PRAISE = "praise", "表扬肯定"
        REMINDER = "reminder", "提醒谈话"
        CRITICISM = "criticism", "批评教育"
        ADMONITION = "admonition", "诫勉"
        NOTE = "note", "情况记录"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="conduct_notes")
    date = models.DateField("日期")
    aspect = models.CharField("方面", max_length=12, choices=Aspect.choices)
    nature = models.CharField("性质", max_length=12, choices=Nature.choices)
    content = models.TextField("具体情况")
    source = models.CharField("情况来源", max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(date=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "作风纪律与政治表现"
        verbose_name_plural = "作风纪律与政治表现"
        ordering = ["-date", "-pk"]


class WorkLogEntry(CadreScoped, models.Model):
    """工作日志纪实: what the cadre did on a day, written by the unit contact (or imported)."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="work_log")
    date = models.DateField("日期")
    content = models.TextField("工作内容")
    result = models.TextField("工作成效", blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(date=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "工作日志"
        verbose_name_plural = "工作日志纪实"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["cadre", "date"])]
        permissions = [("import_worklogentry", "可导入工作日志"), ("export_worklogentry", "可导出工作日志")]

    def __str__(self) -> str:
        return f"{self.date:%Y.%m.%d} {self.content[:20]}"


class PerformanceCheck(CadreScoped, models.Model):
    """抓考评、管作为: the unit's daily-performance record or the department's periodic check."""

    class Kind(models.TextChoices):
        DAILY = "daily", "日常表现"  # by the unit contact
        PERIODIC = "periodic", "定期考查"  # by the county department

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="performance_checks")
    kind = models.CharField("类别", max_length=12, choices=Kind.choices, editable=False)
    checked_on = models.DateField("考查日期")
    rating = models.CharField("评价", max_length=4, choices=RATINGS)
    comment = models.TextField("考查情况")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(checked_on=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "日常表现与定期考查"
        verbose_name_plural = "日常表现与定期考查"
        ordering = ["-checked_on", "-pk"]


class SupervisionOpinion(CountyOnly, models.Model):
    """抓监督、管廉洁: an opinion heard from leaders, colleagues, the public or the
    discipline inspection organs. County-wide roles only."""

    class Source(models.TextChoices):
        LEADER = "leader", "领导"
        COLLEAGUE = "colleague", "同事"
        PUBLIC = "public", "群众"
        DISCIPLINE = "discipline", "纪检机关"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="supervision_opinions")
    source = models.CharField("意见来源", max_length=12, choices=Source.choices)
    date = models.DateField("听取日期")
    given_by = models.CharField("提供意见的人员或单位", max_length=100, blank=True)
    content = models.TextField("意见内容")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(date=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "监督意见"
        verbose_name_plural = "监督意见"
        ordering = ["-date", "-pk"]
        permissions = [("import_supervisionopinion", "可导入监督意见"), ("export_supervisionopinion", "可导出监督意见")]


class IntegrityCheck(CountyOnly, models.Model):
    """A check of how the cadre uses power cleanly (廉洁用权情况). County-wide roles only."""

    class Method(models.TextChoices):
        DISCIPLINE_OPINION = "discipline_opinion", "征求纪检监察机关意见"
        PERSONAL_MATTERS = "personal_matters", "个人有关事项报告核查"
        TALK = "talk", "廉政谈话"
        AUDIT = "audit", "经济责任审计"
        OTHER = "other", "其他"

    class Result(models.TextChoices):
        CLEAR = "clear", "未发现问题"
        ATTENTION = "attention", "需关注"
        PROBLEM = "problem", "发现问题"

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="integrity_checks")
    date = models.DateField("考查日期")
    method = models.CharField("考查方式", max_length=20, choices=Method.choices)
    result = models.CharField("结论", max_length=12, choices=Result.choices)
    content = models.TextField("情况说明", blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(date=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "廉洁情况考查"
        verbose_name_plural = "廉洁情况考查"
        ordering = ["-date", "-pk"]


# --- the growth dossier (一人一档) ---------------------------------------------------------------------

DOSSIER_CATEGORIES = [
    ("study", "学习情况"),
    ("political", "政治表现"),
    ("work", "工作实绩"),
    ("rewards", "奖惩情况"),
    ("integrity", "廉政情况"),
    ("other", "其他材料"),
]


class DossierAttachment(CountyOnly, models.Model):
    """A file in the growth dossier, stored through Django's storage API under a random
    name and served only by the scoped download view."""

    cadre = models.ForeignKey(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="attachments")
    category = models.CharField("档案类别", max_length=12, choices=DOSSIER_CATEGORIES)
    title = models.CharField("材料名称", max_length=100)
    file = models.FileField("文件", upload_to=_attachment_path)
    original_name = models.CharField("原文件名", max_length=200, editable=False)
    size = models.PositiveIntegerField("大小（字节）", default=0, editable=False)
    content_type = models.CharField("文件类型", max_length=100, editable=False, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(size=(0, 2**31 - 1))

    class Meta:
        verbose_name = "档案材料"
        verbose_name_plural = "档案材料"
        ordering = ["category", "-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.title


# --- career plan (发展需求) ------------------------------------------------------------------------------


class CareerPlanQuerySet(ScopedQuerySet):
    def review_due(self, as_of: date | None = None, within_days: int = 30):
        from datetime import timedelta

        as_of = as_of or date.today()
        return self.filter(next_review_due__lte=as_of + timedelta(days=within_days))

    def review_overdue(self, as_of: date | None = None):
        return self.filter(next_review_due__lt=as_of or date.today())


REVIEW_INTERVAL_MONTHS = 12  # 职业发展规划每年回顾一次


class CareerPlan(CadreScoped, models.Model):
    """职业发展规划: the analysis (年龄、学历、专业、素质、能力、潜力), the goal and the path,
    with milestones; reviewed yearly. ``next_review_due`` is set by ``services`` when
    the plan is made and at each review."""

    cadre = models.OneToOneField(Cadre, verbose_name="干部", on_delete=models.CASCADE, related_name="career_plan")
    analysis = models.TextField("人岗分析", help_text="年龄、学历、专业、素质、能力、潜力等因素。")
    goal = models.CharField("发展目标", max_length=200)
    path = models.TextField("发展路径")
    made_on = models.DateField("制定日期")
    next_review_due = models.DateField("下次回顾日期", editable=False, db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="制定人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = CareerPlanQuerySet.as_manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(made_on=bounds.EVENT_DATE, next_review_due=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "职业发展规划"
        verbose_name_plural = "职业发展规划"

    def __str__(self) -> str:
        return f"{self.cadre}：{self.goal}"

    @property
    def review_overdue(self) -> bool:
        return self.next_review_due < date.today()


class CareerMilestone(models.Model):
    """A step of the path with its date (e.g. 2027年前到乡镇党政正职岗位历练)."""

    plan = models.ForeignKey(CareerPlan, verbose_name="职业发展规划", on_delete=models.CASCADE, related_name="milestones")
    due = models.DateField("计划时间")
    description = models.CharField("节点内容", max_length=200)
    done_on = models.DateField("完成时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = "plan__cadre__unit__region"
    scope_unit_field = "plan__cadre__unit"
    scope_county_roles_only = True

    field_ranges = bounds.Bounds(due=bounds.EVENT_DATE, done_on=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "发展节点"
        verbose_name_plural = "发展节点"
        ordering = ["due", "pk"]

    def __str__(self) -> str:
        return self.description


class CareerReview(models.Model):
    """A yearly review of a career plan: what happened and what changes."""

    plan = models.ForeignKey(CareerPlan, verbose_name="职业发展规划", on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("回顾日期")
    summary = models.TextField("规划落实情况")
    adjustments = models.TextField("调整意见", blank=True)
    next_review_due = models.DateField("下次回顾日期")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="回顾人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = "plan__cadre__unit__region"
    scope_unit_field = "plan__cadre__unit"
    scope_county_roles_only = True

    field_ranges = bounds.Bounds(reviewed_on=bounds.EVENT_DATE, next_review_due=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "规划回顾"
        verbose_name_plural = "规划回顾"
        ordering = ["-reviewed_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(next_review_due__gt=models.F("reviewed_on")), name="career_review_next_after")
        ]
