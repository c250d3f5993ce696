"""List filters for reserve cadres (django-filter)."""

from __future__ import annotations

from datetime import date

import django_filters
from dateutil.relativedelta import relativedelta
from django import forms
from django.db.models import Q

from cadre_portal import codes
from cadre_portal.filters import PortalFilterSet
from cadre_portal.models import Region
from cadre_portal.people import name_search_q
from reserves import duties, events
from reserves.models import Candidate

AGE_BANDS = [("-25", "25岁及以下"), ("26-30", "26-30岁"), ("31-35", "31-35岁"), ("36-40", "36-40岁"), ("41-", "41岁及以上")]
YES = [("1", "是")]


class ScopedRegionFilterMixin:
    """乡镇 / 村（社区） choices limited to the user's scope; no 乡镇 choice for a township officer."""

    def _limit_regions(self, user):
        regions = Region.objects.visible_to(user)
        self.filters["township"].queryset = regions.filter(level=Region.Level.TOWNSHIP)
        self.filters["village"].queryset = regions.filter(level=Region.Level.VILLAGE)
        if not user.sees_whole_county:
            del self.filters["township"]

    def filter_township(self, qs, name, value):
        return qs.filter(village__parent=value) if value else qs

    def filter_q(self, qs, name, value):
        return qs.filter(name_search_q(value))


def _date_input():
    return forms.DateInput(attrs={"type": "date"})


EARLIEST, LATEST = date(1900, 1, 1), date(9998, 12, 31)


class EventDateForm(forms.Form):
    """Checks the 按日期 filter: an event to date by, and a range that is not inverted."""

    def clean(self):
        data = super().clean()
        event, start, end = data.get("date_event"), data.get("date_from"), data.get("date_to")
        if (start or end) and not event:
            self.add_error("date_event", "请选择按哪个日期筛选（推荐、备案、入库、任用或进入乡镇领导班子）。")
        if start and end and start > end:
            self.add_error("date_to", f"结束日期（{end:%Y-%m-%d}）早于开始日期（{start:%Y-%m-%d}）。")
        return data


class EventDateFilters(django_filters.FilterSet):
    """按日期: whose 推荐 / 审查备案 / 入库 / 任用 / 进入乡镇领导班子 happened between two
    dates, by ``reserves.events`` — the same definition as the flow figures."""

    date_event = django_filters.ChoiceFilter(label="按日期", choices=events.CHOICES, method="filter_event", empty_label="不限")
    date_from = django_filters.DateFilter(label="日期自", method="filter_nothing", widget=_date_input())
    date_to = django_filters.DateFilter(label="日期至", method="filter_nothing", widget=_date_input())

    def filter_nothing(self, qs, name, value):
        return qs  # applied with date_event

    def filter_event(self, qs, name, value):
        data = self.form.cleaned_data
        if not value or {"date_event", "date_from", "date_to"} & set(self.form.errors):
            return qs
        start, end = data.get("date_from") or EARLIEST, data.get("date_to") or LATEST
        return qs.filter(events.get(value).happened(start, end))


class CandidateFilter(ScopedRegionFilterMixin, EventDateFilters, PortalFilterSet):
    q = django_filters.CharFilter(label="姓名/拼音/身份证后四位", method="filter_q")
    township = django_filters.ModelChoiceFilter(
        label="乡镇", queryset=Region.objects.none(), method="filter_township", empty_label="全部乡镇"
    )
    village = django_filters.ModelChoiceFilter(label="村（社区）", queryset=Region.objects.none(), empty_label="全部村（社区）")
    stage = django_filters.ChoiceFilter(label="阶段", choices=Candidate.Stage.choices, empty_label="全部阶段")
    priority_group = django_filters.ChoiceFilter(
        label="优先选定群体", choices=codes.PRIORITY_GROUP, method="filter_priority", empty_label="全部"
    )
    age_band = django_filters.ChoiceFilter(label="年龄段", choices=AGE_BANDS, method="filter_age", empty_label="全部")
    education = django_filters.ChoiceFilter(label="学历", choices=codes.EDUCATION, empty_label="全部")
    political_status = django_filters.ChoiceFilter(label="政治面貌", choices=codes.POLITICAL_STATUS, empty_label="全部")
    behind = django_filters.ChoiceFilter(label="学时进度落后", choices=YES, method="filter_behind", empty_label="不限")
    follow_up_due = django_filters.ChoiceFilter(label="回访到期", choices=YES, method="filter_follow_up", empty_label="不限")
    due = django_filters.ChoiceFilter(label="待办事项", choices=duties.CHOICES, method="filter_due", empty_label="不限")

    class Meta:
        model = Candidate
        form = EventDateForm
        fields = ["q", "township", "village", "stage", "priority_group", "age_band", "education", "political_status",
                  "behind", "follow_up_due", "due", "date_event", "date_from", "date_to"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_regions(user)

    def filter_priority(self, qs, name, value):
        return qs.with_priority_group(value) if value else qs

    def filter_age(self, qs, name, value):
        low, _, high = value.partition("-")
        today = date.today()
        q = Q()
        if low:  # at least `low` years old: born on or before today - low years
            q &= Q(birth_date__lte=today - relativedelta(years=int(low)))
        if high:  # at most `high` years old: born after today - (high+1) years
            q &= Q(birth_date__gt=today - relativedelta(years=int(high) + 1))
        return qs.filter(q)

    def filter_follow_up(self, qs, name, value):
        return duties.people("follow_up", queryset=qs) if value else qs

    def filter_behind(self, qs, name, value):
        # The stored hours ledger: one indexed date comparison (see Candidate.hours_behind_from).
        return duties.people("behind", queryset=qs) if value else qs

    def filter_due(self, qs, name, value):
        """待办事项: the people a home-panel count or a reminder names (``reserves.duties``)."""
        return duties.people(value, queryset=qs) if value else qs


class PoolFilter(ScopedRegionFilterMixin, PortalFilterSet):
    """储备库 filters: who, where, when admitted, which direction of use."""

    q = django_filters.CharFilter(label="姓名/拼音/身份证后四位", method="filter_q")
    township = django_filters.ModelChoiceFilter(
        label="乡镇", queryset=Region.objects.none(), method="filter_township", empty_label="全部乡镇"
    )
    village = django_filters.ModelChoiceFilter(label="村（社区）", queryset=Region.objects.none(), empty_label="全部村（社区）")
    direction = django_filters.CharFilter(label="使用方向包含", field_name="pool_entry__direction", lookup_expr="contains")
    admitted_from = django_filters.DateFilter(
        label="入库日期自", field_name="pool_entry__admitted_on", lookup_expr="gte", widget=_date_input()
    )
    admitted_to = django_filters.DateFilter(
        label="入库日期至", field_name="pool_entry__admitted_on", lookup_expr="lte", widget=_date_input()
    )

    class Meta:
        model = Candidate
        fields = ["q", "township", "village", "direction", "admitted_from", "admitted_to"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_regions(user)


class VillageFilterForm(forms.Form):
    """Filters of the per-village readiness table (a summary, filtered in memory)."""

    township = forms.ModelChoiceField(label="乡镇", queryset=Region.objects.none(), required=False, empty_label="全部乡镇")
    verdict = forms.ChoiceField(label="换届人选准备", required=False)
    size = forms.ChoiceField(label="在册人数", required=False)
    behind = forms.ChoiceField(label="有学时落后", required=False, choices=[("", "不限"), *YES])

    def __init__(self, data=None, *, user):
        from reserves.readiness import SIZE_CHOICES, VERDICT_CHOICES

        super().__init__(data)
        self.fields["township"].queryset = Region.objects.visible_to(user).filter(level=Region.Level.TOWNSHIP)
        self.fields["verdict"].choices = [("", "全部"), *VERDICT_CHOICES]
        self.fields["size"].choices = [("", "不限"), *SIZE_CHOICES]
        if not user.sees_whole_county:
            del self.fields["township"]
        from cadre_portal.filters import style_form_widgets

        style_form_widgets(self)

    def value(self, name):
        """The cleaned value of one filter; an invalid or missing one is no filter."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name)

    def apply(self, rows):
        verdict, size, behind = self.value("verdict"), self.value("size"), self.value("behind")
        if verdict:
            rows = [r for r in rows if r.verdict == verdict]
        if size:
            rows = [r for r in rows if r.size == size]
        if behind:
            rows = [r for r in rows if r.behind]
        return rows
