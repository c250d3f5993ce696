"""List filters of the talents app (django-filter). Scope is not a filter: views and
exports hand these a queryset already through ``visible_to(user)``."""

from __future__ import annotations

from datetime import date

import django_filters
from dateutil.relativedelta import relativedelta
from django.db.models import Q

from cadre_portal.filters import PortalFilterSet
from cadre_portal.models import CodeItem, Domain, Region, Unit
from cadre_portal.people import name_search_q
from talents import codes, domains
from talents.models import ArtsOrganization, Level, Platform, Talent

# (value, label): "low-high" in whole years; "-39" is the seed's 40岁以下.
AGE_BANDS = [
    ("-39", "40岁以下"),
    ("-30", "30岁及以下"),
    ("31-35", "31-35岁"),
    ("36-40", "36-40岁"),
    ("41-45", "41-45岁"),
    ("46-50", "46-50岁"),
    ("51-", "51岁及以上"),
]


def age_q(value: str, field: str = "birth_date", today: date | None = None) -> Q:
    """People whose age today lies in the band ``low-high`` (either end may be open)."""
    low, _, high = value.partition("-")
    today = today or date.today()
    q = Q()
    if low:  # at least `low` years old
        q &= Q(**{f"{field}__lte": today - relativedelta(years=int(low))})
    if high:  # at most `high` years old
        q &= Q(**{f"{field}__gt": today - relativedelta(years=int(high) + 1)})
    return q


def recent_years(back: int = 10) -> list[tuple[str, str]]:
    this = date.today().year
    return [(str(y), f"{y}年") for y in range(this, this - back, -1)]


class TalentFilter(PortalFilterSet):
    """One domain's registry list: category, level, unit, channel, year, status, age band,
    pinyin search, the domain's own filters (学段, 主导产业 …) and a tag."""

    q = django_filters.CharFilter(label="姓名/拼音/身份证后四位", method="filter_q")
    category = django_filters.ModelChoiceFilter(label="人才类别", queryset=CodeItem.objects.none(), empty_label="全部类别")
    level = django_filters.ChoiceFilter(label="层级", choices=Level.choices, empty_label="全部层级")
    township = django_filters.ModelChoiceFilter(label="工作地点（乡镇）", queryset=Region.objects.none(),
                                                method="filter_township", empty_label="全部乡镇")
    unit = django_filters.ModelChoiceFilter(label="工作单位", queryset=Unit.objects.none(), empty_label="全部单位")
    origin = django_filters.ChoiceFilter(label="来源", choices=Talent.Origin.choices, empty_label="全部")
    channel = django_filters.ModelChoiceFilter(label="招引渠道", queryset=CodeItem.objects.none(), empty_label="全部渠道")
    year = django_filters.ChoiceFilter(label="招引年度", choices=recent_years(), method="filter_year", empty_label="全部年度")
    status = django_filters.ChoiceFilter(label="状态", choices=Talent.Status.choices, empty_label="全部状态")
    age_band = django_filters.ChoiceFilter(label="年龄段", choices=AGE_BANDS, method="filter_age", empty_label="全部")
    tag = django_filters.CharFilter(label="标签", method="filter_tag")

    class Meta:
        model = Talent
        fields = ["q", "category", "level", "township", "unit", "origin", "channel", "year", "status", "age_band", "tag"]

    def __init__(self, *args, user, domain: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.domain = domains.get(domain)
        self.filters["category"].queryset = CodeItem.objects.filter(table=self.domain.category_table)
        self.filters["channel"].queryset = CodeItem.objects.filter(table=codes.CHANNEL_TABLE)
        self.filters["unit"].queryset = Unit.objects.visible_to(user).filter(domain=domain)
        townships = Region.objects.visible_to(user).filter(level=Region.Level.TOWNSHIP)
        self.filters["township"].queryset = townships
        if user.is_township_officer:
            del self.filters["township"]
        for item in self.domain.list_filters():
            self.filters[f"d_{item.key}"] = self._detail_filter(item)

    @staticmethod
    def _detail_filter(item):
        if item.kind == "bool":
            return django_filters.ChoiceFilter(label=item.filter_label or item.label, choices=[("1", "是")], empty_label="不限",
                                               method=_detail_method(item))
        if item.kind == "date":
            return django_filters.ChoiceFilter(label=item.filter_label or item.label, choices=[("1", "已入选"), ("0", "未入选")],
                                               empty_label="不限", method=_detail_method(item))
        return django_filters.ChoiceFilter(label=item.label, choices=item.choice_pairs(), empty_label="全部",
                                           method=_detail_method(item))

    def filter_q(self, qs, name, value):
        return qs.filter(name_search_q(value))

    def filter_township(self, qs, name, value):
        return qs.filter(region__path__startswith=value.path) if value else qs

    def filter_year(self, qs, name, value):
        return qs.filter(origin=Talent.Origin.RECRUITED, recruited_on__year=int(value)) if value else qs

    def filter_age(self, qs, name, value):
        return qs.filter(age_q(value)) if value else qs

    def filter_tag(self, qs, name, value):
        value = (value or "").strip().replace(",", "")
        return qs.with_tag(value) if value else qs


def _detail_method(item):
    def method(qs, name, value):
        if not value:
            return qs
        if item.kind == "date":
            has = Q(details__has_key=item.key)
            return qs.filter(has if value == "1" else ~has)
        return qs.filter(**{f"details__{item.key}": True if item.kind == "bool" else value})

    return method


class PlatformFilter(PortalFilterSet):
    q = django_filters.CharFilter(label="平台名称", field_name="name", lookup_expr="contains")
    domain = django_filters.ChoiceFilter(label="领域", choices=Domain.choices, empty_label="全部领域")
    kind = django_filters.ChoiceFilter(label="平台类型", choices=Platform.Kind.choices, empty_label="全部类型")
    level = django_filters.ChoiceFilter(label="级别", choices=Level.choices, empty_label="全部级别")
    status = django_filters.ChoiceFilter(label="状态", choices=Platform.Status.choices, empty_label="全部状态")
    host_unit = django_filters.ModelChoiceFilter(label="依托单位", queryset=Unit.objects.none(), empty_label="全部单位")

    class Meta:
        model = Platform
        fields = ["q", "domain", "kind", "level", "status", "host_unit"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["host_unit"].queryset = Unit.objects.visible_to(user).exclude(domain="")
        if user.is_domain_officer:
            del self.filters["domain"]
            self.filters["kind"].extra["choices"] = domains.platform_kind_choices(user.domain)


class ArtsOrganizationFilter(PortalFilterSet):
    q = django_filters.CharFilter(label="组织名称", field_name="name", lookup_expr="contains")
    kind = django_filters.ChoiceFilter(label="组织类型", choices=ArtsOrganization.Kind.choices, empty_label="全部类型")
    state = django_filters.ChoiceFilter(label="登记状态", choices=ArtsOrganization.State.choices, empty_label="全部")
    township = django_filters.ModelChoiceFilter(label="所在乡镇", queryset=Region.objects.none(), method="filter_township",
                                                empty_label="全部乡镇")

    class Meta:
        model = ArtsOrganization
        fields = ["q", "kind", "state", "township"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["township"].queryset = Region.objects.visible_to(user).filter(level=Region.Level.TOWNSHIP)
        if user.is_township_officer:
            del self.filters["township"]

    def filter_township(self, qs, name, value):
        return qs.filter(region__path__startswith=value.path) if value else qs
