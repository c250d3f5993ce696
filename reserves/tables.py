"""List columns of the reserves pages (django-tables2 over ``cadre_portal.lists``).

Every column reads the row or a ``select_related`` relation; what needs a query
per row is loaded once for the page shown in ``prepare_page``. Sortable columns
sort on indexed or joined plain fields (keyset pages need plain fields).
"""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from cadre_portal.lists import PortalTable
from reserves.models import REQUIRED_HOURS, Attendance, Candidate, TrainingSession
from reserves.templatetags.reserves_tags import hours, stage_class, village_class


ZERO = mark_safe('<span class="text-secondary">0</span>')
KEY_BADGE = mark_safe(' <span class="badge bg-yellow-lt">重点</span>')


def _person_link(record, extra=""):
    return format_html('<a href="{}">{}</a>{}', reverse("reserves:detail", args=[record.pk]), record.name, extra)


class CandidateTable(PortalTable):
    """后备干部名册."""

    name = tables.Column("姓名", order_by=("name_pinyin", "name"), attrs={"td": {"class": "text-nowrap"}})
    sex = tables.Column("性别", order_by=("sex",), attrs={"td": {"class": "text-nowrap"}})
    age = tables.Column("年龄", accessor="birth_date", order_by=("-birth_date",))
    education = tables.Column("学历", attrs={"td": {"class": "text-nowrap"}})
    political_status = tables.Column("政治面貌")
    township = tables.Column("乡镇", accessor="village__parent__name", order_by=("village__path",),
                             attrs={"td": {"class": "text-nowrap"}})
    village = tables.Column("村（社区）", accessor="village__name", order_by=("village__path", "name_pinyin"),
                            attrs={"td": {"class": "text-nowrap"}})
    priority_groups = tables.Column("优先群体", orderable=False, attrs={"td": {"class": "small"}})
    stage = tables.Column("阶段")
    hours_attended = tables.Column("培训学时", order_by=("hours_attended",))

    class Meta(PortalTable.Meta):
        model = Candidate
        fields = ("name", "sex", "age", "education", "political_status", "township", "village",
                  "priority_groups", "stage", "hours_attended")
        order_by = ("village",)
        attrs = {**PortalTable.Meta.attrs, "data-testid": "candidate-table"}
        empty_text = "没有符合条件的人员。"

    def render_name(self, record):
        badge = KEY_BADGE if record.key_training_object else ""
        return _person_link(record, badge)

    def render_sex(self, record):
        return record.get_sex_display()

    def render_age(self, record):
        return record.age

    def render_education(self, record):
        return record.get_education_display()

    def render_political_status(self, record):
        return record.get_political_status_display()

    def render_priority_groups(self, record):
        return "、".join(record.priority_group_labels)

    def render_stage(self, record):
        return format_html('<span class="badge {}">{}</span>', stage_class(record.stage), record.get_stage_display())

    def render_hours_attended(self, record):
        if not record.training_start:
            return "—"
        text = f"{hours(record.hours_attended)} / {REQUIRED_HOURS}"
        if record.is_behind_on_hours:
            return format_html(
                '{} <span class="badge bg-red-lt" title="自 {} 起按当前进度期末不足{}学时">进度落后</span>',
                text, f"{record.hours_behind_from:%Y.%m.%d}", REQUIRED_HOURS,
            )
        return text


class PoolTable(PortalTable):
    """储备库: one row per pool member, ordered by village."""

    township = tables.Column("乡镇", accessor="village__parent__name", order_by=("village__path",),
                             attrs={"td": {"class": "text-nowrap"}})
    village = tables.Column("村（社区）", accessor="village__name", order_by=("village__path", "name_pinyin"),
                            attrs={"td": {"class": "text-nowrap"}})
    name = tables.Column("姓名", order_by=("name_pinyin", "name"), attrs={"td": {"class": "text-nowrap"}})
    age = tables.Column("年龄", accessor="birth_date", order_by=("-birth_date",))
    education = tables.Column("学历", attrs={"td": {"class": "text-nowrap"}})
    admitted_on = tables.Column("入库日期", accessor="pool_entry__admitted_on", order_by=("pool_entry__admitted_on",))
    direction = tables.Column("使用方向", accessor="pool_entry__direction", order_by=("pool_entry__direction",))
    intended_post = tables.Column("拟任岗位", accessor="pool_entry__intended_post", default="—", orderable=False)
    wishes = tables.Column("本人基本诉求", accessor="pool_entry__wishes", default="", orderable=False,
                           attrs={"td": {"class": "small"}})

    class Meta(PortalTable.Meta):
        model = Candidate
        fields = ("township", "village", "name", "age", "education", "admitted_on", "direction", "intended_post", "wishes")
        order_by = ("village",)
        attrs = {**PortalTable.Meta.attrs, "data-testid": "pool-table"}
        empty_text = "储备库暂无符合条件的人员。"

    def render_name(self, record):
        return _person_link(record)

    def render_age(self, record):
        return record.age

    def render_education(self, record):
        return record.get_education_display()

    def render_admitted_on(self, value):
        return f"{value:%Y.%m.%d}"


class TrainingSessionTable(PortalTable):
    """集中培训: the sessions, with the attendance the viewer may see counted for the page shown."""

    date = tables.Column("日期")
    quarter = tables.Column("季度", accessor="date", order_by=("date",), orderable=False)
    topic = tables.Column("培训主题")
    hours = tables.Column("学时")
    teacher = tables.Column("授课人", default="")
    place = tables.Column("地点")
    for_all = tables.Column("范围", orderable=False)
    attended = tables.Column("到课人数", accessor="pk", orderable=False, attrs={"td": {"class": "num"}, "th": {"class": "num"}})

    class Meta(PortalTable.Meta):
        model = TrainingSession
        fields = ("date", "quarter", "topic", "hours", "teacher", "place", "for_all", "attended")
        order_by = ("-date",)
        attrs = {**PortalTable.Meta.attrs, "data-testid": "session-table"}
        empty_text = "暂无培训。"

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.attended_counts: dict[int, int] = {}

    def prepare_page(self, records):
        """One grouped count for the sessions shown, over the attendance the viewer may see."""
        if not records:
            return
        rows = (
            Attendance.objects.visible_to(self.user).counted().filter(session__in=[s.pk for s in records])
            .order_by().values("session").annotate(n=Count("pk")).values_list("session", "n")
        )
        self.attended_counts = dict(rows)

    def render_date(self, record):
        return format_html('<a href="{}">{}</a>', reverse("reserves:training_detail", args=[record.pk]), f"{record.date:%Y.%m.%d}")

    def render_quarter(self, record):
        return record.quarter_label()

    def render_hours(self, value):
        return hours(value)

    def render_for_all(self, value):
        return "全体" if value else "指定人员"

    def render_attended(self, record):
        return self.attended_counts.get(record.pk, 0)


class VillageReadinessTable(PortalTable):
    """各村后备干部情况: one row per village (``reserves.readiness.VillageRow``)."""

    township_name = tables.Column("乡镇", order_by=("village__path",), attrs={"td": {"class": "text-nowrap"}})
    village = tables.Column("村（社区）", accessor="village__name", order_by=("village__path",), attrs={"td": {"class": "text-nowrap"}})
    active = tables.Column("在册", attrs={"td": {"class": "text-center"}, "th": {"class": "text-center"}})
    submitted = tables.Column("待审查", attrs={"td": {"class": "text-center"}, "th": {"class": "text-center"}})
    training = tables.Column("培养中", attrs={"td": {"class": "text-center"}, "th": {"class": "text-center"}})
    behind = tables.Column("学时落后", attrs={"td": {"class": "text-center"}, "th": {"class": "text-center"}})
    end_of_cycle = tables.Column("期满考察", attrs={"td": {"class": "text-center"}, "th": {"class": "text-center"}})
    pool = tables.Column("储备库", attrs={"td": {"class": "text-center"}, "th": {"class": "text-center"}})
    next_election = tables.Column("下次换届", attrs={"td": {"class": "text-nowrap"}})
    vacancies = tables.Column("预计空缺", attrs={"td": {"class": "text-center text-nowrap"}, "th": {"class": "text-center"}})
    verdict = tables.Column("换届人选准备", order_by=("verdict_order", "shortfall"), attrs={"td": {"class": "text-nowrap"}})
    coming = tables.Column("换届前可入库", attrs={"td": {"class": "text-center"}, "th": {"class": "text-center"}})

    class Meta(PortalTable.Meta):
        fields = ("township_name", "village", "active", "submitted", "training", "behind", "end_of_cycle", "pool",
                  "next_election", "vacancies", "verdict", "coming")
        attrs = {**PortalTable.Meta.attrs, "data-testid": "village-table"}
        empty_text = "没有符合条件的村（社区）。"

    def _count(self, value, record, **params):
        if not value:
            return ZERO
        query = "&".join(f"{k}={v}" for k, v in {"village": record.village.pk, **params}.items())
        return format_html('<a href="{}?{}">{}</a>', reverse("reserves:list"), query, value)

    def render_village(self, record):
        return format_html('<a href="{}?village={}">{}</a>', reverse("reserves:list"), record.village.pk, record.village.name)

    def render_active(self, record):
        return format_html('<span class="badge {}" title="每村3-7人">{}</span>', village_class(record.active), record.active)

    def render_submitted(self, value, record):
        return self._count(value, record, stage=Candidate.Stage.SUBMITTED)

    def render_training(self, value, record):
        return self._count(value, record, stage=Candidate.Stage.TRAINING)

    def render_behind(self, value, record):
        return self._count(value, record, stage=Candidate.Stage.TRAINING, behind=1)

    def render_end_of_cycle(self, value):
        return value or ZERO

    def render_pool(self, value, record):
        if not value:
            return ZERO
        return format_html('<a href="{}?village={}">{}</a>', reverse("reserves:pool"), record.village.pk, value)

    def render_next_election(self, record):
        return format_html('<span title="{}">{}</span>', record.election_source, f"{record.next_election:%Y.%m.%d}")

    def render_vacancies(self, record):
        if record.vacancies_entered:
            return format_html('<span title="{}">{}</span>', record.posts or "未填写具体岗位", record.vacancies)
        return format_html('{} <span class="badge bg-yellow-lt" title="乡镇未填报，按{}个空缺岗位测算">未填报</span>',
                           record.vacancies, record.vacancies)

    def render_verdict(self, record):
        return format_html('<span class="badge {}">{}</span>', record.verdict_class, record.verdict_label)

    def render_coming(self, value):
        return value or ZERO
