"""List filters of the young-cadre pages (django-filter, Tabler-styled). Scope is not a
filter: views hand in querysets already through ``visible_to(user)``."""

from __future__ import annotations

from datetime import date

import django_filters
from dateutil.relativedelta import relativedelta
from django import forms
from django.db.models import Exists, OuterRef, Q

from cadre_portal.filters import PortalFilterSet
from cadre_portal.models import Unit
from cadre_portal.people import name_search_q
from youth_cadres import cohorts
from youth_cadres import due as due_rules
from youth_cadres.models import (
    DIMENSIONS,
    Appointment,
    POST_LEVELS,
    BankEntry,
    Cadre,
    Line,
    Post,
    PostHolding,
    SupervisionOpinion,
    TrainingRecord,
    WorkLogEntry,
)

YES = [("1", "是")]
DATE = forms.DateInput(attrs={"type": "date"})
AGE_BANDS = [("-30", "30岁及以下"), ("31-35", "31-35岁"), ("36-40", "36-40岁"), ("41-45", "41-45岁"), ("46-", "46岁及以上")]


class DateRangeForm(forms.Form):
    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "截止日期不能早于起始日期。")
        return data


def _units(user):
    return Unit.objects.visible_to(user).exclude(kind=Unit.Kind.VILLAGE_ORG).order_by("sort_order", "name")


def age_q(value: str, prefix: str = "") -> Q:
    low, _, high = value.partition("-")
    today = date.today()
    q = Q()
    if low:
        q &= Q(**{f"{prefix}birth_date__lte": today - relativedelta(years=int(low))})
    if high:
        q &= Q(**{f"{prefix}birth_date__gt": today - relativedelta(years=int(high) + 1)})
    return q


class UnitScopedFilter(PortalFilterSet):
    """Common: the unit choice limited to the user's scope (hidden for a unit contact)."""

    unit_path = "unit"

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if "unit" in self.filters:
            if user.is_unit_contact:
                del self.filters["unit"]
            else:
                self.filters["unit"].queryset = _units(user)


class CadreFilter(UnitScopedFilter):
    q = django_filters.CharFilter(label="姓名/拼音/身份证后四位", method="filter_q")
    unit = django_filters.ModelChoiceFilter(label="单位", queryset=Unit.objects.none(), empty_label="全部单位")
    team = django_filters.ChoiceFilter(label="三支队伍", choices=Unit.Team.choices, method="filter_team", empty_label="全部")
    post_level = django_filters.ChoiceFilter(label="职务层次", choices=POST_LEVELS, empty_label="全部")
    cohort = django_filters.ChoiceFilter(label="培养类别", choices=cohorts.CHOICES, method="filter_cohort", empty_label="全部")
    tag = django_filters.ChoiceFilter(label="标签", choices=cohorts.TAGS, method="filter_tag", empty_label="全部")
    age_band = django_filters.ChoiceFilter(label="年龄段", choices=AGE_BANDS, method="filter_age", empty_label="全部")
    in_bank = django_filters.ChoiceFilter(label="在库", choices=YES, method="filter_in_bank", empty_label="不限")

    class Meta:
        model = Cadre
        fields = ["q", "unit", "team", "post_level", "cohort", "tag", "age_band", "in_bank"]

    def filter_q(self, qs, name, value):
        return qs.filter(name_search_q(value))

    def filter_team(self, qs, name, value):
        return qs.filter(Unit.team_q(value, "unit__")) if value else qs

    def filter_cohort(self, qs, name, value):
        return qs.filter(cohorts.cohort_filter(value)) if value else qs

    def filter_tag(self, qs, name, value):
        return qs.filter(tags__contains=f",{value},") if value else qs

    def filter_age(self, qs, name, value):
        return qs.filter(age_q(value)) if value else qs

    def filter_in_bank(self, qs, name, value):
        if not value:
            return qs
        return qs.filter(Exists(BankEntry.objects.filter(cadre=OuterRef("pk"), status=BankEntry.Status.IN_BANK)))


STATUS_CHOICES = [("open", "推荐、考察和在库"), *BankEntry.Status.choices]


class BankFilter(UnitScopedFilter):
    q = django_filters.CharFilter(label="姓名/拼音/身份证后四位", method="filter_q")
    status = django_filters.ChoiceFilter(label="状态", choices=STATUS_CHOICES, method="filter_status", empty_label="全部状态")
    cohort = django_filters.ChoiceFilter(label="培养类别", choices=cohorts.CHOICES, method="filter_cohort", empty_label="全部")
    team = django_filters.ChoiceFilter(label="三支队伍", choices=Unit.Team.choices, method="filter_team", empty_label="全部")
    unit = django_filters.ModelChoiceFilter(label="单位", queryset=Unit.objects.none(), field_name="cadre__unit", empty_label="全部单位")
    source = django_filters.ChoiceFilter(label="推荐来源", choices=BankEntry.Source.choices, empty_label="全部")
    key_training = django_filters.ChoiceFilter(label="重点培养对象", choices=YES, method="filter_key", empty_label="不限")
    age_band = django_filters.ChoiceFilter(label="年龄段", choices=AGE_BANDS, method="filter_age", empty_label="全部")
    due = django_filters.ChoiceFilter(label="档案待办", choices=due_rules.CHOICES, method="filter_due", empty_label="不限")
    post = django_filters.NumberFilter(label="培养目标岗位", method="filter_post", widget=forms.HiddenInput)

    class Meta:
        model = BankEntry
        fields = ["q", "status", "cohort", "team", "unit", "source", "key_training", "age_band", "due", "post"]

    def filter_due(self, qs, name, value):
        rule = due_rules.BY_KEY.get(value)
        return qs.filter(rule.condition(date.today())) if rule else qs

    def filter_q(self, qs, name, value):
        return qs.filter(name_search_q(value, prefix="cadre__"))

    def filter_status(self, qs, name, value):
        if value == "open":
            return qs.filter(status__in=BankEntry.OPEN_STATUSES)
        return qs.filter(status=value) if value else qs

    def filter_cohort(self, qs, name, value):
        return qs.filter(cohorts.cohort_filter(value, prefix="cadre__")) if value else qs

    def filter_team(self, qs, name, value):
        return qs.filter(Unit.team_q(value, "cadre__unit__")) if value else qs

    def filter_key(self, qs, name, value):
        return qs.filter(key_training=True) if value else qs

    def filter_age(self, qs, name, value):
        return qs.filter(age_q(value, "cadre__")) if value else qs

    def filter_post(self, qs, name, value):
        return qs.filter(targets__post_id=value) if value else qs


class PostFilter(UnitScopedFilter):
    unit = django_filters.ModelChoiceFilter(label="单位", queryset=Unit.objects.none(), empty_label="全部单位")
    team = django_filters.ChoiceFilter(label="三支队伍", choices=Unit.Team.choices, method="filter_team", empty_label="全部")
    level = django_filters.ChoiceFilter(label="职务层次", choices=POST_LEVELS, empty_label="全部")
    short = django_filters.ChoiceFilter(label="培养对象不足2名", choices=YES, method="filter_short", empty_label="不限")
    vacant = django_filters.ChoiceFilter(label="有空缺", choices=YES, method="filter_vacant", empty_label="不限")

    class Meta:
        model = Post
        fields = ["unit", "team", "level", "short", "vacant"]

    def filter_team(self, qs, name, value):
        return qs.filter(Unit.team_q(value, "unit__")) if value else qs

    def filter_short(self, qs, name, value):
        return qs.short_of_candidates() if value else qs

    def filter_vacant(self, qs, name, value):
        return qs.with_vacancies() if value else qs


class ForecastFilter(UnitScopedFilter):
    unit = django_filters.ModelChoiceFilter(label="单位", queryset=Unit.objects.none(), field_name="post__unit", empty_label="全部单位")
    level = django_filters.ChoiceFilter(label="职务层次", choices=POST_LEVELS, field_name="post__level", empty_label="全部")

    class Meta:
        model = PostHolding
        fields = ["unit", "level"]


class CadreRecordFilter(UnitScopedFilter):
    """Records of cadres: by name, unit and date range."""

    class Meta:
        form = DateRangeForm

    date_field = "date"
    q = django_filters.CharFilter(label="姓名/拼音", method="filter_q")
    unit = django_filters.ModelChoiceFilter(label="单位", queryset=Unit.objects.none(), field_name="cadre__unit", empty_label="全部单位")
    cadre = django_filters.NumberFilter(label="干部", field_name="cadre_id", widget=forms.HiddenInput)
    date_from = django_filters.DateFilter(label="起始日期", method="filter_from", widget=DATE)
    date_to = django_filters.DateFilter(label="截止日期", method="filter_to", widget=DATE)

    def filter_q(self, qs, name, value):
        return qs.filter(name_search_q(value, prefix="cadre__"))

    def filter_from(self, qs, name, value):
        return qs.filter(**{f"{self.date_field}__gte": value}) if value else qs

    def filter_to(self, qs, name, value):
        return qs.filter(**{f"{self.date_field}__lte": value}) if value else qs


class WorkLogFilter(CadreRecordFilter):
    class Meta:
        model = WorkLogEntry
        form = DateRangeForm
        fields = ["q", "unit", "cadre", "date_from", "date_to"]


class TrainingRecordFilter(CadreRecordFilter):
    date_field = "start"
    dimension = django_filters.ChoiceFilter(label="培养维度", choices=DIMENSIONS, empty_label="全部")
    line = django_filters.ChoiceFilter(label="责任方", choices=Line.choices, empty_label="全部")

    class Meta:
        model = TrainingRecord
        form = DateRangeForm
        fields = ["q", "unit", "cadre", "dimension", "line", "date_from", "date_to"]


class SupervisionFilter(CadreRecordFilter):
    source = django_filters.ChoiceFilter(label="意见来源", choices=SupervisionOpinion.Source.choices, empty_label="全部")

    class Meta:
        model = SupervisionOpinion
        form = DateRangeForm
        fields = ["q", "unit", "cadre", "source", "date_from", "date_to"]


class AppointmentFilter(PortalFilterSet):
    date_from = django_filters.DateFilter(label="任职时间起", field_name="appointed_on", lookup_expr="gte", widget=DATE)
    date_to = django_filters.DateFilter(label="任职时间止", field_name="appointed_on", lookup_expr="lte", widget=DATE)
    cross_team = django_filters.ChoiceFilter(label="跨“三支队伍”", choices=YES, method="filter_cross", empty_label="不限")
    from_bank = django_filters.ChoiceFilter(label="从库中任用", choices=YES, method="filter_bank", empty_label="不限")

    class Meta:
        model = Appointment
        form = DateRangeForm
        fields = ["date_from", "date_to", "cross_team", "from_bank"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)

    def filter_cross(self, qs, name, value):
        return qs.filter(cross_team=True) if value else qs

    def filter_bank(self, qs, name, value):
        return qs.from_bank() if value else qs
