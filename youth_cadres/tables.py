"""List columns of the young-cadre pages (django-tables2 on ``cadre_portal.lists``).

Per-row extras that need a query (a post's holders and candidates, a cadre's bank
status, an entry's target posts) are loaded once per page in ``prepare_page``."""

from __future__ import annotations

from collections import defaultdict

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from cadre_portal.lists import PortalTable
from youth_cadres import cohorts
from youth_cadres.models import (
    Appointment,
    BankEntry,
    BankTarget,
    Cadre,
    Post,
    PostHolding,
    SupervisionOpinion,
    TrainingRecord,
    WorkLogEntry,
)

STATUS_CLASS = {
    "recommended": "bg-azure-lt", "inspecting": "bg-yellow-lt", "in_bank": "bg-green-lt",
    "appointed": "bg-purple-lt", "transferred": "bg-secondary-lt",
}


def status_badge(entry) -> str:
    return format_html('<span class="badge {}">{}</span>', STATUS_CLASS.get(entry.status, ""), entry.get_status_display())


def cadre_link(cadre) -> str:
    return format_html('<a href="{}">{}</a>', reverse("youth_cadres:cadre_detail", args=[cadre.pk]), cadre.name)


class CadreTable(PortalTable):
    name = tables.Column(verbose_name="姓名", order_by=("name_pinyin", "name"))
    sex = tables.Column(verbose_name="性别", order_by=("sex",))
    birth_date = tables.Column(verbose_name="出生年月（年龄）")
    unit = tables.Column(verbose_name="单位", accessor="unit__name", order_by=("unit__sort_order", "unit__name"))
    current_post = tables.Column(verbose_name="现任职务")
    post_level = tables.Column(verbose_name="职务层次", order_by=("post_level",))
    education = tables.Column(verbose_name="最高学历", order_by=("education",))
    cohort = tables.Column(verbose_name="培养类别", accessor="pk", orderable=False)
    bank = tables.Column(verbose_name="干部库", accessor="pk", orderable=False)

    class Meta(PortalTable.Meta):
        model = Cadre
        fields = ("name", "sex", "birth_date", "unit", "current_post", "post_level", "education", "cohort", "bank")
        order_by = ("unit",)

    def prepare_page(self, records):
        self._entries = {}
        rows = BankEntry.objects.filter(cadre__in=[r.pk for r in records], status__in=BankEntry.OPEN_STATUSES)
        for entry in rows.only("pk", "cadre_id", "status", "key_training"):
            self._entries[entry.cadre_id] = entry

    def render_name(self, record):
        return cadre_link(record)

    def render_sex(self, record):
        return record.get_sex_display()

    def render_birth_date(self, record):
        return f"{record.birth_month}（{record.age}岁）"

    def render_post_level(self, record):
        return record.level_label or "—"

    def render_education(self, record):
        return record.get_education_display() or "—"

    def render_cohort(self, record):
        return cohorts.label(record.cohort) if record.cohort else "—"

    def render_bank(self, record):
        entry = getattr(self, "_entries", {}).get(record.pk)
        if entry is None:
            return "—"
        key = format_html(' <span class="badge bg-yellow-lt">重点</span>') if entry.key_training else ""
        return format_html("{}{}", status_badge(entry), key)


class BankTable(PortalTable):
    name = tables.Column(verbose_name="姓名", accessor="cadre__name", order_by=("cadre__name_pinyin", "cadre__name"))
    sex = tables.Column(verbose_name="性别", accessor="cadre__sex", order_by=("cadre__sex",))
    birth_date = tables.Column(verbose_name="出生年月（年龄）", accessor="cadre__birth_date", order_by=("cadre__birth_date",))
    unit = tables.Column(verbose_name="单位", accessor="cadre__unit__name", order_by=("cadre__unit__sort_order", "cadre__unit__name"))
    current_post = tables.Column(verbose_name="现任职务", accessor="cadre__current_post", orderable=False)
    cohort = tables.Column(verbose_name="培养类别", accessor="pk", orderable=False)
    status = tables.Column(verbose_name="状态", order_by=("status",))
    source = tables.Column(verbose_name="推荐来源", order_by=("source",))
    entry_date = tables.Column(verbose_name="入库日期")
    targets = tables.Column(verbose_name="培养目标岗位", accessor="pk", orderable=False)

    class Meta(PortalTable.Meta):
        model = BankEntry
        fields = ("name", "sex", "birth_date", "unit", "current_post", "cohort", "status", "source", "entry_date", "targets")
        order_by = ("-entry_date",)

    def prepare_page(self, records):
        self._targets = defaultdict(list)
        rows = BankTarget.objects.filter(entry__in=[r.pk for r in records]).select_related("post__unit").order_by("post__unit__sort_order", "post__sort_order")
        for target in rows:
            self._targets[target.entry_id].append(target.post)

    def render_name(self, record):
        key = format_html(' <span class="badge bg-yellow-lt">重点</span>') if record.key_training else ""
        return format_html("{}{}", cadre_link(record.cadre), key)

    def render_sex(self, record):
        return record.cadre.get_sex_display()

    def render_birth_date(self, record):
        return f"{record.cadre.birth_month}（{record.cadre.age}岁）"

    def render_cohort(self, record):
        key = getattr(record, "cohort_key", None)
        return cohorts.label(key if key is not None else record.cadre.cohort)

    def render_status(self, record):
        return status_badge(record)

    def render_source(self, record):
        return record.get_source_display()

    def render_entry_date(self, value):
        return value.strftime("%Y.%m.%d") if value else "—"

    def render_targets(self, record):
        posts = getattr(self, "_targets", {}).get(record.pk, [])
        if not posts:
            return "—"
        return format_html_join("、", '<a href="{}">{}</a>', ((reverse("youth_cadres:post_detail", args=[p.pk]), p.full_title) for p in posts))


class PostTable(PortalTable):
    unit = tables.Column(verbose_name="单位", accessor="unit__name", order_by=("unit__sort_order", "unit__name"))
    title = tables.Column(verbose_name="岗位")
    level = tables.Column(verbose_name="职务层次", order_by=("level",))
    headcount = tables.Column(verbose_name="核定职数")
    holder_count = tables.Column(verbose_name="现任")
    vacancies = tables.Column(verbose_name="空缺", accessor="pk", orderable=False)
    holders = tables.Column(verbose_name="现任人员", accessor="pk", orderable=False)
    candidate_count = tables.Column(verbose_name="在库培养对象")
    candidates = tables.Column(verbose_name="培养对象名单", accessor="pk", orderable=False)

    class Meta(PortalTable.Meta):
        model = Post
        fields = ("unit", "title", "level", "headcount", "holder_count", "vacancies", "holders", "candidate_count", "candidates")
        order_by = ("unit", "title")
        row_attrs = {"class": lambda record: "table-warning" if record.is_short_of_candidates else ""}

    def prepare_page(self, records):
        ids = [r.pk for r in records]
        self._holders, self._candidates = defaultdict(list), defaultdict(list)
        for h in PostHolding.objects.filter(post__in=ids, end__isnull=True).select_related("cadre").order_by("start"):
            self._holders[h.post_id].append(h.cadre)
        targets = (
            BankTarget.objects.filter(post__in=ids, entry__status=BankEntry.Status.IN_BANK)
            .select_related("entry__cadre").order_by("entry__entry_date")
        )
        for t in targets:
            self._candidates[t.post_id].append(t.entry)

    def render_title(self, record):
        return format_html('<a href="{}">{}</a>', reverse("youth_cadres:post_detail", args=[record.pk]), record.title)

    def render_level(self, record):
        return record.get_level_display()

    def render_vacancies(self, record):
        n = record.vacancies
        return format_html('<span class="badge bg-orange-lt">{}</span>', n) if n else "0"

    def render_holders(self, record):
        people = getattr(self, "_holders", {}).get(record.pk, [])
        return format_html_join("、", "{}", ((cadre_link(c),) for c in people)) if people else "—"

    def render_candidate_count(self, record):
        if record.is_short_of_candidates:
            return format_html('<span class="badge bg-red-lt" title="不足2名培养对象">{} 名（不足2名）</span>', record.candidate_count)
        return f"{record.candidate_count} 名"

    def render_candidates(self, record):
        entries = getattr(self, "_candidates", {}).get(record.pk, [])
        if not entries:
            return "—"
        return format_html_join(
            "、", "{}{}", ((cadre_link(e.cadre), format_html("<sup>重点</sup>") if e.key_training else "") for e in entries)
        )


class ForecastTable(PortalTable):
    unit = tables.Column(verbose_name="单位", accessor="post__unit__name", order_by=("post__unit__sort_order", "post__unit__name"))
    post = tables.Column(verbose_name="岗位", accessor="post__title", order_by=("post__title",))
    cadre = tables.Column(verbose_name="现任人员", accessor="cadre__name", order_by=("cadre__name",))
    birth = tables.Column(verbose_name="出生年月", accessor="cadre__birth_date", order_by=("cadre__birth_date",))
    start = tables.Column(verbose_name="任职时间")
    reason = tables.Column(verbose_name="预计出缺原因", accessor="pk", orderable=False)
    leaves_on = tables.Column(verbose_name="预计出缺时间", accessor="pk", orderable=False)
    candidates = tables.Column(verbose_name="在库培养对象", accessor="post__candidate_count", order_by=("post__candidate_count",))

    class Meta(PortalTable.Meta):
        model = PostHolding
        fields = ("unit", "post", "cadre", "birth", "start", "reason", "leaves_on", "candidates")
        order_by = ("start", "birth")

    forecast = None  # a youth_cadres.forecast.Forecast, set by the view on a subclass

    def render_post(self, record):
        return format_html('<a href="{}">{}</a>', reverse("youth_cadres:post_detail", args=[record.post_id]), record.post.title)

    def render_cadre(self, record):
        return cadre_link(record.cadre)

    def render_birth(self, record):
        return record.cadre.birth_month

    def render_start(self, value):
        return value.strftime("%Y.%m")

    def render_reason(self, record):
        return "；".join(self.forecast.reasons(record)) if self.forecast else ""

    def render_leaves_on(self, record):
        day = self.forecast.leaves_on(record) if self.forecast else None
        return day.strftime("%Y.%m") if day else "—"

    def render_candidates(self, record):
        n = record.post.candidate_count
        if n < 2:
            return format_html('<span class="badge bg-red-lt">{} 名</span>', n)
        return f"{n} 名"


class AppointmentTable(PortalTable):
    cadre = tables.Column(verbose_name="姓名", accessor="cadre__name", order_by=("cadre__name",))
    previous_post = tables.Column(verbose_name="原任职务", orderable=False)
    post = tables.Column(verbose_name="任职岗位", accessor="post__title", orderable=False)
    appointed_on = tables.Column(verbose_name="任职时间")
    cross_team = tables.Column(verbose_name="跨“三支队伍”")
    source = tables.Column(verbose_name="来源", accessor="bank_entry_id", orderable=False)
    round = tables.Column(verbose_name="任免批次", accessor="round__title", orderable=False)

    class Meta(PortalTable.Meta):
        model = Appointment
        fields = ("cadre", "previous_post", "post", "appointed_on", "cross_team", "source", "round")
        order_by = ("-appointed_on",)

    def render_cadre(self, record):
        return cadre_link(record.cadre)

    def render_post(self, record):
        return record.post.full_title

    def render_appointed_on(self, value):
        return value.strftime("%Y.%m.%d")

    def render_cross_team(self, record):
        if not record.cross_team:
            return "—"
        before = record.previous_unit.team_label if record.previous_unit else ""
        return format_html('<span class="badge bg-purple-lt">{}→{}</span>', before, record.post.unit.team_label)

    def render_source(self, record):
        return "优秀年轻干部库" if record.bank_entry_id else "—"

    def render_round(self, record):
        if not record.round_id:
            return "—"
        return format_html('<a href="{}">{}</a>', reverse("youth_cadres:round_detail", args=[record.round_id]), record.round.title)


class WorkLogTable(PortalTable):
    date = tables.Column(verbose_name="日期")
    cadre = tables.Column(verbose_name="姓名", accessor="cadre__name", order_by=("cadre__name",))
    unit = tables.Column(verbose_name="单位", accessor="cadre__unit__name", orderable=False)
    content = tables.Column(verbose_name="工作内容", orderable=False)
    result = tables.Column(verbose_name="工作成效", orderable=False)
    written_by = tables.Column(verbose_name="记录人", accessor="written_by__full_name", orderable=False, default="—")

    class Meta(PortalTable.Meta):
        model = WorkLogEntry
        fields = ("date", "cadre", "unit", "content", "result", "written_by")
        order_by = ("-date",)

    def render_date(self, value):
        return value.strftime("%Y.%m.%d")

    def render_cadre(self, record):
        return cadre_link(record.cadre)


class TrainingRecordTable(PortalTable):
    start = tables.Column(verbose_name="开始日期")
    cadre = tables.Column(verbose_name="姓名", accessor="cadre__name", order_by=("cadre__name",))
    unit = tables.Column(verbose_name="单位", accessor="cadre__unit__name", orderable=False)
    dimension = tables.Column(verbose_name="培养维度", order_by=("dimension",))
    line = tables.Column(verbose_name="责任方", order_by=("line",))
    title = tables.Column(verbose_name="培养事项", orderable=False)
    result = tables.Column(verbose_name="成效", orderable=False)

    class Meta(PortalTable.Meta):
        model = TrainingRecord
        fields = ("start", "cadre", "unit", "dimension", "line", "title", "result")
        order_by = ("-start",)

    def render_start(self, record):
        end = f"—{record.end:%Y.%m.%d}" if record.end else ""
        return f"{record.start:%Y.%m.%d}{end}"

    def render_cadre(self, record):
        return cadre_link(record.cadre)

    def render_dimension(self, record):
        return record.get_dimension_display()

    def render_line(self, record):
        return record.get_line_display()


class SupervisionTable(PortalTable):
    date = tables.Column(verbose_name="听取日期")
    cadre = tables.Column(verbose_name="姓名", accessor="cadre__name", order_by=("cadre__name",))
    unit = tables.Column(verbose_name="单位", accessor="cadre__unit__name", orderable=False)
    source = tables.Column(verbose_name="意见来源", order_by=("source",))
    given_by = tables.Column(verbose_name="提供意见的人员或单位", orderable=False)
    content = tables.Column(verbose_name="意见内容", orderable=False)

    class Meta(PortalTable.Meta):
        model = SupervisionOpinion
        fields = ("date", "cadre", "unit", "source", "given_by", "content")
        order_by = ("-date",)

    def render_date(self, value):
        return value.strftime("%Y.%m.%d")

    def render_cadre(self, record):
        return cadre_link(record.cadre)

    def render_source(self, record):
        return record.get_source_display()
