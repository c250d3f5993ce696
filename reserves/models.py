"""Village (community) reserve cadres (村（社区）后备干部), seed part 一.

One ``Candidate`` per person, carried through the stages in ``Candidate.Stage``
by ``reserves.workflow`` (the only code that writes ``stage``). Every record a
stage produces has its own model here: the township inspection fields on the
candidate, training sessions and attendance, mentors, placements, party
development, annual appraisals, the end-of-cycle inspection, the pool entry,
appointments, follow-up visits and later promotions.

Due-date helpers the reminder engine queries live on the querysets and stay in
the database (annotations, no Python loops).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.db.models import Case, Exists, ExpressionWrapper, F, FloatField, OuterRef, Q, Value, When
from django.db.models.functions import Cast
from simple_history.models import HistoricalRecords

from cadre_portal import bounds, codes
from cadre_portal.models import RESERVE_GRADE_TABLE, CodeItem, Region
from cadre_portal.people import PersonFields
from cadre_portal.scope import ScopedQuerySet

REQUIRED_HOURS = 150
CYCLE_YEARS = 2
CYCLE_APPRAISAL_YEARS = (1, 2)
# 继续培养: a further period after an end-of-cycle inspection recommending it. Its length
# (months) and hours target are settings (``RESERVES_FURTHER_TRAINING_MONTHS``,
# ``RESERVES_FURTHER_TRAINING_HOURS``); read through the helpers below.
FURTHER_TRAINING_MONTHS = 12
FURTHER_TRAINING_HOURS = 75
VILLAGE_MIN, VILLAGE_MAX = 3, 7
# A trainee's pace is judged only after a quarter of the cycle: before the first
# quarterly session everyone projects to zero hours.
PACE_GRACE_DAYS = 90
RATINGS = codes.DEMOCRATIC_RATING  # 好/较好/一般/差
SELECTION_CRITERIA = codes.SELECTION_CRITERIA  # 讲政治 … 访口碑
APPRAISAL_DIMENSIONS = codes.APPRAISAL_DIMENSIONS  # 政治表现 … 作风表现


class DaysBetween(models.Func):
    """Whole days from ``start`` to ``end`` (two date expressions), portable between
    SQLite and PostgreSQL so ledgers and due dates stay in the database."""

    output_field = FloatField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(julianday(%(expressions)s))", arg_joiner=") - julianday(", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="(((%(expressions)s)::date)::float)", arg_joiner=")::date - (", **extra)

    def as_sql(self, compiler, connection, template=None, arg_joiner=None, **extra):
        if template is None:  # other backends: let Django do the temporal subtraction
            template, arg_joiner = "(%(expressions)s)", " - "
        return super().as_sql(compiler, connection, template=template, arg_joiner=arg_joiner, **extra)


def further_training_months() -> int:
    return int(getattr(settings, "RESERVES_FURTHER_TRAINING_MONTHS", FURTHER_TRAINING_MONTHS))


def further_training_hours() -> int:
    return int(getattr(settings, "RESERVES_FURTHER_TRAINING_HOURS", FURTHER_TRAINING_HOURS))


def cycle_appraisal_years(cycle_number: int, months: int | None = None) -> tuple[int, ...]:
    """The appraisal years a training period needs: (1, 2) for the two-year cycle, one per
    started year of a further period (one for the default twelve months)."""
    if cycle_number <= 1:
        return CYCLE_APPRAISAL_YEARS
    months = further_training_months() if months is None else months
    return tuple(range(1, max(1, -(-months // 12)) + 1))


# 村“两委”: the party organisation's committee and the villagers' committee (not the
# supervision committee, which is elected separately).
TWO_COMMITTEE_POSTS = [(code, name) for code, name in codes.VILLAGE_POSTS if not name.startswith("村务监督")]


def add_months(day: date, months: int) -> date:
    return day + relativedelta(months=months)


def cycle_year_bounds(training_start: date | None, year: int) -> tuple[date, date] | None:
    """Year ``year`` (1, 2, …) of a cycle that began on ``training_start``: its first
    and last day (an appraisal of that year is dated inside them)."""
    if training_start is None:
        return None
    first = training_start + relativedelta(years=year - 1)
    return first, training_start + relativedelta(years=year) - timedelta(days=1)


def hours_behind_from(hours, start: date | None, end: date | None, required: int = REQUIRED_HOURS) -> date | None:
    """The first day on which a trainee with ``hours`` attended in the cycle
    ``start``–``end`` counts as behind on hours if nothing more is attended; None
    when they cannot fall behind (target met, or no cycle).

    Behind means: at least ``PACE_GRACE_DAYS`` into the cycle, and the pace so far
    projects fewer than ``required`` hours by its end, i.e. (whole days elapsed
    ``e``, cycle days ``d``, hours ``h`` < ``required``) ``h * d / e < required``
    ⟺ ``e > h * d / required`` ⟺ ``e >= floor(h * d / required) + 1``; past the
    cycle end the projection is ``h`` itself, which the same day already covers.
    Exact integer arithmetic on tenths of an hour, so lists, counts, reminders and
    the guard agree to the day."""
    if start is None or end is None or end <= start:
        return None
    tenths = int(Decimal(hours or 0) * 10)
    if tenths >= required * 10:
        return None
    cycle_days = (end - start).days
    pace_days = tenths * cycle_days // (required * 10) + 1
    return start + timedelta(days=max(pace_days, PACE_GRACE_DAYS))


def appraisal_problems(*, training_start: date | None, year: int | None, appraised_on: date | None, raters: int | None,
                       tallies: dict, today: date | None = None) -> list[tuple[str, str]]:
    """Why an annual appraisal is implausible, as (where, message) pairs — ``where`` is
    ``appraised_on``, ``raters`` or a dimension's name — empty when it is fine. The
    date falls inside its cycle year and not in the future; every dimension's tallies
    add up to the number of raters. Shared by the form and the Excel import."""
    today = today or date.today()
    problems = []
    bounds = cycle_year_bounds(training_start, year) if year else None
    if appraised_on is not None:
        if appraised_on > today:
            problems.append(("appraised_on", "评议日期不能晚于今天。"))
        elif bounds is not None and not bounds[0] <= appraised_on <= bounds[1]:
            problems.append(("appraised_on", f"评议日期应在培养第{'一二三四五'[year - 1] if year <= 5 else year}年内"
                                             f"（{bounds[0]:%Y年%m月%d日}至{bounds[1]:%Y年%m月%d日}）。"))
    if not raters:
        problems.append(("raters", "请填写参加评议的党员群众代表人数。"))
        return problems
    for dim, _ in APPRAISAL_DIMENSIONS:
        total = sum(int(n or 0) for n in ((tallies or {}).get(dim) or {}).values())
        if total != raters:
            problems.append((dim, f"“{dim}”各等次票数合计 {total} 票，与参加评议人数 {raters} 人不符。"))
    return problems


def nominee_age_check(birth_date: date | None, today: date | None = None) -> tuple[str, str] | None:
    """A nominee's age against the settings: ("refuse", message) under
    ``RESERVES_AGE_MIN``, ("warn", message) outside the usual band, None when usual
    (or when the birth date is unknown)."""
    from cadre_portal.people import age_on

    age = age_on(birth_date, today)
    if age is None:
        return None
    low = settings.RESERVES_AGE_MIN
    usual_low, usual_high = settings.RESERVES_AGE_USUAL_MIN, settings.RESERVES_AGE_USUAL_MAX
    if age < low:
        return "refuse", f"年龄 {age} 岁，未满 {low} 周岁，不能推荐为后备干部。"
    if age < usual_low or age > usual_high:
        return "warn", f"年龄 {age} 岁，超出通常 {usual_low}–{usual_high} 岁的范围。"
    return None


# --- Selection standard --------------------------------------------------------------


class SelectionStandard(models.Model):
    """The county's published selection standard (县委组织部统一制定并公告): a version with
    its publication date, its text and/or an attached document. The township's
    inspection rates each nominee on the five aspects it sets out and records which
    version it applied. County-wide: everybody who works on reserves reads it."""

    version = models.CharField("版本号", max_length=40, unique=True)
    published_on = models.DateField("公告日期")
    title = models.CharField("标题", max_length=200)
    text = models.TextField("标准内容", blank=True)
    attachment = models.FileField("附件", upload_to="reserves/standards/", blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="发布人", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    objects = models.Manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(published_on=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "后备干部选拔标准"
        verbose_name_plural = "后备干部选拔标准"
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"

    @classmethod
    def current(cls, as_of: date | None = None):
        """The standard in force: the latest published on or before ``as_of``."""
        return cls.objects.filter(published_on__lte=as_of or date.today()).order_by("-published_on", "-pk").first()


# --- Candidate ----------------------------------------------------------------


class CandidateQuerySet(ScopedQuerySet):
    """Scoped queryset of candidates with the pipeline's due-date helpers."""

    def active(self):
        """Counted in the village's 3–7 (submitted, in training, at the end of the cycle, in the pool)."""
        return self.filter(stage__in=Candidate.ACTIVE_STAGES)

    def training(self):
        return self.filter(stage=Candidate.Stage.TRAINING)

    def with_hours(self):
        """Annotate ``hours_done``: the stored ledger (``hours_attended``), as a float."""
        return self.annotate(hours_done=Cast(F("hours_attended"), FloatField()))

    def with_projection(self, as_of: date | None = None):
        """Annotate ``hours_done``, ``cycle_days``, ``elapsed_days`` and ``projected_hours``
        (hours at the end of the cycle if the current pace holds): arithmetic on the
        row's own columns, no subquery."""
        as_of = as_of or date.today()
        qs = self if "hours_done" in self.query.annotations else self.with_hours()
        qs = qs.annotate(
            cycle_days=DaysBetween(F("training_end"), F("training_start")),
            elapsed_days=DaysBetween(Value(as_of, output_field=models.DateField()), F("training_start")),
        )
        return qs.annotate(
            projected_hours=Case(
                When(elapsed_days__lte=0, then=F("hours_done")),
                When(elapsed_days__gte=F("cycle_days"), then=F("hours_done")),
                default=ExpressionWrapper(F("hours_done") * F("cycle_days") / F("elapsed_days"), output_field=FloatField()),
                output_field=FloatField(),
            )
        )

    def behind_on_hours(self, as_of: date | None = None):
        """Trainees at least a quarter into their cycle whose pace projects fewer than
        150 hours by its end: one indexed date comparison on the stored ledger
        (``hours_behind_from``, see ``hours_behind_from()``), annotated with the projection."""
        as_of = as_of or date.today()
        return self.training().filter(hours_behind_from__lte=as_of).with_projection(as_of)

    def cycle_ending_within(self, days: int, as_of: date | None = None):
        as_of = as_of or date.today()
        return self.training().filter(training_end__gte=as_of, training_end__lte=as_of + timedelta(days=days))

    def cycle_ended(self, as_of: date | None = None):
        as_of = as_of or date.today()
        return self.training().filter(training_end__lte=as_of)

    def appraisal_due(self, as_of: date | None = None, within_days: int = 60):
        """Trainees for whom a cycle year ends within ``within_days`` (or has ended) without its appraisal."""
        as_of = as_of or date.today()
        horizon = as_of + timedelta(days=within_days)
        further_years = cycle_appraisal_years(2)
        q = Q()
        for year in sorted(set(CYCLE_APPRAISAL_YEARS) | set(further_years)):
            # The year ends ``year`` years after the start; expressed as a start bound. Only
            # the appraisals of the current period (``cycle_number``) count.
            latest_start = horizon - relativedelta(years=year)
            applies = Q()
            if year in CYCLE_APPRAISAL_YEARS:
                applies |= Q(cycle_number=1)
            if year in further_years:
                applies |= Q(cycle_number__gt=1)
            done = Exists(Appraisal.objects.filter(candidate=OuterRef("pk"), cycle=OuterRef("cycle_number"), year=year))
            q |= applies & Q(training_start__lte=latest_start) & ~done
        return self.training().filter(q)

    def with_priority_group(self, code: str):
        return self.filter(priority_groups__contains=f",{code},")


class Candidate(PersonFields):
    """A village (community) reserve cadre, from nomination to appointment."""

    class Stage(models.TextChoices):
        DRAFT = "draft", "草稿（乡镇填报中）"
        SUBMITTED = "submitted", "待县委组织部审查备案"
        RETURNED = "returned", "退回乡镇修改"
        REJECTED = "rejected", "审查未通过"
        TRAINING = "training", "培养中"
        FINAL_INSPECTED = "final_inspected", "综合考察已完成（待乡镇党委审议）"
        COMMITTEE_APPROVED = "committee_approved", "乡镇党委已审议（待县委组织部审核备案）"
        FINAL_FILED = "final_filed", "综合考察已备案（待确定入库）"
        POOL = "pool", "储备库"
        APPOINTED = "appointed", "已任用"
        REMOVED = "removed", "已退出"

    ACTIVE_STAGES = (
        Stage.SUBMITTED,
        Stage.TRAINING,
        Stage.FINAL_INSPECTED,
        Stage.COMMITTEE_APPROVED,
        Stage.FINAL_FILED,
        Stage.POOL,
    )
    EDITABLE_STAGES = (Stage.DRAFT, Stage.RETURNED)
    # Where a person stands, as a predicate after "该人员": messages are built from these, never
    # from the stage labels (a label is a list heading: "该人员当前为“储备库”" does not read).
    STAGE_PHRASES = {
        Stage.DRAFT: "还在乡镇填报中（草稿）",
        Stage.SUBMITTED: "已报县委组织部、待审查备案",
        Stage.RETURNED: "已退回乡镇修改",
        Stage.REJECTED: "未通过县委组织部审查",
        Stage.TRAINING: "正在培养期",
        Stage.FINAL_INSPECTED: "已完成综合考察、待乡镇党委审议",
        Stage.COMMITTEE_APPROVED: "已经乡镇党委审议、待县委组织部审核备案",
        Stage.FINAL_FILED: "综合考察已备案、待确定入库",
        Stage.POOL: "已进入储备库",
        Stage.APPOINTED: "已被任用",
        Stage.REMOVED: "已退出后备干部队伍",
    }
    # A person's ID number may be in the county only once among these stages.
    OPEN_STAGES = (Stage.DRAFT, Stage.RETURNED, *ACTIVE_STAGES)

    class InspectionResult(models.TextChoices):
        RECOMMENDED = "recommended", "同意推荐"
        NOT_RECOMMENDED = "not_recommended", "不同意推荐"

    village = models.ForeignKey(
        Region, verbose_name="所在村（社区）", on_delete=models.PROTECT, related_name="reserve_candidates",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    stage = models.CharField("所处阶段", max_length=24, choices=Stage.choices, default=Stage.DRAFT, editable=False, db_index=True)

    # Nomination (开放选拔)
    nomination_source = models.CharField("推荐方式", max_length=2, choices=codes.NOMINATION_SOURCE, blank=True)
    # Codes of codes.PRIORITY_GROUP, stored ",1,4," so one ``contains`` filter finds a group on
    # every database; use set_priority_groups()/priority_group_codes.
    priority_groups = models.CharField("优先选定群体", max_length=40, blank=True, default="")
    current_occupation = models.CharField("现从事职业", max_length=128, blank=True)
    criteria = models.JSONField(
        "选拔标准评价", default=dict, blank=True,
        help_text="五个方面（讲政治、重品行、测素能、评表现、访口碑）各一个等次和说明：{方面: {rating, note}}。",
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)

    # Township inspection (集中考察、测评)
    inspection_date = models.DateField("考察测评日期", null=True, blank=True)
    inspectors = models.CharField("考察人员", max_length=200, blank=True)
    inspection_result = models.CharField("考察测评结果", max_length=20, choices=InspectionResult.choices, blank=True)
    inspection_standard = models.ForeignKey(
        "SelectionStandard", verbose_name="依据的选拔标准", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
    )
    inspection_opinion = models.TextField("考察测评意见", blank=True)
    submission_reason = models.TextField("超出每村3-7人规模的说明", blank=True)

    # Training cycle (周期培养)
    training_start = models.DateField("培养开始日期", null=True, blank=True)
    training_end = models.DateField("培养结束日期", null=True, blank=True)
    # 1 for the two-year cycle; 2, 3 … for each further period (继续培养) opened by the workflow.
    cycle_number = models.PositiveSmallIntegerField("培养周期", default=1, editable=False)
    hours_required = models.PositiveSmallIntegerField("本期集中学习学时要求", default=REQUIRED_HOURS, editable=False)
    # The hours ledger: derived data kept by reserves.workflow in the transaction that
    # changes attendance or the cycle (``refresh_hours_ledger``); checked by
    # ``manage.py check_reserves_ledger``. Lists filter and sort on these columns.
    hours_attended = models.DecimalField("已完成集中学习学时", max_digits=6, decimal_places=1, default=Decimal("0"), editable=False)
    hours_behind_from = models.DateField("学时进度落后起始日期", null=True, blank=True, editable=False)
    key_training_object = models.BooleanField("重点培养对象", default=False)
    key_training_since = models.DateField("列为重点培养对象日期", null=True, blank=True)

    # County overrides of the end-of-cycle guard, with their reasons.
    cycle_override_reason = models.TextField("培养期未满提前考察的理由", blank=True)
    grade_override_reason = models.TextField("年度评价不合格仍予考察的理由", blank=True)

    # Later use (优先使用)
    wulei_category = models.CharField("五类人员类别", max_length=2, choices=[(str(i + 1), n) for i, (_c, n) in enumerate(codes.WULEI)], blank=True)
    wulei_priority = models.BooleanField("选拔五类人员进乡镇领导班子时优先考虑", default=False)
    exam_priority = models.BooleanField("事业单位定向招考、乡镇公务员招录同等条件下优先", default=False)

    objects = CandidateQuerySet.as_manager()
    history = HistoricalRecords()

    scope_region_field = "village"

    field_ranges = bounds.Bounds(
        inspection_date=bounds.EVENT_DATE, training_start=bounds.EVENT_DATE, training_end=bounds.EVENT_DATE,
        hours_attended=(Decimal("0"), Decimal("10000")), hours_behind_from=bounds.EVENT_DATE,
        key_training_since=bounds.EVENT_DATE, cycle_number=(1, 20), hours_required=(0, 1000),
    )

    class Meta:
        verbose_name = "村（社区）后备干部"
        verbose_name_plural = "村（社区）后备干部"
        ordering = ["village__path", "name", "pk"]
        indexes = [
            models.Index(fields=["village", "stage"]),
            models.Index(fields=["stage", "hours_behind_from"], name="candidate_behind_idx"),
            models.Index(fields=["hours_attended", "id"], name="candidate_hours_idx"),
        ]
        constraints = [
            # The database's own guarantee behind the workflow's duplicate check: one open
            # record per ID number in the whole installation.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(stage__in=["draft", "returned", "submitted", "training", "final_inspected",
                                       "committee_approved", "final_filed", "pool"]),
                name="candidate_one_open_record_per_id_number",
            )
        ]

    def __str__(self) -> str:
        return self.name

    # Small pure helpers ------------------------------------------------------
    @property
    def priority_group_codes(self) -> list[str]:
        return [c for c in (self.priority_groups or "").split(",") if c]

    def set_priority_groups(self, group_codes) -> None:
        group_codes = [str(c) for c in group_codes if c]
        self.priority_groups = ("," + ",".join(group_codes) + ",") if group_codes else ""

    @property
    def priority_group_labels(self) -> list[str]:
        names = dict(codes.PRIORITY_GROUP)
        return [names.get(c, c) for c in self.priority_group_codes]

    @property
    def is_editable(self) -> bool:
        return self.stage in self.EDITABLE_STAGES

    @classmethod
    def where(cls, stage: str) -> str:
        """"该人员已进入储备库": where a person in ``stage`` stands, as a sentence's start."""
        return "该人员" + cls.STAGE_PHRASES[stage]

    @property
    def stage_sentence(self) -> str:
        return self.where(self.stage)

    @property
    def inspection_recorded(self) -> bool:
        return bool(self.inspection_date and self.inspection_result)

    def criteria_rows(self) -> list[dict]:
        ratings = dict(RATINGS)
        rows = []
        for code, name in SELECTION_CRITERIA:
            item = (self.criteria or {}).get(code, {})
            rows.append({"name": name, "rating": ratings.get(item.get("rating", ""), ""), "note": item.get("note", "")})
        return rows

    def cycle_years_required(self) -> tuple[int, ...]:
        months = None
        if self.cycle_number > 1 and self.training_start and self.training_end:
            delta = relativedelta(self.training_end, self.training_start)
            months = delta.years * 12 + delta.months + (1 if delta.days else 0)
        return cycle_appraisal_years(self.cycle_number, months)

    @property
    def is_further_training(self) -> bool:
        return self.cycle_number > 1

    @property
    def cycle_label(self) -> str:
        return "培养期" if self.cycle_number <= 1 else f"继续培养期（第{self.cycle_number - 1}次）"

    def set_hours_ledger(self, hours) -> None:
        """Store ``hours`` attended and the pace date that follows from them and the cycle
        (the workflow saves the two ledger fields)."""
        self.hours_attended = Decimal(hours or 0)
        self.hours_behind_from = hours_behind_from(
            self.hours_attended, self.training_start, self.training_end, self.hours_required or REQUIRED_HOURS
        )

    @property
    def age_warning(self) -> str:
        """The age warning of a nominee still being nominated ("" when none)."""
        if self.stage not in (*self.EDITABLE_STAGES, self.Stage.SUBMITTED):
            return ""
        check = nominee_age_check(self.birth_date)
        return check[1] if check else ""

    @property
    def is_behind_on_hours(self) -> bool:
        return self.stage == self.Stage.TRAINING and self.hours_behind_from is not None and self.hours_behind_from <= date.today()


class Transition(models.Model):
    """One decision in a candidate's life: the stage before and after, who, when, and the opinion.

    Written only by ``reserves.workflow``. ``from_stage == to_stage`` for decisions
    that do not move the stage (an override, a follow-up visit)."""

    class Action(models.TextChoices):
        NOMINATE = "nominate", "填报推荐"
        IMPORT = "import", "导入"
        SUBMIT = "submit", "提交县委组织部审查备案"
        FILE = "file", "审查备案通过，纳入培养序列"
        RETURN = "return", "退回乡镇修改"
        REJECT = "reject", "审查不予备案"
        OVERRIDE = "override", "县委组织部特别准予"
        FINAL_INSPECT = "final_inspect", "综合考察并提出使用意见"
        COMMITTEE = "committee", "乡镇党委审议通过"
        COMMITTEE_RETURN = "committee_return", "乡镇党委审议不同意，退回重新考察"
        FINAL_FILE = "final_file", "综合考察审核备案"
        FINAL_RETURN = "final_return", "综合考察退回乡镇"
        ADMIT = "admit", "纳入储备库"
        REMOVE = "remove", "移出储备库"
        WITHDRAW = "withdraw", "退出培养"
        CONTINUE = "continue", "继续培养"
        END = "end", "不再作为后备干部"
        FIRST_CHOICE = "first_choice", "第一人选提名推荐"
        ELECTION = "election", "录入换届选举结果"
        APPOINT = "appoint", "任用"
        FOLLOW_UP = "follow_up", "首年度回访考察"
        POST_ADJUST = "post_adjust", "岗位调整"

    candidate = models.ForeignKey(Candidate, verbose_name="后备干部", on_delete=models.CASCADE, related_name="transitions")
    from_stage = models.CharField("原阶段", max_length=24, choices=Candidate.Stage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=24, choices=Candidate.Stage.choices)
    action = models.CharField("操作", max_length=24, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField("操作时间", auto_now_add=True, db_index=True)
    opinion = models.TextField("意见", blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "candidate__village"

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = "流程记录"
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.candidate} {self.get_action_display()}"


# --- Training -------------------------------------------------------------------


class TrainingSession(models.Model):
    """A centralized study session (集中学习培训), normally quarterly at the county party school,
    with its subject and the kind of teacher the seed asks for."""

    class Subject(models.TextChoices):
        THOUGHT = "thought", "习近平新时代中国特色社会主义思想"
        POLICY = "policy", "政策法规"
        GUIDANCE = "guidance", "业务工作指导"
        OTHER = "other", "其他"

    class TeacherKind(models.TextChoices):
        SECRETARY = "secretary", "县内外优秀村（社区）书记"
        PARTY_SCHOOL = "party_school", "党校教师"
        OTHER = "other", "其他"

    date = models.DateField("日期")
    topic = models.CharField("培训主题", max_length=200)
    subject = models.CharField("培训内容", max_length=16, choices=Subject.choices, default=Subject.OTHER)
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1)
    teacher = models.CharField("授课人", max_length=100, blank=True)
    teacher_kind = models.CharField("授课人类别", max_length=16, choices=TeacherKind.choices, default=TeacherKind.OTHER)
    place = models.CharField("地点", max_length=100, default="县委党校")
    for_all = models.BooleanField("面向全体培养对象", default=True)
    trainees = models.ManyToManyField(Candidate, verbose_name="指定参训人员", blank=True, related_name="invited_sessions")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", null=True, on_delete=models.SET_NULL, related_name="+")

    objects = models.Manager()
    history = HistoricalRecords()

    field_ranges = bounds.Bounds(date=bounds.EVENT_DATE, hours=bounds.SESSION_HOURS)

    class Meta:
        verbose_name = "集中培训"
        verbose_name_plural = "集中培训"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.topic}"

    def quarter_label(self) -> str:
        return f"{self.date.year}年第{(self.date.month - 1) // 3 + 1}季度"


class AttendanceQuerySet(ScopedQuerySet):
    def counted(self):
        """The rows whose ``hours`` count towards the 150 (the hours ledger sums these):
        sessions attended in full or in part; a leave counts nothing."""
        return self.filter(status__in=Attendance.ATTENDED)


class Attendance(models.Model):
    """One trainee at one session: attended in full (the session's hours), in part (the
    hours actually attended) or on leave with a reason (no hours)."""

    class Status(models.TextChoices):
        PRESENT = "present", "全程参加"
        PARTIAL = "partial", "部分参加"
        LEAVE = "leave", "请假"

    ATTENDED = (Status.PRESENT, Status.PARTIAL)

    session = models.ForeignKey(TrainingSession, verbose_name="培训", on_delete=models.CASCADE, related_name="attendances")
    candidate = models.ForeignKey(Candidate, verbose_name="后备干部", on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField("出勤情况", max_length=8, choices=Status.choices, default=Status.PRESENT)
    hours = models.DecimalField("实际参训学时", max_digits=5, decimal_places=1)
    leave_reason = models.CharField("请假事由", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+")

    objects = AttendanceQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "candidate__village"

    # No more than the day a session can last; 0 stays possible for an excused absence.
    field_ranges = bounds.Bounds(hours=(Decimal("0"), Decimal("24")))

    class Meta:
        verbose_name = "培训出勤"
        verbose_name_plural = "培训出勤"
        ordering = ["session__date"]
        constraints = [
            models.UniqueConstraint(fields=["session", "candidate"], name="attendance_once_per_session"),
            # A leave earns no hours and says why; an attendance earns some.
            models.CheckConstraint(
                condition=(Q(status="leave", hours=0) & ~Q(leave_reason="")) | (Q(status__in=["present", "partial"], hours__gt=0)),
                name="attendance_hours_fit_status",
            ),
        ]


class Mentor(models.Model):
    """传帮带: a serving cadre who mentors the trainee — what the trainee did under them
    (协助工作、交派任务、解决问题) and the mentor's evaluation."""

    class Activity(models.TextChoices):
        ASSIST = "assist", "协助工作"
        TASK = "task", "交派任务"
        PROBLEM = "problem", "解决问题"

    candidate = models.ForeignKey(Candidate, verbose_name="后备干部", on_delete=models.CASCADE, related_name="mentors")
    mentor_name = models.CharField("导师姓名", max_length=32)
    mentor_post = models.CharField("导师职务", max_length=100)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    # Codes of Activity, stored ",assist,task," like Candidate.priority_groups.
    activities = models.CharField("传帮带方式", max_length=40, blank=True, default="")
    work_done = models.TextField("传帮带情况", blank=True)
    evaluation_rating = models.CharField("导师评价等次", max_length=4, choices=RATINGS, blank=True)
    evaluation = models.TextField("导师评价", blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "candidate__village"

    field_ranges = bounds.Bounds(start=bounds.EVENT_DATE, end=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "传帮带导师"
        verbose_name_plural = "传帮带导师"
        ordering = ["start"]

    @property
    def activity_codes(self) -> list[str]:
        return [c for c in (self.activities or "").split(",") if c]

    def set_activities(self, activity_codes) -> None:
        activity_codes = [str(c) for c in activity_codes if c]
        self.activities = ("," + ",".join(activity_codes) + ",") if activity_codes else ""

    @property
    def activity_labels(self) -> list[str]:
        names = dict(self.Activity.choices)
        return [names.get(c, c) for c in self.activity_codes]


class Placement(models.Model):
    """跟岗实习 or 实践锻炼: where, what, from–to and the outcome. (What a mentor has the
    trainee do — 协助工作、交派任务、解决问题 — is recorded on the ``Mentor``.)"""

    class Kind(models.TextChoices):
        SHADOW = "shadow", "跟岗实习"
        PRACTICE = "practice", "实践锻炼"

    candidate = models.ForeignKey(Candidate, verbose_name="后备干部", on_delete=models.CASCADE, related_name="placements")
    kind = models.CharField("锻炼方式", max_length=16, choices=Kind.choices)
    place = models.CharField("岗位/地点", max_length=100)
    content = models.CharField("工作内容", max_length=200)
    start = models.DateField("开始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    outcome = models.TextField("完成情况", blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "candidate__village"

    field_ranges = bounds.Bounds(start=bounds.EVENT_DATE, end=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "跟岗实习与实践锻炼"
        verbose_name_plural = "跟岗实习与实践锻炼"
        ordering = ["start"]


class PartyDevelopment(models.Model):
    """A step of party development (发展入党) with its date. Written by
    ``workflow.record_party_step``, which moves 政治面貌 on at 预备党员 and 正式党员."""

    class Step(models.TextChoices):
        APPLICANT = "applicant", "入党申请人"
        ACTIVIST = "activist", "入党积极分子"
        DEVELOPMENT = "development", "发展对象"
        PROBATIONARY = "probationary", "预备党员"
        FULL = "full", "正式党员"

    candidate = models.ForeignKey(Candidate, verbose_name="后备干部", on_delete=models.CASCADE, related_name="party_steps")
    step = models.CharField("阶段", max_length=16, choices=Step.choices)
    date = models.DateField("日期")
    note = models.CharField("备注", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "candidate__village"

    field_ranges = bounds.Bounds(date=bounds.HISTORY_DATE)

    class Meta:
        verbose_name = "发展入党"
        verbose_name_plural = "发展入党"
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["candidate", "step"], name="party_step_once")]


# --- Appraisal and end of cycle ------------------------------------------------------


class Appraisal(models.Model):
    """The annual appraisal (年度综合评价) of one year of the cycle.

    ``tallies`` holds the party-member and mass representatives' votes:
    ``{维度: {好: n, 较好: n, 一般: n, 差: n}}`` over the five dimensions; the 两委
    team's grade comes from the editable code table ``RESERVE_GRADE_TABLE``."""

    candidate = models.ForeignKey(Candidate, verbose_name="后备干部", on_delete=models.CASCADE, related_name="appraisals")
    cycle = models.PositiveSmallIntegerField("培养周期", default=1, help_text="1 为两年培养期，2 起为继续培养期。")
    year = models.PositiveSmallIntegerField("培养年度", choices=[(1, "第一年"), (2, "第二年")])
    appraised_on = models.DateField("评议日期")
    raters = models.PositiveSmallIntegerField("参加评议的党员群众代表人数", default=0)
    tallies = models.JSONField("党员群众代表评议票数", default=dict, blank=True)
    grade = models.ForeignKey(
        CodeItem, verbose_name="“两委”年度综合评价等次", on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"table": RESERVE_GRADE_TABLE, "is_active": True},
    )
    opinion = models.TextField("集体鉴定意见")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "candidate__village"

    field_ranges = bounds.Bounds(year=(1, 2), appraised_on=bounds.EVENT_DATE, raters=(0, 9999), cycle=(1, 20))

    class Meta:
        verbose_name = "年度评议"
        verbose_name_plural = "年度评议"
        ordering = ["cycle", "year"]
        constraints = [models.UniqueConstraint(fields=["candidate", "cycle", "year"], name="appraisal_once_per_cycle_year")]

    @property
    def period_label(self) -> str:
        year = self.get_year_display()
        return year if self.cycle <= 1 else f"继续培养期（第{self.cycle - 1}次）{year}"

    def cycle_year_bounds(self) -> tuple[date, date] | None:
        """The first and last day of this appraisal's cycle year (None without a cycle)."""
        return cycle_year_bounds(self.candidate.training_start, self.year) if self.candidate_id else None

    def tally_rows(self) -> list[dict]:
        rows = []
        for dim, _ in APPRAISAL_DIMENSIONS:
            counts = (self.tallies or {}).get(dim, {})
            rows.append({"dimension": dim, "counts": [counts.get(r, 0) for r, _ in RATINGS]})
        return rows


class FinalInspection(models.Model):
    """End-of-cycle comprehensive inspection (综合考察), the township party committee's
    decision and the county's review and filing (审核备案)."""

    class Recommendation(models.TextChoices):
        POOL = "pool", "纳入储备库，择优使用"
        CONTINUE = "continue", "继续培养"
        NOT_USE = "not_use", "不再作为后备干部"

    candidate = models.OneToOneField(Candidate, verbose_name="后备干部", on_delete=models.CASCADE, related_name="final_inspection")
    inspected_on = models.DateField("综合考察日期")
    mass_evaluation = models.TextField("群众评议情况", blank=True)
    branch_appraisal = models.TextField("村（社区）党组织评鉴情况", blank=True)
    summary = models.TextField("综合考察情况")
    recommendation = models.CharField("使用意见建议", max_length=16, choices=Recommendation.choices)
    recommendation_note = models.TextField("使用意见说明", blank=True)
    class CommitteeDecision(models.TextChoices):
        AGREE = "agree", "同意"
        DISAGREE = "disagree", "不同意，退回重新考察"

    committee_decision = models.CharField("乡镇党委审议结果", max_length=10, choices=CommitteeDecision.choices, blank=True)
    committee_date = models.DateField("乡镇党委审议日期", null=True, blank=True)
    committee_opinion = models.TextField("乡镇党委审议意见", blank=True)
    filed_on = models.DateField("县委组织部审核备案日期", null=True, blank=True)
    filing_opinion = models.TextField("审核备案意见", blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "candidate__village"

    field_ranges = bounds.Bounds(inspected_on=bounds.EVENT_DATE, committee_date=bounds.EVENT_DATE, filed_on=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "综合考察"
        verbose_name_plural = "综合考察"


class FurtherTraining(models.Model):
    """继续培养: a further training period opened (by ``workflow.continue_training``) after
    a filed end-of-cycle inspection recommending it, with its own hours target; the
    period before it (dates and hours attended) is kept here, since the candidate's
    cycle fields and hours ledger then follow the new period."""

    candidate = models.ForeignKey(Candidate, verbose_name="后备干部", on_delete=models.CASCADE, related_name="further_trainings")
    cycle_number = models.PositiveSmallIntegerField("培养周期")
    start = models.DateField("继续培养开始日期")
    end = models.DateField("继续培养结束日期")
    hours_required = models.PositiveSmallIntegerField("集中学习学时要求")
    previous_start = models.DateField("上一培养期开始日期", null=True)
    previous_end = models.DateField("上一培养期结束日期", null=True)
    previous_hours = models.DecimalField("上一培养期已完成学时", max_digits=6, decimal_places=1, default=Decimal("0"))
    inspection_summary = models.TextField("上一培养期综合考察情况", blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="办理人", null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField("办理时间", auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "candidate__village"

    field_ranges = bounds.Bounds(cycle_number=(1, 20), start=bounds.EVENT_DATE, end=bounds.EVENT_DATE, hours_required=(0, 1000),
                                 previous_start=bounds.EVENT_DATE, previous_end=bounds.EVENT_DATE,
                                 previous_hours=(Decimal("0"), Decimal("10000")))

    class Meta:
        verbose_name = "继续培养"
        verbose_name_plural = "继续培养"
        ordering = ["cycle_number"]
        constraints = [models.UniqueConstraint(fields=["candidate", "cycle_number"], name="further_training_once_per_cycle")]

    @property
    def label(self) -> str:
        return f"继续培养期（第{self.cycle_number - 1}次）"


# --- Pool, appointment, follow-up -----------------------------------------------------------


class PoolEntry(models.Model):
    """储备库 entry: the person's wishes (基本诉求), direction of use and intended post."""

    candidate = models.OneToOneField(Candidate, verbose_name="后备干部", on_delete=models.CASCADE, related_name="pool_entry")
    admitted_on = models.DateField("入库日期")
    wishes = models.TextField("本人基本诉求", blank=True)
    direction = models.CharField("使用方向", max_length=200)
    intended_post = models.CharField("拟任岗位", max_length=100, blank=True)
    removed_on = models.DateField("移出日期", null=True, blank=True)
    removal_reason = models.TextField("移出理由", blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "candidate__village"

    field_ranges = bounds.Bounds(admitted_on=bounds.EVENT_DATE, removed_on=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "储备库"
        verbose_name_plural = "储备库"


class Appointment(models.Model):
    """优先使用: appointment from the pool at a 两委 election or an ordinary adjustment."""

    class Occasion(models.TextChoices):
        ELECTION = "election", "村（社区）“两委”换届"
        ADJUSTMENT = "adjustment", "平时调整"

    candidate = models.ForeignKey(Candidate, verbose_name="后备干部", on_delete=models.CASCADE, related_name="appointments")
    occasion = models.CharField("任用时机", max_length=16, choices=Occasion.choices)
    post = models.CharField("任用职务", max_length=40, choices=TWO_COMMITTEE_POSTS)
    appointed_on = models.DateField("任用日期")
    note = models.TextField("备注", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "candidate__village"

    field_ranges = bounds.Bounds(appointed_on=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "任用"
        verbose_name_plural = "任用"
        ordering = ["appointed_on"]


class ElectionNomination(models.Model):
    """At a village 两委 换届 the pool member is nominated as first choice (第一人选提名推荐)
    for a post; the election's outcome is recorded afterwards: 当选 makes the appointment
    (``appointment``), 未当选 leaves the person in the pool. Written by ``reserves.workflow``."""

    class Outcome(models.TextChoices):
        PENDING = "", "待选举"
        ELECTED = "elected", "当选"
        NOT_ELECTED = "not_elected", "未当选"

    candidate = models.ForeignKey(Candidate, verbose_name="后备干部", on_delete=models.CASCADE, related_name="election_nominations")
    post = models.CharField("提名职务", max_length=40, choices=TWO_COMMITTEE_POSTS)
    nominated_on = models.DateField("第一人选提名推荐日期")
    note = models.TextField("提名说明", blank=True)
    outcome = models.CharField("选举结果", max_length=12, choices=Outcome.choices, blank=True, default="")
    elected_post = models.CharField("当选职务", max_length=40, choices=TWO_COMMITTEE_POSTS, blank=True)
    election_date = models.DateField("选举日期", null=True, blank=True)
    appointment = models.OneToOneField(
        Appointment, verbose_name="任用", null=True, blank=True, on_delete=models.SET_NULL, related_name="election_nomination"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "candidate__village"

    field_ranges = bounds.Bounds(nominated_on=bounds.EVENT_DATE, election_date=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "换届第一人选提名"
        verbose_name_plural = "换届第一人选提名"
        ordering = ["nominated_on", "pk"]
        constraints = [
            # One nomination awaiting its election per person.
            models.UniqueConstraint(fields=["candidate"], condition=Q(outcome=""), name="election_nomination_one_pending"),
        ]

    @property
    def is_pending(self) -> bool:
        return self.outcome == ""


class FollowUpQuerySet(ScopedQuerySet):
    def pending(self):
        return self.filter(visited_on__isnull=True)

    def due(self, as_of: date | None = None, within_days: int = 30):
        """Not yet visited and due within ``within_days`` (overdue ones included)."""
        as_of = as_of or date.today()
        return self.pending().filter(due_date__lte=as_of + timedelta(days=within_days))

    def overdue(self, as_of: date | None = None):
        as_of = as_of or date.today()
        return self.pending().filter(due_date__lt=as_of)


class FollowUpVisit(models.Model):
    """首年度回访考察: due twelve months after the appointment."""

    class Result(models.TextChoices):
        GOOD = "good", "胜任"
        FAIR = "fair", "基本胜任"
        POOR = "poor", "不胜任"

    appointment = models.OneToOneField(Appointment, verbose_name="任用", on_delete=models.CASCADE, related_name="follow_up")
    candidate = models.ForeignKey(Candidate, verbose_name="后备干部", on_delete=models.CASCADE, related_name="follow_ups")
    due_date = models.DateField("应回访日期", db_index=True)
    visited_on = models.DateField("回访日期", null=True, blank=True)
    result = models.CharField("回访结果", max_length=8, choices=Result.choices, blank=True)
    note = models.TextField("回访情况", blank=True)

    class Adjustment(models.TextChoices):
        NONE = "", "不作调整"
        CHANGED = "changed", "调整岗位"
        REMOVED = "removed", "免去职务"

    adjustment = models.CharField("调整", max_length=10, choices=Adjustment.choices, blank=True, default="")
    adjusted_post = models.CharField("调整后职务", max_length=40, choices=TWO_COMMITTEE_POSTS, blank=True)
    adjusted_on = models.DateField("调整日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, on_delete=models.SET_NULL, related_name="+")

    objects = FollowUpQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "candidate__village"

    field_ranges = bounds.Bounds(due_date=bounds.EVENT_DATE, visited_on=bounds.EVENT_DATE, adjusted_on=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "首年度回访"
        verbose_name_plural = "首年度回访"
        ordering = ["due_date"]

    @property
    def is_done(self) -> bool:
        return self.visited_on is not None


class Promotion(models.Model):
    """A later use of a reserve cadre, dated: promotion into township leadership as one
    of the 五类人员, recruitment through 事业单位定向招考 or 乡镇公务员招录, or another promotion."""

    class Kind(models.TextChoices):
        TOWNSHIP_LEADERSHIP = "township_leadership", "作为五类人员进入乡镇领导班子"
        INSTITUTION_EXAM = "institution_exam", "事业单位定向招考录用"
        CIVIL_SERVICE_EXAM = "civil_service_exam", "乡镇公务员招录"
        OTHER = "other", "其他提拔使用"

    EXAMS = (Kind.INSTITUTION_EXAM, Kind.CIVIL_SERVICE_EXAM)

    candidate = models.ForeignKey(Candidate, verbose_name="后备干部", on_delete=models.CASCADE, related_name="promotions")
    kind = models.CharField("使用方式", max_length=24, choices=Kind.choices, default=Kind.OTHER, db_index=True)
    date = models.DateField("日期")
    post = models.CharField("新任职务", max_length=100)
    unit = models.CharField("单位", max_length=100, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "candidate__village"

    field_ranges = bounds.Bounds(date=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "后续提拔使用"
        verbose_name_plural = "后续提拔使用"
        ordering = ["date"]

    @property
    def into_township_leadership(self) -> bool:
        return self.kind == self.Kind.TOWNSHIP_LEADERSHIP


# --- 换届 readiness -------------------------------------------------------------------------------

TERM_YEARS = 5  # a village 两委 term since 2018


class ElectionSchedule(models.Model):
    """The date of the next village 两委 换届, set for the county or for one township
    (a township's own date wins over the county's)."""

    region = models.OneToOneField(
        Region, verbose_name="县或乡镇", on_delete=models.CASCADE, related_name="election_schedule",
        limit_choices_to={"level__in": [Region.Level.COUNTY, Region.Level.TOWNSHIP]},
    )
    next_election = models.DateField("下次换届日期")
    note = models.CharField("说明", max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("设置时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "region"

    field_ranges = bounds.Bounds(next_election=bounds.EVENT_DATE)

    class Meta:
        verbose_name = "换届时间"
        verbose_name_plural = "换届时间"

    def __str__(self) -> str:
        return f"{self.region.name} {self.next_election:%Y-%m-%d}"


class VillageSeatPlan(models.Model):
    """How many village 两委 posts are expected to fall vacant at the village's next
    换届 (entered by the township), which the readiness verdict weighs the pool against."""

    village = models.OneToOneField(
        Region, verbose_name="村（社区）", on_delete=models.CASCADE, related_name="seat_plan",
        limit_choices_to={"level": Region.Level.VILLAGE},
    )
    vacancies = models.PositiveSmallIntegerField("换届预计空缺岗位数")
    posts = models.CharField("空缺岗位", max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="填报人", null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField("填报时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()
    scope_region_field = "village"

    field_ranges = bounds.Bounds(vacancies=(0, 20))

    class Meta:
        verbose_name = "换届空缺岗位"
        verbose_name_plural = "换届空缺岗位"
        constraints = [models.CheckConstraint(condition=Q(vacancies__lte=20), name="seat_plan_vacancies_bounded")]

    def __str__(self) -> str:
        return f"{self.village.name} {self.vacancies}"
