"""List columns of the retention pages (django-tables2 over ``cadre_portal.lists``).
Every column reads the row or a ``select_related`` relation (the views select
``cadre__unit`` and ``candidate__village__parent``); sortable columns sort on plain fields."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from cadre_portal.lists import PortalTable
from youth_cadres.retention.models import CareRecord, Demand, Interview, Measure

STATUS_CLASS = {"raised": "bg-orange-lt", "handling": "bg-azure-lt", "resolved": "bg-green-lt", "unresolvable": "bg-secondary-lt"}


def _care_link(care):
    return format_html('<a href="{}">{}</a>', care.get_absolute_url(), care.name)


class CareTable(PortalTable):
    """留才关怀对象."""

    name = tables.Column("姓名", accessor="pk", order_by=("registry", "pk"), attrs={"td": {"class": "text-nowrap"}})
    registry = tables.Column("人员类别")
    workplace = tables.Column("单位（村）", accessor="pk", orderable=False)
    interval_months = tables.Column("访谈周期（月）")
    last_interview_on = tables.Column("最近访谈")
    next_due = tables.Column("下次访谈")
    intention = tables.Column("最近意向")
    outcome = tables.Column("结果")
    status = tables.Column("状态")

    class Meta(PortalTable.Meta):
        model = CareRecord
        fields = ("name", "registry", "workplace", "interval_months", "last_interview_on", "next_due", "intention",
                  "outcome", "status")
        order_by = ("next_due",)
        attrs = {**PortalTable.Meta.attrs, "data-testid": "care-table"}
        empty_text = "没有符合条件的关怀对象。"

    def render_name(self, record):
        return _care_link(record)

    def render_workplace(self, record):
        return record.workplace

    def render_next_due(self, record, value):
        from datetime import date

        if record.is_active and value < date.today():
            return format_html('<span class="text-danger">{}（逾期）</span>', value)
        return value

    def render_intention(self, record):
        text = record.get_intention_display()
        if record.intention in ("wants_to_leave", "asked_transfer"):
            return format_html('<span class="badge bg-red-lt">{}</span>', text)
        return text


class InterviewTable(PortalTable):
    """留才访谈."""

    person = tables.Column("姓名", accessor="care_id", orderable=False)
    held_on = tables.Column("访谈日期")
    interviewer = tables.Column("访谈人", accessor="interviewer__full_name", orderable=False)
    unit_heard = tables.BooleanColumn("单位访谈", yesno="是,否")
    intention = tables.Column("本人意向")
    state_of_mind = tables.Column("思想和工作动态", orderable=False, attrs={"td": {"class": "small"}})

    class Meta(PortalTable.Meta):
        model = Interview
        fields = ("person", "held_on", "interviewer", "unit_heard", "intention", "state_of_mind")
        order_by = ("-held_on",)
        attrs = {**PortalTable.Meta.attrs, "data-testid": "interview-table"}
        empty_text = "没有符合条件的访谈。"

    def render_person(self, record):
        return _care_link(record.care)

    def render_interviewer(self, record):
        return record.interviewer.display_name

    def render_state_of_mind(self, value):
        return value[:60] + ("…" if len(value) > 60 else "")


class DemandTable(PortalTable):
    """个人诉求."""

    person = tables.Column("姓名", accessor="care_id", orderable=False)
    category = tables.Column("类别", accessor="category__name", order_by=("category__sort_order",))
    nature = tables.Column("性质")
    content = tables.Column("诉求内容", orderable=False, attrs={"td": {"class": "small"}})
    owner = tables.Column("承办人", accessor="owner__full_name", orderable=False)
    raised_on = tables.Column("提出日期")
    due_on = tables.Column("办理期限")
    status = tables.Column("状态")

    class Meta(PortalTable.Meta):
        model = Demand
        fields = ("person", "category", "nature", "content", "owner", "raised_on", "due_on", "status")
        order_by = ("due_on",)
        attrs = {**PortalTable.Meta.attrs, "data-testid": "demand-table"}
        empty_text = "没有符合条件的诉求。"

    def render_person(self, record):
        return _care_link(record.care)

    def render_content(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value[:50] + ("…" if len(value) > 50 else ""))

    def render_owner(self, record):
        return record.owner.display_name

    def render_due_on(self, record, value):
        from datetime import date

        if record.is_open and value < date.today():
            return format_html('<span class="text-danger">{}（逾期）</span>', value)
        return value

    def render_status(self, record):
        return format_html('<span class="badge {}">{}</span>', STATUS_CLASS.get(record.status, ""), record.get_status_display())


class MeasureTable(PortalTable):
    """留才措施."""

    title = tables.Column("措施名称")
    category = tables.Column("类别", accessor="category__name", order_by=("category__sort_order",))
    effective_on = tables.Column("实施日期")
    amount_before = tables.Column("调整前（元/月）")
    amount_after = tables.Column("调整后（元/月）")

    class Meta(PortalTable.Meta):
        model = Measure
        fields = ("title", "category", "effective_on", "amount_before", "amount_after")
        order_by = ("-effective_on",)
        attrs = {**PortalTable.Meta.attrs, "data-testid": "measure-table"}
        empty_text = "尚未录入措施。"

    def render_title(self, record, value):
        return format_html('<a href="{}">{}</a>', record.get_absolute_url(), value)
