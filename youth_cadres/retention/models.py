"""Retention (留才，个人诉求), seed part 二（五）: 定期访谈, 特事特办, 共性诉求研究措施.

- ``CareRecord``: one person under retention care — a young cadre of the bank
  (``cadre``) or a village reserve cadre in training or in the pool (``candidate``),
  exactly one of the two, one care record per person. It keeps the interview
  interval (访谈周期, months) and the next-due date the recorded interviews move
  forward, the person's latest stated intention, and the outcome (留下 / 流失).
- ``Interview``: 访谈 (date, interviewer, 单位访谈, 思想和工作动态, intention).
- ``Demand``: 诉求, a case with a category (the editable code table
  ``retention_demand_category``), an owner, a due date and a status
  (提出 → 办理中 → 已解决 / 无法解决); ``DemandAction`` its dated notes.
- ``Measure``: a policy measure (措施) for common demands, resolving many at once
  (e.g. the township allowance raised from X to Y 元/月).
- ``CareTransition`` / ``DemandTransition``: one row per move.

Statuses, the next-due date, the intention and the outcome are written only by
``youth_cadres.retention.workflow``.

Scope: county staff, leaders and administrators see every record; a township
officer sees the care of the reserve cadres of their township (never the young
cadres'); unit contacts and domain officers see nothing. Measures are county-wide
(county roles only).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from cadre_portal import bounds
from cadre_portal.models import CodeItem
from cadre_portal.scope import ScopedQuerySet, scope_q
from youth_cadres.retention.codes import DEMAND_CATEGORY_TABLE

MONEY = (0, 1_000_000)
INTERVAL_MONTHS = bounds.Range(1, 24)


def care_scope_q(user, prefix: str = "") -> Q:
    """The care records (or, with ``prefix`` such as ``"care__"``, their rows) ``user`` may see:
    a young cadre's through the bank's county-only scope, a reserve cadre's through the village."""
    youth = scope_q(user, region_field=f"{prefix}cadre__unit__region", county_roles_only=True)
    reserves = scope_q(user, region_field=f"{prefix}candidate__village")
    return (Q(**{f"{prefix}cadre__isnull": False}) & youth) | (Q(**{f"{prefix}candidate__isnull": False}) & reserves)


class CareScopedQuerySet(models.QuerySet):
    """``visible_to(user)`` for rows that belong to a care record (``care_prefix``)."""

    care_prefix = ""

    def visible_to(self, user):
        return self.filter(care_scope_q(user, self.care_prefix))


class CareRecordQuerySet(CareScopedQuerySet):
    def active(self):
        return self.filter(status=CareRecord.Status.ACTIVE)

    def with_person(self):
        return self.select_related("cadre__unit", "candidate__village__parent", "responsible")


class Intention(models.TextChoices):
    SETTLED = "settled", "安心工作"
    WANTS_TO_LEAVE = "wants_to_leave", "有离开意向"
    ASKED_TRANSFER = "asked_transfer", "已提出调离"


LEAVING_INTENTIONS = (Intention.WANTS_TO_LEAVE, Intention.ASKED_TRANSFER)


class CareRecord(models.Model):
    """A person under retention care (留才关怀对象); see the module docstring."""

    class Registry(models.TextChoices):
        YOUTH = "youth", "优秀年轻干部"
        RESERVES = "reserves", "村（社区）后备干部"

    class Status(models.TextChoices):
        ACTIVE = "active", "关怀中"
        ENDED = "ended", "已结束"

    class Outcome(models.TextChoices):
        NONE = "", "—"
        RETAINED = "retained", "已留下"
        LOST = "lost", "已流失"

    cadre = models.OneToOneField("youth_cadres.Cadre", verbose_name="优秀年轻干部", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="retention_care")
    candidate = models.OneToOneField("reserves.Candidate", verbose_name="村（社区）后备干部", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="retention_care")
    registry = models.CharField("人员类别", max_length=10, choices=Registry.choices, editable=False)
    status = models.CharField("关怀状态", max_length=8, choices=Status.choices, default=Status.ACTIVE, editable=False, db_index=True)
    entered_on = models.DateField("纳入关怀日期")
    interval_months = models.PositiveSmallIntegerField("访谈周期（月）")
    next_due = models.DateField("下次访谈日期", null=True, blank=True, editable=False, db_index=True)
    last_interview_on = models.DateField("最近访谈日期", null=True, blank=True, editable=False)
    intention = models.CharField("最近表达的意向", max_length=16, choices=Intention.choices, blank=True, editable=False)
    ever_meant_to_leave = models.BooleanField("曾表达离开意向", default=False, editable=False)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="负责同志", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="retention_cares")
    outcome = models.CharField("留才结果", max_length=10, choices=Outcome.choices, blank=True, default="", editable=False)
    outcome_on = models.DateField("结果日期", null=True, blank=True, editable=False)
    decisive_measure = models.ForeignKey("Measure", verbose_name="起决定作用的措施", null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="retained_people", editable=False)
    outcome_note = models.TextField("结果说明", blank=True, editable=False)
    destination = models.CharField("流失去向", max_length=200, blank=True, editable=False)
    ended_on = models.DateField("结束关怀日期", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    ranges = bounds.Bounds(entered_on=bounds.EVENT_DATE, interval_months=INTERVAL_MONTHS, next_due=bounds.EVENT_DATE,
                           last_interview_on=bounds.EVENT_DATE, outcome_on=bounds.EVENT_DATE, ended_on=bounds.EVENT_DATE)

    objects = CareRecordQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "留才关怀对象"
        verbose_name_plural = "留才关怀对象"
        ordering = ["next_due", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(cadre__isnull=False, candidate__isnull=True, registry="youth")
                           | Q(cadre__isnull=True, candidate__isnull=False, registry="reserves")),
                name="retention_care_one_person",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_due"], name="retention_care_due_idx")]
        permissions = [("import_carerecord", "可导入留才访谈"), ("export_carerecord", "可导出留才访谈")]

    def __str__(self) -> str:
        return self.name

    # Small pure helpers ------------------------------------------------------------
    @property
    def person(self):
        return self.cadre if self.cadre_id else self.candidate

    @property
    def name(self) -> str:
        return self.person.name

    @property
    def workplace(self) -> str:
        """单位 (a young cadre) or 乡镇·村 (a reserve cadre)."""
        if self.cadre_id:
            return self.cadre.unit.name
        village = self.candidate.village
        return f"{village.parent.name}{village.name}" if village.parent_id else village.name

    @property
    def region(self):
        return self.cadre.unit.region if self.cadre_id else self.candidate.village

    @property
    def person_url(self) -> str:
        if self.cadre_id:
            return reverse("youth_cadres:cadre_detail", args=[self.cadre_id])
        return reverse("reserves:detail", args=[self.candidate_id])

    def get_absolute_url(self) -> str:
        return reverse("retention:care_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class InterviewQuerySet(CareScopedQuerySet):
    """Rows of one care record (interviews, care transitions)."""

    care_prefix = "care__"


class DemandRowQuerySet(CareScopedQuerySet):
    """Rows of one demand (action notes, transitions)."""

    care_prefix = "demand__care__"


class CareTransition(models.Model):
    """One move of a care record: enrolment, an interval change, an interview, 留下, 流失, 结束."""

    class Action(models.TextChoices):
        ENROL = "enrol", "纳入关怀"
        INTERVAL = "interval", "调整访谈周期"
        INTERVIEW = "interview", "登记访谈"
        RETAIN = "retain", "登记留下"
        LOSE = "lose", "登记流失"
        END = "end", "结束关怀"

    care = models.ForeignKey(CareRecord, verbose_name="关怀对象", on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    from_outcome = models.CharField("原结果", max_length=10, choices=CareRecord.Outcome.choices, blank=True)
    to_outcome = models.CharField("新结果", max_length=10, choices=CareRecord.Outcome.choices, blank=True)
    on = models.DateField("日期")
    note = models.TextField("说明", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("办理时间", auto_now_add=True)

    objects = InterviewQuerySet.as_manager()
    history = HistoricalRecords()

    ranges = bounds.Bounds(on=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "留才办理记录"
        verbose_name_plural = "留才办理记录"
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["action", "on"], name="retention_care_tr_idx")]

    def __str__(self) -> str:
        return f"{self.on} {self.get_action_display()}"


class Interview(models.Model):
    """访谈: the department talks with the person (and, if ``unit_heard``, their unit)."""

    care = models.ForeignKey(CareRecord, verbose_name="关怀对象", on_delete=models.PROTECT, related_name="interviews")
    held_on = models.DateField("访谈日期")
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="访谈人", on_delete=models.PROTECT, related_name="+")
    unit_heard = models.BooleanField("同时访谈所在单位", default=False)
    unit_opinion = models.TextField("单位意见", blank=True)
    state_of_mind = models.TextField("思想和工作动态")
    intention = models.CharField("本人意向", max_length=16, choices=Intention.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    ranges = bounds.Bounds(held_on=bounds.EVENT_DATE)

    objects = InterviewQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "留才访谈"
        verbose_name_plural = "留才访谈"
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["held_on"], name="retention_interview_day_idx")]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} 访谈"


class MeasureQuerySet(ScopedQuerySet):
    pass


class Measure(models.Model):
    """A policy measure (措施) answering common demands; it may resolve many at once.
    An amount measure (工作补贴, 薪酬) records the figure before and after (元/月)."""

    title = models.CharField("措施名称", max_length=200)
    category = models.ForeignKey(CodeItem, verbose_name="诉求类别", on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"table": DEMAND_CATEGORY_TABLE})
    content = models.TextField("措施内容", blank=True)
    effective_on = models.DateField("实施日期")
    amount_before = models.DecimalField("调整前金额（元/月）", max_digits=9, decimal_places=2, null=True, blank=True)
    amount_after = models.DecimalField("调整后金额（元/月）", max_digits=9, decimal_places=2, null=True, blank=True)
    reduction_reason = models.TextField("调低的理由", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    ranges = bounds.Bounds(effective_on=bounds.EVENT_DATE, amount_before=MONEY, amount_after=MONEY)

    objects = MeasureQuerySet.as_manager()
    history = HistoricalRecords()

    # A county policy: county-wide roles only.
    scope_region_field = None

    class Meta:
        verbose_name = "留才措施"
        verbose_name_plural = "留才措施"
        ordering = ["-effective_on", "-pk"]
        permissions = [("import_measure", "可导入留才措施"), ("export_measure", "可导出留才措施")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("retention:measure_detail", args=[self.pk])

    @property
    def amounts_text(self) -> str:
        if self.amount_before is None and self.amount_after is None:
            return ""
        return f"由每月{_yuan(self.amount_before)}元调整为每月{_yuan(self.amount_after)}元"


def _yuan(value) -> str:
    if value is None:
        return "—"
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


class DemandQuerySet(CareScopedQuerySet):
    care_prefix = "care__"

    def open(self):
        return self.filter(status__in=Demand.OPEN_STATUSES)


class Demand(models.Model):
    """诉求: a case followed to closure (提出 → 办理中 → 已解决 / 无法解决)."""

    class Status(models.TextChoices):
        RAISED = "raised", "提出"
        HANDLING = "handling", "办理中"
        RESOLVED = "resolved", "已解决"
        UNRESOLVABLE = "unresolvable", "无法解决"

    OPEN_STATUSES = (Status.RAISED, Status.HANDLING)

    class Nature(models.TextChoices):
        INDIVIDUAL = "individual", "个性诉求"
        COMMON = "common", "共性诉求"

    care = models.ForeignKey(CareRecord, verbose_name="关怀对象", on_delete=models.PROTECT, related_name="demands")
    interview = models.ForeignKey(Interview, verbose_name="提出于访谈", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="demands")
    category = models.ForeignKey(CodeItem, verbose_name="诉求类别", on_delete=models.PROTECT, related_name="+",
                                 limit_choices_to={"table": DEMAND_CATEGORY_TABLE})
    nature = models.CharField("性质", max_length=12, choices=Nature.choices, default=Nature.INDIVIDUAL)
    content = models.TextField("诉求内容")
    raised_on = models.DateField("提出日期")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="承办人", on_delete=models.PROTECT, related_name="retention_demands")
    due_on = models.DateField("办理期限")
    status = models.CharField("办理状态", max_length=14, choices=Status.choices, default=Status.RAISED, editable=False, db_index=True)
    resolution = models.TextField("办理结果", blank=True, editable=False)
    closed_on = models.DateField("办结日期", null=True, blank=True, editable=False)
    pay_rise = models.DecimalField("增资金额（元/月）", max_digits=9, decimal_places=2, null=True, blank=True, editable=False)
    measure = models.ForeignKey(Measure, verbose_name="解决措施", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="demands", editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    ranges = bounds.Bounds(raised_on=bounds.EVENT_DATE, due_on=bounds.EVENT_DATE, pay_rise=MONEY, closed_on=bounds.EVENT_DATE)

    objects = DemandQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "个人诉求"
        verbose_name_plural = "个人诉求"
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["status", "due_on"], name="retention_demand_due_idx"),
            models.Index(fields=["status", "closed_on"], name="retention_demand_closed_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=models.F("raised_on")), name="retention_demand_due_after_raised"),
            models.CheckConstraint(
                condition=Q(status__in=["raised", "handling"]) | (Q(closed_on__isnull=False) & ~Q(resolution="")),
                name="retention_demand_closed_with_resolution",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category.name}：{self.content[:30]}"

    def get_absolute_url(self) -> str:
        return reverse("retention:demand_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class DemandAction(models.Model):
    """A dated note of what was done for a demand (办理情况)."""

    demand = models.ForeignKey(Demand, verbose_name="诉求", on_delete=models.CASCADE, related_name="actions")
    on = models.DateField("日期")
    note = models.TextField("办理情况")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    ranges = bounds.Bounds(on=bounds.EVENT_DATE)

    objects = DemandRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "诉求办理情况"
        verbose_name_plural = "诉求办理情况"
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.note[:30]}"


class DemandTransition(models.Model):
    """One move of a demand's status: who, when, from, to, and why."""

    class Action(models.TextChoices):
        RAISE = "raise", "提出"
        HANDLE = "handle", "开始办理"
        RESOLVE = "resolve", "办结：已解决"
        REFUSE = "refuse", "办结：无法解决"
        MEASURE = "measure", "措施解决"

    demand = models.ForeignKey(Demand, verbose_name="诉求", on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    from_status = models.CharField("原状态", max_length=14, choices=Demand.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=14, choices=Demand.Status.choices)
    note = models.TextField("说明", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("办理时间", auto_now_add=True)

    objects = DemandRowQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = "诉求办理记录"
        verbose_name_plural = "诉求办理记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_action_display()}"


class IntervalDefault(models.Model):
    """The default interview interval for new care records of a registry (and, for young
    cadres, a cohort: ``cohort`` blank means the registry's default). Editable by the
    administrator; a person's own interval is edited on the care record."""

    registry = models.CharField("人员类别", max_length=10, choices=CareRecord.Registry.choices)
    cohort = models.CharField("培养类别", max_length=24, blank=True, help_text="留空表示该类人员的默认周期。")
    months = models.PositiveSmallIntegerField("访谈周期（月）")

    ranges = bounds.Bounds(months=INTERVAL_MONTHS)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "默认访谈周期"
        verbose_name_plural = "默认访谈周期"
        ordering = ["registry", "cohort"]
        constraints = [models.UniqueConstraint(fields=["registry", "cohort"], name="retention_interval_once")]

    def __str__(self) -> str:
        return f"{self.get_registry_display()} {self.cohort or '默认'}：{self.months}个月"


# Used when no IntervalDefault row applies (e.g. a database emptied by a test).
FALLBACK_INTERVAL_MONTHS = {CareRecord.Registry.YOUTH: 6, CareRecord.Registry.RESERVES: 6}
