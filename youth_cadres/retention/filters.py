"""List filters of the retention pages (django-filter)."""

from __future__ import annotations

from datetime import date

import django_filters
from django import forms
from django.db.models import Q

from cadre_portal.filters import PortalFilterSet
from cadre_portal.models import CodeItem
from cadre_portal.people import name_search_q
from youth_cadres.retention import codes
from youth_cadres.retention.models import CareRecord, Demand, Intention, Interview, Measure

DATE = forms.DateInput(attrs={"type": "date"})


def _person_q(value, prefix=""):
    """The portal's person search (name, pinyin, ID number) over either registry."""
    return (Q(**{f"{prefix}cadre__isnull": False}) & name_search_q(value, f"{prefix}cadre__")) | (
        Q(**{f"{prefix}candidate__isnull": False}) & name_search_q(value, f"{prefix}candidate__"))


def _categories():
    return CodeItem.objects.filter(table=codes.DEMAND_CATEGORY_TABLE).order_by("sort_order", "code")


class CareFilter(PortalFilterSet):
    q = django_filters.CharFilter(label="姓名", method="filter_q")
    registry = django_filters.ChoiceFilter(label="人员类别", choices=CareRecord.Registry.choices, empty_label="全部")
    status = django_filters.ChoiceFilter(label="关怀状态", choices=CareRecord.Status.choices, empty_label="全部")
    due = django_filters.ChoiceFilter(label="访谈", method="filter_due", empty_label="全部",
                                      choices=[("overdue", "已逾期"), ("month", "本月到期")])
    intention = django_filters.ChoiceFilter(label="最近意向", choices=Intention.choices, empty_label="全部")
    outcome = django_filters.ChoiceFilter(label="结果", choices=[c for c in CareRecord.Outcome.choices if c[0]], empty_label="全部")

    class Meta:
        model = CareRecord
        fields = ["q", "registry", "status", "due", "intention", "outcome"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filter_q(self, qs, name, value):
        return qs.filter(_person_q(value)) if value else qs

    def filter_due(self, qs, name, value):
        today = date.today()
        if value == "overdue":
            return qs.filter(status="active", next_due__lt=today)
        if value == "month":
            month_end = date(today.year + today.month // 12, today.month % 12 + 1, 1)
            return qs.filter(status="active", next_due__gte=today, next_due__lt=month_end)
        return qs


class InterviewFilter(PortalFilterSet):
    q = django_filters.CharFilter(label="姓名", method="filter_q")
    intention = django_filters.ChoiceFilter(label="本人意向", choices=Intention.choices, empty_label="全部")
    held_from = django_filters.DateFilter(label="访谈日期自", field_name="held_on", lookup_expr="gte", widget=DATE)
    held_to = django_filters.DateFilter(label="至", field_name="held_on", lookup_expr="lte", widget=DATE)

    class Meta:
        model = Interview
        fields = ["q", "intention", "held_from", "held_to"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filter_q(self, qs, name, value):
        return qs.filter(_person_q(value, "care__")) if value else qs


class DemandFilter(PortalFilterSet):
    q = django_filters.CharFilter(label="姓名", method="filter_q")
    category = django_filters.ModelChoiceFilter(label="类别", queryset=CodeItem.objects.none(), empty_label="全部类别")
    status = django_filters.ChoiceFilter(label="状态", method="filter_status", empty_label="全部",
                                         choices=[("open", "未办结"), *Demand.Status.choices])
    nature = django_filters.ChoiceFilter(label="性质", choices=Demand.Nature.choices, empty_label="全部")
    overdue = django_filters.BooleanFilter(label="超过办理期限", method="filter_overdue",
                                           widget=forms.Select(choices=[("", "全部"), ("true", "是")]))

    class Meta:
        model = Demand
        fields = ["q", "category", "status", "nature", "owner", "overdue"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].queryset = _categories()
        from cadre_portal.models import Role, User

        self.filters["owner"].queryset = User.objects.filter(role=Role.COUNTY_STAFF).order_by("username")
        self.filters["owner"].label = "承办人"
        self.filters["owner"].extra["empty_label"] = "全部"

    def filter_q(self, qs, name, value):
        return qs.filter(_person_q(value, "care__")) if value else qs

    def filter_status(self, qs, name, value):
        if value == "open":
            return qs.open()
        return qs.filter(status=value) if value else qs

    def filter_overdue(self, qs, name, value):
        return qs.open().filter(due_on__lt=date.today()) if value else qs


class MeasureFilter(PortalFilterSet):
    category = django_filters.ModelChoiceFilter(label="类别", queryset=CodeItem.objects.none(), empty_label="全部类别")

    class Meta:
        model = Measure
        fields = ["category"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["category"].queryset = _categories()
