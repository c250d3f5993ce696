"""List filters for reserve cadres (django-filter)."""

from __future__ import annotations

from datetime import date

import django_filters
from dateutil.relativedelta import relativedelta
from django import forms
from django.db.models import Exists, OuterRef, Q

from cadre_portal import codes
from cadre_portal.filters import PortalFilterSet
from cadre_portal.models import Region
from cadre_portal.people import name_search_q
from reserves.models import Candidate, FollowUpVisit

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


class CandidateFilter(ScopedRegionFilterMixin, PortalFilterSet):
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

    class Meta:
        model = Candidate
        fields = ["q", "township", "village", "stage", "priority_group", "age_band", "education", "political_status", "behind", "follow_up_due"]

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

    def filter_behind(self, qs, name, value):
        # The stored hours ledger: one indexed date comparison (see Candidate.hours_behind_from).
        if not value:
            return qs
        return qs.filter(stage=Candidate.Stage.TRAINING, hours_behind_from__lte=date.today())

    def filter_follow_up(self, qs, name, value):
        if not value:
            return qs
        due = FollowUpVisit.objects.due().filter(candidate=OuterRef("pk"))
        return qs.filter(Exists(due))


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
